{#-
  The project's view and table materializations on DuckDB: the model's relation is replaced in
  place, in one call inside the model's transaction.

  Why: dbt's own (and dbt-duckdb's) build each model under a temporary name, rename the relation
  already there to a backup, rename the new one into place and drop the backup. Each of those is a
  statement of its own run through a whole macro context: on a nightly rebuild, where every model
  already exists, about a quarter of dbt's time on a model (docs/performance.md). The swap guards a
  live database against readers seeing a half-built model; here every build runs in a staging copy
  of the warehouse that is published whole or not at all (pipeline/warehouse.py), and DuckDB's DDL
  is transactional, so replacing the relation inside the model's transaction is as safe.

  Everything else the adapter's materializations do is kept: hooks inside and outside the
  transaction, contracts (columns, types and constraints, via create_table_as and the same check
  for views), grants, indexes and persist_docs (macros/persist_docs.sql). A relation of the other
  kind under the model's name (a table where a view now goes) is dropped first. A model that fails
  leaves the relation it replaces as it was (the transaction rolls back). Not supported: Python
  models, DuckLake's partitioned_by/sorted_by, a table model selecting from itself ({{ this }} is
  dropped first), and foreign-key constraints (a table another table's foreign key points at
  cannot be dropped: DuckDB refuses, and the build fails naming it).
-#}

{% materialization view, adapter='duckdb' %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set grant_config = config.get('grants') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- the drop and the create stand or fall together, whatever the profile says of transactions -#}
  {% do adapter.ensure_transaction() %}
  {% call statement('main') -%}
    {{ laichau_drop_other_kind(existing_relation, 'view') }}
    {{ laichau_create_or_replace_view_as(target_relation, sql) }}
  {%- endcall %}
  {{ laichau_forget_other_kind(existing_relation, 'view') }}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{% materialization table, adapter='duckdb', supported_languages=['sql'] %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set grant_config = config.get('grants') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- the drop and the create stand or fall together, whatever the profile says of transactions -#}
  {% do adapter.ensure_transaction() %}
  {% call statement('main', language='sql') -%}
    {%- if existing_relation is not none -%}
      drop {{ existing_relation.type }} if exists {{ existing_relation }};
    {%- endif %}
    {{ create_table_as(False, target_relation, compiled_code, 'sql') }}
  {%- endcall %}
  {{ laichau_forget_other_kind(existing_relation, 'table') }}

  {% do create_indexes(target_relation) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}
  -- `COMMIT` happens here
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{% macro laichau_drop_other_kind(existing_relation, kind) -%}
  {#- a relation of another kind under the model's name: CREATE OR REPLACE VIEW does not replace a table -#}
  {%- if existing_relation is not none and existing_relation.type != kind -%}
    drop {{ existing_relation.type }} if exists {{ existing_relation }};
  {%- endif -%}
{%- endmacro %}


{% macro laichau_forget_other_kind(existing_relation, kind) -%}
  {#- dbt's relation cache: it would otherwise keep the dropped relation's kind for the new one -#}
  {%- if existing_relation is not none and existing_relation.type != kind -%}
    {% do adapter.cache_dropped(existing_relation) %}
  {%- endif -%}
{%- endmacro %}


{% macro laichau_create_or_replace_view_as(relation, sql) -%}
  {#- duckdb__create_view_as, replacing: the contract check and the model's sql_header kept -#}
  {%- set contract_config = config.get('contract') -%}
  {%- if contract_config.enforced -%}
    {{ get_assert_columns_equivalent(sql) }}
  {%- endif -%}
  {%- set sql_header = config.get('sql_header', none) -%}
  {{ sql_header if sql_header is not none }}
  create or replace view {{ relation }} as (
    {{ sql }}
  );
{%- endmacro %}
