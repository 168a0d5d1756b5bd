{#- dbt-duckdb's persist_docs, for a model whose contract is enforced, in one statement and without
    reading the table's columns back. dbt-duckdb reads them twice (information_schema, into an
    agate table, each time) to skip documented columns the table does not have, and it was about
    a sixth of a build's CPU over the 28 tables that keep their docs (docs/performance.md). An
    enforced contract already makes the table's columns those the model's .yml documents.
    Other models keep dbt-duckdb's way. -#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if not model.config.contract.enforced -%}
        {%- do return(default__persist_docs(relation, model, for_relation, for_columns)) -%}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- if for_relation and config.persist_relation_docs() and model.description -%}
        {%- do statements.append(duckdb__alter_relation_comment(relation, model.description)) -%}
    {%- endif -%}
    {%- if for_columns and config.persist_column_docs() -%}
        {%- for name, column in model.columns.items() if column.description -%}
            {%- do statements.append("comment on column " ~ relation ~ "." ~ adapter.quote(name) ~ " is " ~ duckdb_escape_comment(column.description) ~ ";") -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if statements -%}
        {%- do run_query(statements | join("\n")) -%}
    {%- endif -%}
{%- endmacro %}
