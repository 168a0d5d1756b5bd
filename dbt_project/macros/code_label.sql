{#- The Vietnamese label of a code (int_code_labels: the source registry's choices, the report
    catalogue's scopes and units, the warehouse's own codes), e.g.
    {{ code_label('petition_handling', 'status', 'petitions.status') }} as status_vi.
    Null when the code is null; a code without a label is null too, which
    tests/test_analysts_guide.py catches on the sample. -#}
{% macro code_label(source, column_name, code) -%}
    (
        select code_labels.label_vi
        from {{ ref('int_code_labels') }} as code_labels
        where code_labels.source = '{{ source }}'
            and code_labels.column_name = '{{ column_name }}'
            and code_labels.code = {{ code }}
    )
{%- endmacro %}
