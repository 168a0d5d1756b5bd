{#- The rows of a staging model that come from the current load of their source, unit and
    year (a re-sent workbook supersedes the earlier one as a whole), with the load's unit_id
    and report_year. Every source's int_<entities>__current model is this one call. -#}
{% macro current_load_rows(staging_model) %}
    select
        source_rows.*,
        loads.unit_id,
        loads.report_year

    from {{ ref(staging_model) }} as source_rows
    inner join {{ ref('stg_landing__loads') }} as loads
        on source_rows.load_id = loads.load_id
    where loads.is_current
{% endmacro %}
