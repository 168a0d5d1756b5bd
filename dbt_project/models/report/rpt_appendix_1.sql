-- Phụ lục I of each requested report: reception, dialogues, petitions, inspections and
-- administrative-reform results, one row per member unit that keeps a register (in the report's
-- order) and a totals row. A row counts for a unit when it falls in the unit's counted part of the
-- period (int_report_members); petitions count as resolved only if resolved by the period's end;
-- a monthly reform row counts only when its whole month lies inside the counted part. A unit that
-- keeps no such register gets NULL ("—" in print), one that owes it and sent nothing 0 and a note.
-- Incremental: this build's requests replace their own rows; other requests' rows stay.

{{ config(
    materialized='incremental',
    alias='appendix_1',
    incremental_strategy='delete+insert',
    unique_key=['reporting_unit_code', 'period_start', 'period_end'],
    on_schema_change='fail',
) }}

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

receptions as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        count(*) as reception_visits,
        sum(receptions.people_count) as reception_people,
        count(distinct receptions.case_key) as reception_cases

    from members
    inner join {{ ref('fct_citizen_receptions') }} as receptions
        on receptions.unit_id = members.unit_id
        and receptions.received_on between members.counted_from and members.counted_to
    group by all

),

dialogues as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        count(*) as dialogues,
        sum(dialogues.participants) as dialogue_participants,
        sum(dialogues.issues_raised) as dialogue_issues

    from members
    inner join {{ ref('fct_citizen_dialogues') }} as dialogues
        on dialogues.unit_id = members.unit_id
        and dialogues.held_on between members.counted_from and members.counted_to
    group by all

),

petitions as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        count(*) as petitions_received,
        count(*) filter (
            where petitions.status = 'resolved' and coalesce(petitions.resolved_on, petitions.received_on) <= members.period_end
        ) as petitions_resolved,
        count(*) filter (
            where not (petitions.status = 'resolved' and coalesce(petitions.resolved_on, petitions.received_on) <= members.period_end)
        ) as petitions_pending

    from members
    inner join {{ ref('fct_petitions') }} as petitions
        on petitions.unit_id = members.unit_id
        and petitions.received_on between members.counted_from and members.counted_to
    group by all

),

inspections as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        count(distinct inspections.inspection_key) as inspections,
        count(*) as units_inspected,
        sum(inspections.recovery_recommended_vnd) as recovery_recommended_vnd

    from members
    inner join {{ ref('fct_inspections') }} as inspections
        on inspections.unit_id = members.unit_id
        and inspections.decided_on between members.counted_from and members.counted_to
    group by all

),

reform as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        sum(reform.indicator_value) filter (
            where reform.indicator_id in ('dossiers_received_online', 'dossiers_received_in_person')
        ) as dossiers_received,
        sum(reform.indicator_value) filter (where reform.indicator_id = 'dossiers_resolved_on_time') as dossiers_on_time,
        sum(reform.indicator_value) filter (where reform.indicator_id = 'dossiers_resolved_late') as dossiers_late

    from members
    inner join {{ ref('fct_reform_indicators') }} as reform
        on reform.unit_id = members.unit_id
        and reform.month_start >= members.counted_from
        and last_day(reform.month_start) <= members.counted_to
    group by all

),

-- a unit counted over two stretches of one request adds them up
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
        sum(receptions.reception_visits) as reception_visits,
        sum(receptions.reception_people) as reception_people,
        sum(receptions.reception_cases) as reception_cases,
        sum(dialogues.dialogues) as dialogues,
        sum(dialogues.dialogue_participants) as dialogue_participants,
        sum(dialogues.dialogue_issues) as dialogue_issues,
        sum(petitions.petitions_received) as petitions_received,
        sum(petitions.petitions_resolved) as petitions_resolved,
        sum(petitions.petitions_pending) as petitions_pending,
        sum(inspections.inspections) as inspections,
        sum(inspections.units_inspected) as units_inspected,
        sum(inspections.recovery_recommended_vnd) as recovery_recommended_vnd,
        sum(reform.dossiers_received) as dossiers_received,
        sum(reform.dossiers_on_time) as dossiers_on_time,
        sum(reform.dossiers_late) as dossiers_late

    from appendix_units
    left join receptions using (reporting_unit_code, period_start, period_end, unit_id)
    left join dialogues using (reporting_unit_code, period_start, period_end, unit_id)
    left join petitions using (reporting_unit_code, period_start, period_end, unit_id)
    left join inspections using (reporting_unit_code, period_start, period_end, unit_id)
    left join reform using (reporting_unit_code, period_start, period_end, unit_id)
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
        {{ kept_value('citizen_reception', 'reception_visits') }} as reception_visits,
        {{ kept_value('citizen_reception', 'reception_people') }} as reception_people,
        {{ kept_value('citizen_reception', 'reception_cases') }} as reception_cases,
        {{ kept_value('citizen_dialogue', 'dialogues') }} as dialogues,
        {{ kept_value('citizen_dialogue', 'dialogue_participants') }} as dialogue_participants,
        {{ kept_value('citizen_dialogue', 'dialogue_issues') }} as dialogue_issues,
        {{ kept_value('petition_handling', 'petitions_received') }} as petitions_received,
        {{ kept_value('petition_handling', 'petitions_resolved') }} as petitions_resolved,
        {{ kept_value('petition_handling', 'petitions_pending') }} as petitions_pending,
        {{ kept_value('inspection', 'inspections') }} as inspections,
        {{ kept_value('inspection', 'units_inspected') }} as units_inspected,
        {{ kept_value('inspection', 'recovery_recommended_vnd', 'hugeint') }} as recovery_recommended_vnd,
        {{ kept_value('reform_indicator', 'dossiers_received') }} as dossiers_received,
        {{ kept_value('reform_indicator', 'dossiers_on_time') }} as dossiers_on_time,
        {{ kept_value('reform_indicator', 'dossiers_late') }} as dossiers_late,
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
        sum(unit_rows.reception_visits)::bigint as reception_visits,
        sum(unit_rows.reception_people)::bigint as reception_people,
        sum(unit_rows.reception_cases)::bigint as reception_cases,
        sum(unit_rows.dialogues)::bigint as dialogues,
        sum(unit_rows.dialogue_participants)::bigint as dialogue_participants,
        sum(unit_rows.dialogue_issues)::bigint as dialogue_issues,
        sum(unit_rows.petitions_received)::bigint as petitions_received,
        sum(unit_rows.petitions_resolved)::bigint as petitions_resolved,
        sum(unit_rows.petitions_pending)::bigint as petitions_pending,
        sum(unit_rows.inspections)::bigint as inspections,
        sum(unit_rows.units_inspected)::bigint as units_inspected,
        sum(unit_rows.recovery_recommended_vnd)::hugeint as recovery_recommended_vnd,
        sum(unit_rows.dossiers_received)::bigint as dossiers_received,
        sum(unit_rows.dossiers_on_time)::bigint as dossiers_on_time,
        sum(unit_rows.dossiers_late)::bigint as dossiers_late,
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
