{#- An appendix cell: the unit's value if it keeps the register behind the column (0 when it
    keeps it and has no row), NULL when it keeps no such register ("—", not 0). Expects the
    columns kept_sources (list of source ids) and the value column in scope. -#}
{% macro kept_value(source_id, column, data_type='bigint') -%}
    case when list_contains(kept_sources, '{{ source_id }}') then round(coalesce({{ column }}, 0))::{{ data_type }} end
{%- endmacro %}
