{#
  A table macro analysts call in the published warehouse: DESCRIBE of a table with the description
  dbt persisted on each column (persist_docs), since DuckDB's DESCRIBE leaves comments out.
    from describe_with_comments('marts', 'fct_petitions');
#}
{% macro create_describe_with_comments() %}
create or replace macro main.describe_with_comments(in_schema, in_table) as table
    select
        c.column_name,
        c.data_type as column_type,
        c.is_nullable,
        c.comment
    from duckdb_columns() as c
    where c.schema_name = in_schema
      and c.table_name = in_table
    order by c.column_index
{% endmacro %}
