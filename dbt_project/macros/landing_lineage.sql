{#- The stable id and lineage columns every staging model of a landing source starts with:
    the id is a hash of the workbook's sha256 and the row number, so it survives rebuilds. -#}
{% macro landing_lineage(id_column) %}
        md5(_file_sha256 || ':' || _row_number::varchar) as {{ id_column }},
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,
{%- endmacro %}
