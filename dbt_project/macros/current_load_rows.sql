{#- The rows of a staging model that come from the current load of their source, unit and
    year (a re-sent workbook supersedes the earlier one as a whole), with the load's report_year
    and the row's unit_id: the unit version valid on the row's date, which ingestion records per
    row (a 2025 register of Phường Đoàn Kết holds the old ward's lines until 30/6 and the merged
    ward's after); lines loaded before that was recorded keep their load's unit. Every source's
    int_<entities>__current model is this one call. -#}
{% macro current_load_rows(staging_model) %}
    select
        source_rows.* exclude (row_unit_id),
        coalesce(source_rows.row_unit_id, loads.unit_id) as unit_id,
        loads.report_year

    from {{ ref(staging_model) }} as source_rows
    inner join {{ ref('stg_landing__loads') }} as loads
        on source_rows.load_id = loads.load_id
    where loads.is_current
{% endmacro %}
