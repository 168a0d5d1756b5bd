-- Phụ lục II of each requested report: "Dân vận khéo" models and examples by field, one row per
-- member unit that keeps a register (in the report's order) and a totals row. A model counts for
-- a unit when it was registered in the unit's counted part of the period; one without a
-- registration date counts when its register's year is one the counted part touches. A unit that
-- keeps no such register gets NULL ("—" in print), one that owes it and sent nothing 0 and a note.
-- Incremental: this build's requests replace their own rows; other requests' rows stay.

{{ config(
    materialized='incremental',
    alias='appendix_2',
    incremental_strategy='delete+insert',
    unique_key=['reporting_unit_code', 'period_start', 'period_end'],
    on_schema_change='fail',
) }}

{%- set fields = ['economy', 'culture', 'society', 'security', 'defence'] %}

with

requests as (

    select * from {{ ref('int_report_requests') }}

),

members as (

    select * from {{ ref('int_report_members') }}

),

appendix_units as (

    select * from {{ ref('int_report_appendix_units') }}

),

models as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        {%- for field in fields %}
        count(*) filter (where models.field = '{{ field }}') as models_{{ field }},
        {%- endfor %}
        count(*) as models_total,
        count(*) filter (where models.status = 'recognised') as models_recognised

    from members
    inner join {{ ref('fct_skilful_mobilisation_models') }} as models
        on models.unit_id = members.unit_id
        and (
            models.registered_on between members.counted_from and members.counted_to
            or (
                models.registered_on is null
                and models.report_year between year(members.counted_from) and year(members.counted_to)
            )
        )
    group by all

),

per_unit as (

    select
        appendix_units.reporting_unit_code,
        appendix_units.period_start,
        appendix_units.period_end,
        appendix_units.unit_id,
        appendix_units.unit_name,
        appendix_units.row_order,
        appendix_units.kept_sources,
        appendix_units.note_vi,
        {%- for field in fields %}
        sum(models.models_{{ field }}) as models_{{ field }},
        {%- endfor %}
        sum(models.models_total) as models_total,
        sum(models.models_recognised) as models_recognised

    from appendix_units
    left join models using (reporting_unit_code, period_start, period_end, unit_id)
    group by all

),

unit_rows as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        unit_id,
        unit_name,
        row_order,
        false as is_total,
        {%- for field in fields %}
        {{ kept_value('skilful_mobilisation_model', 'models_' ~ field) }} as models_{{ field }},
        {%- endfor %}
        {{ kept_value('skilful_mobilisation_model', 'models_total') }} as models_total,
        {{ kept_value('skilful_mobilisation_model', 'models_recognised') }} as models_recognised,
        note_vi

    from per_unit

),

totals as (

    select
        requests.reporting_unit_code,
        requests.period_start,
        requests.period_end,
        null::varchar as unit_id,
        'Tổng cộng' as unit_name,
        (count(unit_rows.unit_id) + 1)::integer as row_order,
        true as is_total,
        {%- for field in fields %}
        sum(unit_rows.models_{{ field }})::bigint as models_{{ field }},
        {%- endfor %}
        sum(unit_rows.models_total)::bigint as models_total,
        sum(unit_rows.models_recognised)::bigint as models_recognised,
        null::varchar as note_vi

    from requests
    left join unit_rows using (reporting_unit_code, period_start, period_end)
    group by all

),

final as (

    select * from unit_rows
    union all
    select * from totals

)

select * from final
