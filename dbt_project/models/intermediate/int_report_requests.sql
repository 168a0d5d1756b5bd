-- TEMPORARY (rptapp): the report requests of this build, from the dbt var `report_requests`, with
-- the unit version the code names on the period's last day. rptfig owns this model; its version
-- replaces this one at merge (same columns, docs/ISSUE7.md).

{%- set requests = var('report_requests') %}

with

requested as (

    {% for request in requests %}
    select
        '{{ request.reporting_unit_code | replace("'", "''") }}'::varchar as reporting_unit_code,
        '{{ request.period_start }}'::date as period_start,
        '{{ request.period_end }}'::date as period_end
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

units as (

    select * from {{ ref('stg_reference__admin_units') }}

),

final as (

    select
        requested.reporting_unit_code,
        requested.period_start,
        requested.period_end,
        units.unit_id as reporting_unit_id,
        units.unit_full_name as reporting_unit_name,
        units.unit_kind as reporting_unit_kind,
        case
            when requested.period_start = make_date(year(requested.period_end), 1, 1)
                and requested.period_end = make_date(year(requested.period_end), 12, 31) then 'calendar_year'
            when requested.period_start = make_date(year(requested.period_end) - 1, 12, 15)
                and requested.period_end = make_date(year(requested.period_end), 12, 14) then 'decree09_year'
            when day(requested.period_start) = 1 and requested.period_end = last_day(requested.period_end)
                and month(requested.period_start) in (1, 7)
                and date_diff('month', requested.period_start, requested.period_end) = 5 then 'half_year'
            when day(requested.period_start) = 1 and requested.period_end = last_day(requested.period_end)
                and month(requested.period_start) in (1, 4, 7, 10)
                and date_diff('month', requested.period_start, requested.period_end) = 2 then 'quarter'
            when day(requested.period_start) = 1 and requested.period_end = last_day(requested.period_end)
                and date_trunc('month', requested.period_start) = date_trunc('month', requested.period_end) then 'month'
            when requested.period_start = make_date(year(requested.period_end), 1, 1) then 'year_to_date'
            else 'custom'
        end as period_kind

    from requested
    left join units
        on units.official_code = requested.reporting_unit_code
        and requested.period_end between units.valid_from and coalesce(units.valid_to, date '9999-12-31')

)

select * from final
