-- report.monthly_series: each report request's counts by member unit and month, for the charts of
-- the run overview (reporting/overview.py): citizen-reception visits, petitions received and
-- their state at the cut-off, and the administrative dossiers resolved on time or late. The rows
-- come from the same int_report_* models as report.figures (the report_rows macro decides which
-- rows count), so a request's series add up to its figures (tests/assert_monthly_series_adds_up_to_figures.sql).
-- Incremental like report.figures: this build's requests replace their own rows.

{{
    config(
        alias='monthly_series',
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ delete_report_requests() }}",
    )
}}

-- depends_on: {{ ref('int_report_requests') }}

with

receptions as (

    select
        reporting_unit_code, period_start, period_end, unit_id, scope,
        date_trunc('month', received_on)::date as month_start,
        count(*) as receptions,
        coalesce(sum(people_count), 0) as reception_people,
        0 as petitions_received,
        0 as petitions_resolved,
        0 as petitions_pending,
        0 as dossiers_on_time,
        0 as dossiers_late
    from {{ ref('int_report_citizen_receptions') }}
    group by all

),

petitions as (

    select
        reporting_unit_code, period_start, period_end, unit_id, scope,
        date_trunc('month', received_on)::date as month_start,
        0 as receptions,
        0 as reception_people,
        count(*) as petitions_received,
        count(*) filter (where is_resolved_by_cut_off) as petitions_resolved,
        count(*) filter (where not is_resolved_by_cut_off) as petitions_pending,
        0 as dossiers_on_time,
        0 as dossiers_late
    from {{ ref('int_report_petitions') }}
    group by all

),

dossiers as (

    select
        reporting_unit_code, period_start, period_end, unit_id, scope,
        month_start,
        0 as receptions,
        0 as reception_people,
        0 as petitions_received,
        0 as petitions_resolved,
        0 as petitions_pending,
        coalesce(sum(indicator_value) filter (where indicator_id = 'dossiers_resolved_on_time'), 0) as dossiers_on_time,
        coalesce(sum(indicator_value) filter (where indicator_id = 'dossiers_resolved_late'), 0) as dossiers_late
    from {{ ref('int_report_reform_indicators') }}
    where indicator_id in ('dossiers_resolved_on_time', 'dossiers_resolved_late')
    group by all

),

combined as (

    select * from receptions
    union all
    select * from petitions
    union all
    select * from dossiers

),

final as (

    select
        combined.reporting_unit_code,
        combined.period_start,
        combined.period_end,
        combined.unit_id,
        any_value(units.unit_full_name) as unit_name,
        any_value(units.report_order) as report_order,
        combined.scope,
        combined.month_start,
        sum(combined.receptions)::bigint as receptions,
        sum(combined.reception_people)::bigint as reception_people,
        sum(combined.petitions_received)::bigint as petitions_received,
        sum(combined.petitions_resolved)::bigint as petitions_resolved,
        sum(combined.petitions_pending)::bigint as petitions_pending,
        sum(combined.dossiers_on_time)::bigint as dossiers_on_time,
        sum(combined.dossiers_late)::bigint as dossiers_late,
        round(100.0 * sum(combined.dossiers_on_time)
            / nullif(sum(combined.dossiers_on_time) + sum(combined.dossiers_late), 0), 2)::double as on_time_rate_pct,
        current_timestamp at time zone 'UTC' as computed_at
    from combined
    left join {{ ref('dim_admin_unit') }} as units
        on units.unit_id = combined.unit_id
    group by
        combined.reporting_unit_code, combined.period_start, combined.period_end,
        combined.unit_id, combined.scope, combined.month_start

)

select * from final
