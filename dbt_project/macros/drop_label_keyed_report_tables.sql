{#- Before the report layer moved into dbt (issue 7), Python wrote report.figures, sentences,
    appendix_1/2 and completeness keyed by a period label ("2023"); sentences are now rendered into
    the exports only. An incremental rpt_ model cannot add its
    (reporting_unit_code, period_start, period_end) rows to such a table (its contract fails on the
    other columns), so a table still in that layout is dropped before the models run; its rows are
    rebuilt by the next report request. Tables already in the new layout are left alone.
    adapter.drop_relation also updates dbt's relation cache, so the model then builds from scratch.
    `current_columns` ({identifier: [columns]}) drops a table of an older layout the same way: one
    that lacks a column the current model has (e.g. figures before value_decimal and the labels),
    which an incremental append would otherwise leave out without a word. -#}
{% macro drop_label_keyed_report_tables(identifiers, current_columns={}) %}
    {%- if execute -%}
        {%- set dropped = [] -%}
        {%- for identifier in (identifiers + (current_columns.keys() | list)) | unique -%}
            {%- set relation = adapter.get_relation(database=target.database, schema='report', identifier=identifier) -%}
            {%- if relation is not none -%}
                {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
                {%- set missing = current_columns.get(identifier, []) | reject('in', columns) | list -%}
                {%- if 'reporting_unit_code' not in columns or missing -%}
                    {{ log("Dropping " ~ relation ~ ", a report table in the label-keyed layout or without " ~ missing, info=true) }}
                    {%- do adapter.drop_relation(relation) -%}
                    {%- do dropped.append(relation) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {#- the drops run in a transaction of their own, which the hook would otherwise roll back -#}
        {%- if dropped -%}{%- do adapter.commit() -%}{%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}
