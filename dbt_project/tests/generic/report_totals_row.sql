{#- A report table with a totals row (is_total) per request: exactly one per request, and each of
    `columns` in it equals the sum of the request's unit rows (NULL when every unit row is NULL,
    i.e. no unit keeps that register). Returns the requests and columns that break it. -#}
{% test report_totals_row(model, columns) %}

with

rows as (

    select * from {{ model }}

),

per_request as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        count(*) filter (where is_total) as totals_rows
        {%- for column in columns %},
        sum({{ column }}) filter (where not is_total) as {{ column }}__units,
        any_value({{ column }}) filter (where is_total) as {{ column }}__total
        {%- endfor %}

    from rows
    group by all

)

select *
from per_request
where totals_rows <> 1
    {%- for column in columns %}
    or {{ column }}__units is distinct from {{ column }}__total
    {%- endfor %}

{% endtest %}
