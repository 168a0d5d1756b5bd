{#- A model's data checks in one dbt test and one query. dbt spends about 40 ms of its own on every
    node it runs, whatever the data: the same checks as one test per column (not_null, unique,
    accepted_values, relationships, expression_is_true) made most of a build's time
    (docs/performance.md).

    - not_null: columns that hold no NULL;
    - unique: columns that hold no value twice (NULLs aside);
    - grain: columns that together identify a row (no two rows alike in all of them, NULL
      counting as a value);
    - accepted_values: {column: [values]}: no value outside the list (NULLs aside);
    - relationships: {column: {to: ref(...) or source(...), field: column there}}: every value
      (NULLs aside) is one of `to`'s. Kept in a test of their own (`column_checks_<model>_relationships`):
      a test with several parents does not stop the models after its model when it fails (dbt
      skips only the nodes that depend on all of its parents), and the model's other checks must;
    - expressions: SQL conditions every row satisfies (false or NULL fails).

    Returns one row per check that fails: check_name, column_name (the column, the grain's
    columns or the expression) and failing_rows (rows that break it; for unique and grain, rows
    beyond the first of each value). Counts only, never a value: what it returns can be printed,
    logged and mailed whatever the column holds (pipeline.dbt.failed_nodes). -#}
{% test column_checks(model, not_null=[], unique=[], grain=[], accepted_values={}, relationships={}, expressions=[]) %}

{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append(("not_null", column, "count(*) filter (where " ~ adapter.quote(column) ~ " is null)")) -%}
{%- endfor -%}
{%- for column in unique -%}
    {%- set quoted = adapter.quote(column) -%}
    {%- do checks.append(("unique", column, "count(" ~ quoted ~ ") - count(distinct " ~ quoted ~ ")")) -%}
{%- endfor -%}
{%- if grain -%}
    {%- set columns = [] -%}
    {%- for column in grain -%}{%- do columns.append(adapter.quote(column)) -%}{%- endfor -%}
    {%- do checks.append(("grain", grain | join(", "), "count(*) - count(distinct row(" ~ columns | join(", ") ~ "))")) -%}
{%- endif -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}
        {#- quoted, as dbt's accepted_values quotes them: DuckDB casts '7' to a number column's type -#}
        {%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do checks.append(("accepted_values", column, "count(*) filter (where " ~ adapter.quote(column) ~ " not in (" ~ listed | join(", ") ~ "))")) -%}
{%- endfor -%}
{%- for column, parent in relationships.items() -%}
    {%- set quoted = adapter.quote(column) -%}
    {%- do checks.append(("relationships", column ~ " -> " ~ parent.to.identifier ~ "." ~ parent.field,
        "count(*) filter (where " ~ quoted ~ " is not null and " ~ quoted ~ " not in (select "
        ~ adapter.quote(parent.field) ~ " from " ~ parent.to ~ " where " ~ adapter.quote(parent.field) ~ " is not null))")) -%}
{%- endfor -%}
{%- for expression in expressions -%}
    {#- the newline ends a trailing "-- comment" of the expression -#}
    {%- do checks.append(("expression", expression, "count(*) filter (where not coalesce((" ~ expression ~ "\n), false))")) -%}
{%- endfor %}
{%- if not checks -%}
    {%- do exceptions.raise_compiler_error("column_checks on " ~ model ~ " names no check") -%}
{%- endif %}

with

counts as (

    select
        {%- for check_name, label, expression in checks %}
        {{ expression }} as check_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

failing as (

    unpivot counts on columns(*) into name check_id value failing_rows

),

checks (check_id, check_name, column_name) as (

    values
    {%- for check_name, label, expression in checks %}
        ('check_{{ loop.index }}', '{{ check_name }}', '{{ label | replace("'", "''") }}'){{ "," if not loop.last }}
    {%- endfor %}

)

select checks.check_name, checks.column_name, failing.failing_rows
from failing
inner join checks using (check_id)
where failing.failing_rows > 0

{% endtest %}
