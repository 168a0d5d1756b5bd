{#- The name pipeline/periods.py gives a period from its two dates (PeriodKind): a calendar year,
    half-year, quarter or month; a Decree 09/2019 cut-off period (15th to 14th); a year to date
    (1 January to another day of the year); else custom. Same dates, same kind, in Python and SQL. -#}
{% macro period_kind(period_start, period_end) -%}
case
    when {{ period_start }} = make_date(year({{ period_end }}), 1, 1)
        and {{ period_end }} = make_date(year({{ period_end }}), 12, 31)
        then 'calendar_year'
    when day({{ period_start }}) = 1 and month({{ period_start }}) in (1, 7)
        and {{ period_end }} = last_day(({{ period_start }} + interval 5 month)::date)
        then 'half_year'
    when day({{ period_start }}) = 1 and month({{ period_start }}) in (1, 4, 7, 10)
        and {{ period_end }} = last_day(({{ period_start }} + interval 2 month)::date)
        then 'quarter'
    when day({{ period_start }}) = 1 and {{ period_end }} = last_day({{ period_start }})
        then 'month'
    when day({{ period_end }}) = 14
        and {{ period_start }} = ({{ period_end }} - interval 1 month + interval 1 day)::date
        then 'decree09_month'
    when day({{ period_end }}) = 14 and month({{ period_end }}) in (3, 6, 9, 12)
        and {{ period_start }} = ({{ period_end }} - interval 3 month + interval 1 day)::date
        then 'decree09_quarter'
    when month({{ period_end }}) = 6 and day({{ period_end }}) = 14
        and {{ period_start }} = make_date(year({{ period_end }}) - 1, 12, 15)
        then 'decree09_half_year'
    when month({{ period_end }}) = 12 and day({{ period_end }}) = 14
        and {{ period_start }} = make_date(year({{ period_end }}), 6, 15)
        then 'decree09_half_year'
    when month({{ period_end }}) = 12 and day({{ period_end }}) = 14
        and {{ period_start }} = make_date(year({{ period_end }}) - 1, 12, 15)
        then 'decree09_year'
    when {{ period_start }} = make_date(year({{ period_end }}), 1, 1)
        then 'year_to_date'
    else 'custom'
end
{%- endmacro %}


{#- The rows of a fact that count in each report request, once per request they count in, with the
    request's keys, the member's scope (own_bodies | subunits) and `counted_on` (the last day the
    row reports on). The one rule: a row counts when its unit is a member of the request and the
    whole span it reports on, [first_day, last_day], lies inside that member's counted range
    (which int_report_members keeps inside the period and inside the unit's existence). An event
    is a span of one day; a month's row spans the whole month, so a month the period holds only
    in part never counts; an event after the period's end never does.
    `first_day` / `last_day` are SQL over `fact` (the fact's row) and `members`. -#}
{% macro report_rows(fact_model, first_day, last_day=none) -%}
{%- set last_day = last_day or first_day -%}
select
    members.reporting_unit_code,
    members.period_start,
    members.period_end,
    members.scope,
    ({{ last_day }})::date as counted_on,
    fact.*
from {{ ref(fact_model) }} as fact
inner join {{ ref('int_report_members') }} as members
    on fact.unit_id = members.unit_id
    and ({{ first_day }})::date >= members.counted_from
    and ({{ last_day }})::date <= members.counted_to
{%- endmacro %}


{#- Join condition of a figure group: the request's rows, all of them for scope `total`, else
    those of the members of that scope. `scopes` is the request × scope scaffold. -#}
{% macro in_report_scope(rows) -%}
scopes.reporting_unit_code = {{ rows }}.reporting_unit_code
    and scopes.period_start = {{ rows }}.period_start
    and scopes.period_end = {{ rows }}.period_end
    and scopes.scope in ('total', {{ rows }}.scope)
{%- endmacro %}


{#- Pre-hook of the incremental report tables: remove the rows of the requests this build makes
    (all of them, so a figure that no longer has a value does not linger); other requests stay.
    Nothing to do on the first build, when the table does not exist yet. -#}
{% macro delete_report_requests() -%}
{%- if is_incremental() -%}
delete from {{ this }}
using {{ ref('int_report_requests') }} as requests
where {{ this.identifier }}.reporting_unit_code = requests.reporting_unit_code
    and {{ this.identifier }}.period_start = requests.period_start
    and {{ this.identifier }}.period_end = requests.period_end
{%- endif -%}
{%- endmacro %}
