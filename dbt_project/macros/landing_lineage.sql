{#- The stable id and lineage columns every staging model of a landing source starts with:
    the id is a hash of the workbook's sha256 and the row number, so it survives rebuilds.
    row_unit_id is the unit version that owns the line (the one valid on its date); it is null
    for lines loaded before ingestion recorded it, which belong to their load's unit. -#}
{% macro landing_lineage(id_column) %}
        md5(_file_sha256 || ':' || _row_number::varchar) as {{ id_column }},
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,
        _unit_id as row_unit_id,
{%- endmacro %}
