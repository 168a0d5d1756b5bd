-- Every figure of the report catalogue (seed report_figures) for each report request and scope.
--
-- Each group below reads the rows of its register that count in a request (int_report_<fact>:
-- the "which rows count" rule lives in the report_rows macro) and computes its figures for the
-- three scopes at once: `total` (all members), `own_bodies`, `subunits`. A column is named by the
-- figure's key; the columns are then unpivoted into (key, value) rows, a NULL (a rate over
-- nothing, a unit fact no unit has) leaving the figure out. `data_runs_to` is the last day the
-- counted rows of the group report on (the end of a month for monthly rows, the period's end for
-- registers read as the state at the cut-off), or the period's end when no row counted.
-- Figures are kept only for the scopes the catalogue publishes them in, and only when one of the
-- registers they need was sent for the request (else unknown, not zero).
--
-- A table, not a view: report.figures, report.figure_details and this model's data tests read it,
-- so the figures are computed once per build instead of once per reader (at 1M register rows two
-- readers computing it side by side outgrew the DuckDB memory limit).

{{ config(materialized='table') }}

with

requests as (

    select * from {{ ref('int_report_requests') }}

),

scopes as (

    select requests.reporting_unit_code, requests.period_start, requests.period_end, scope_names.scope
    from requests
    cross join (values ('total'), ('own_bodies'), ('subunits')) as scope_names (scope)

),

catalogue as (

    select * from {{ ref('report_figures') }}

),

registers_sent as (

    select * from {{ ref('int_report_registers_sent') }}

),

-- I. Đặc điểm tình hình: the commune-level member units that exist on the period's last day
-- (the city's wards and communes, a ward itself), and the reporting unit's ethnic groups.
commune_level_units as (

    select distinct
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        units.unit_id,
        units.unit_kind,
        units.area_ha,
        units.population
    from {{ ref('int_report_members') }} as members
    inner join {{ ref('dim_admin_unit') }} as units
        on units.unit_id = members.unit_id
    where members.counted_to = members.period_end
        and units.unit_kind in ('ward', 'commune')

),

unit_facts as (

    select
        scopes.reporting_unit_code,
        scopes.period_start,
        scopes.period_end,
        scopes.scope,
        scopes.period_end as data_runs_to,
        round(sum(units.area_ha), 1)::double as "city.area_ha",
        sum(units.population)::double as "city.population",
        any_value(reporting_unit.ethnic_groups)::double as "city.ethnic_groups",
        nullif(count(units.unit_id), 0)::double as "city.admin_units",
        (case when count(units.unit_id) > 0 then count(*) filter (where units.unit_kind = 'ward') end)::double
            as "city.wards",
        (case when count(units.unit_id) > 0 then count(*) filter (where units.unit_kind = 'commune') end)::double
            as "city.communes"
    from scopes
    inner join requests
        on requests.reporting_unit_code = scopes.reporting_unit_code
        and requests.period_start = scopes.period_start
        and requests.period_end = scopes.period_end
    left join {{ ref('dim_admin_unit') }} as reporting_unit
        on reporting_unit.unit_id = requests.reporting_unit_id
    left join commune_level_units as units
        on units.reporting_unit_code = scopes.reporting_unit_code
        and units.period_start = scopes.period_start
        and units.period_end = scopes.period_end
    where scopes.scope = 'total'
    group by all

),

-- II.4 Tiếp công dân (Biểu 01/TCD)
receptions as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        count(counted.reception_id)::double as "reception.visits",
        coalesce(sum(counted.people_count), 0)::double as "reception.people",
        count(distinct counted.case_key)::double as "reception.cases"
    from scopes
    left join {{ ref('int_report_citizen_receptions') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.4 Đơn thư (Biểu 01/XLD): received in the period, their state at the cut-off
petitions as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        count(counted.petition_id)::double as "petition.received",
        count(distinct counted.case_key)::double as "petition.received_cases",
        count(counted.petition_id) filter (where counted.is_resolved_by_cut_off)::double as "petition.resolved",
        count(counted.petition_id) filter (where not counted.is_resolved_by_cut_off)::double as "petition.pending",
        count(distinct counted.case_key) filter (where not counted.is_resolved_by_cut_off)::double as "petition.pending_cases"
    from scopes
    left join {{ ref('int_report_petitions') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.3 Thanh tra (Biểu 01/TTr): decisions issued in the period, conclusions by the cut-off
inspections as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        count(distinct counted.inspection_key)::double as "inspection.decisions",
        count(distinct counted.inspection_key)::double as "inspection.inspections",
        count(distinct (counted.inspection_key, counted.inspected_entity))::double as "inspection.units_inspected",
        count(distinct counted.inspection_key) filter (where counted.inspection_kind = 'planned')::double as "inspection.planned",
        count(distinct counted.inspection_key) filter (where counted.inspection_kind = 'ad_hoc')::double as "inspection.ad_hoc",
        count(distinct counted.inspection_key) filter (where counted.is_concluded_by_cut_off)::double as "inspection.concluded",
        count(distinct counted.inspection_key) filter (where not counted.is_concluded_by_cut_off)::double as "inspection.ongoing"
    from scopes
    left join {{ ref('int_report_inspections') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- Follow-up of conclusions, the state at the cut-off
inspection_followups as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        count(counted.conclusion_followup_id) filter (where counted.implementation_status = 'implemented')::double
            as "inspection.conclusions_implemented",
        count(counted.conclusion_followup_id) filter (where counted.implementation_status = 'in_progress')::double
            as "inspection.conclusions_in_progress",
        coalesce(sum(counted.recovery_required_vnd), 0)::double as "inspection.recovery_required_vnd",
        coalesce(sum(counted.recovered_vnd), 0)::double as "inspection.recovered_vnd",
        coalesce(sum(counted.recovery_outstanding_vnd), 0)::double as "inspection.recovery_outstanding_vnd"
    from scopes
    left join {{ ref('int_report_inspection_followups') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.5 Cải cách hành chính: personnel decisions (footnote 7) and job rotations
personnel_actions as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        {%- for action in [
            'position_rotation', 'appointed', 'transferred_and_appointed', 'reappointed', 'term_extended',
            'school_charge_assigned', 'seconded', 'reassigned_school_merger', 'reassigned_school_quota',
            'received', 'transferred_out', 'retired', 'resigned', 'downsized_retired'] %}
        coalesce(sum(counted.people) filter (where counted.action = '{{ action }}'), 0)::double
            as "personnel.{{ 'position_rotations' if action == 'position_rotation' else action }}",
        {%- endfor %}
        coalesce(sum(counted.people) filter (
            where counted.action = 'position_rotation' and counted.staff_category = 'public_employee'), 0)::double
            as "personnel.position_rotations_public_employees",
        coalesce(sum(counted.people) filter (
            where counted.action = 'position_rotation' and counted.staff_category = 'commune_civil_servant'), 0)::double
            as "personnel.position_rotations_commune_civil_servants",
        -- details of footnote 7, for its sentence only
        coalesce(sum(counted.people) filter (
            where counted.action = 'received' and counted.staff_category = 'city_civil_servant'), 0)::double
            as "personnel.received_city_civil_servants",
        coalesce(sum(counted.people) filter (
            where counted.action = 'received' and counted.staff_category = 'public_employee' and counted.sector = 'education'), 0)::double
            as "personnel.received_education_public_employees",
        coalesce(sum(counted.people) filter (
            where counted.action = 'transferred_out'
                and counted.staff_category in ('city_civil_servant', 'commune_civil_servant')), 0)::double
            as "personnel.transferred_out_civil_servants",
        coalesce(sum(counted.people) filter (
            where counted.action = 'transferred_out' and counted.staff_category = 'public_employee' and counted.sector = 'education'), 0)::double
            as "personnel.transferred_out_education_public_employees",
        -- resignations by sector, one figure per code of the register's «Lĩnh vực» choice (the
        -- sentence names each sector by its label: "05 viên chức giáo dục, 01 viên chức Ban QLDA")
        {%- for sector in ['education', 'health', 'culture', 'project_management', 'specialised_office',
                           'commune_government', 'other'] %}
        coalesce(sum(counted.people) filter (where counted.action = 'resigned' and counted.sector = '{{ sector }}'), 0)::double
            as "personnel.resigned_{{ sector }}"{{ "," if not loop.last }}
        {%- endfor %}
    from scopes
    left join {{ ref('int_report_personnel_actions') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.5 footnote 8: emulation and awards
awards as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        {%- for key, giver_level, award_type, recipient_kind in [
            ('pm_emulation_flag_collectives', 'prime_minister', 'emulation_flag', 'collective'),
            ('pm_certificate_collectives', 'prime_minister', 'certificate_of_merit', 'collective'),
            ('pm_certificate_individuals', 'prime_minister', 'certificate_of_merit', 'individual'),
            ('province_emulation_flag_collectives', 'province', 'emulation_flag', 'collective'),
            ('province_excellent_labour_collectives', 'province', 'excellent_labour_collective', none),
            ('province_emulation_fighter_individuals', 'province', 'province_emulation_fighter', none),
            ('province_certificate_collectives', 'province', 'certificate_of_merit', 'collective'),
            ('province_certificate_individuals', 'province', 'certificate_of_merit', 'individual'),
            ('province_certificate_households', 'province', 'certificate_of_merit', 'household'),
            ('advanced_labour_collectives', none, 'advanced_labour', 'collective'),
            ('advanced_labour_individuals', none, 'advanced_labour', 'individual'),
            ('grassroots_emulation_fighter_individuals', none, 'grassroots_emulation_fighter', none),
            ('merit_certificate_collectives', none, 'commendation', 'collective'),
            ('merit_certificate_individuals', none, 'commendation', 'individual'),
            ('merit_certificate_households', none, 'commendation', 'household')] %}
        coalesce(sum(counted.recipients) filter (
            where counted.award_type = '{{ award_type }}'
            {%- if giver_level %} and counted.giver_level = '{{ giver_level }}'{% endif %}
            {%- if recipient_kind %} and counted.recipient_kind = '{{ recipient_kind }}'{% endif %}), 0)::double
            as "awards.{{ key }}"{{ "," if not loop.last }}
        {%- endfor %}
    from scopes
    left join {{ ref('int_report_awards') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.5 Cải cách hành chính: the monthly indicators of the months wholly inside the period
reform_indicators as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        round(100.0 * sum(counted.indicator_value) filter (where counted.indicator_id = 'dossiers_resolved_on_time')
            / nullif(sum(counted.indicator_value) filter (
                where counted.indicator_id in ('dossiers_resolved_on_time', 'dossiers_resolved_late')), 0), 2)::double
            as "reform.on_time_rate_pct",
        round(100.0 * sum(counted.indicator_value) filter (where counted.indicator_id = 'documents_electronic')
            / nullif(sum(counted.indicator_value) filter (where counted.indicator_id = 'documents_exchanged'), 0), 2)::double
            as "reform.e_document_rate_pct",
        coalesce(sum(counted.indicator_value) filter (where counted.indicator_id = 'legal_documents_issued'), 0)::double
            as "reform.legal_documents_issued",
        coalesce(sum(counted.indicator_value) filter (where counted.indicator_id = 'staff_trained'), 0)::double
            as "training.participations"
    from scopes
    left join {{ ref('int_report_reform_indicators') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.1 Quán triệt: participations; staff coverage = each unit's staff reached in at least one
-- session (its best session) over its headcount
dissemination_units as (

    select
        scopes.*,
        counted.unit_id,
        max(counted.counted_on) as data_runs_to,
        sum(counted.participants) as participants,
        max(counted.staff_participants) as reached,
        max(counted.unit_headcount) as headcount
    from scopes
    left join {{ ref('int_report_dissemination_sessions') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

dissemination as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        scope,
        max(data_runs_to) as data_runs_to,
        coalesce(sum(participants), 0)::double as "dissemination.participations",
        round(100.0 * sum(least(reached, headcount)) / nullif(sum(headcount), 0), 2)::double
            as "dissemination.staff_coverage_pct"
    from dissemination_units
    group by all

),

-- II.2 footnote 3: bodies, units and schools checked, with dân vận work reviewed
internal_affairs_reviews as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        count(distinct lower(counted.checked_entity)) filter (where counted.dan_van_reviewed)::double
            as "internal_check.units_checked"
    from scopes
    left join {{ ref('int_report_internal_affairs_reviews') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.3 Kỷ luật: none is a figure when the register was sent (a nil return)
disciplinary_decisions as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        count(counted.disciplinary_decision_id) filter (
            where counted.misconduct in ('arrogance', 'harassment', 'infringement'))::double
            as "discipline.officials_disciplined"
    from scopes
    left join {{ ref('int_report_disciplinary_decisions') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

grassroots_democracy as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        round(100.0 * count(counted.grassroots_democracy_unit_id) filter (where counted.is_implemented)
            / nullif(count(counted.grassroots_democracy_unit_id), 0), 2)::double
            as "grassroots_democracy.units_implementing_pct"
    from scopes
    left join {{ ref('int_report_grassroots_democracy_units') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

-- II.5 footnote 6: schools open at the start and at the end of the period, and merged in it
schools as (

    select
        scopes.*,
        max(counted.counted_on) as data_runs_to,
        nullif(count(counted.school_id) filter (
            where coalesce(counted.opened_on, date '1900-01-01') <= scopes.period_start
                and coalesce(counted.closed_on, date '9999-12-31') > scopes.period_start), 0)::double
            as "schools.before_merger",
        nullif(count(counted.school_id) filter (
            where coalesce(counted.opened_on, date '1900-01-01') <= scopes.period_end
                and coalesce(counted.closed_on, date '9999-12-31') > scopes.period_end), 0)::double
            as "schools.after_merger",
        count(counted.school_id) filter (
            where counted.merged_into is not null
                and counted.closed_on between scopes.period_start and scopes.period_end)::double
            as "schools.merged"
    from scopes
    left join {{ ref('int_report_schools') }} as counted
        on {{ in_report_scope('counted') }}
    group by all

),

figure_values as (

    {%- set groups = [
        'unit_facts', 'receptions', 'petitions', 'inspections', 'inspection_followups',
        'personnel_actions', 'awards', 'reform_indicators', 'dissemination',
        'internal_affairs_reviews', 'disciplinary_decisions', 'grassroots_democracy', 'schools'] %}
    {%- for group in groups %}
    select reporting_unit_code, period_start, period_end, scope, data_runs_to, figure_key, value
    from (
        unpivot {{ group }}
        on columns(* exclude (reporting_unit_code, period_start, period_end, scope, data_runs_to))
        into name figure_key value value
    )
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        figure_values.reporting_unit_code,
        figure_values.period_start,
        figure_values.period_end,
        figure_values.scope,
        figure_values.figure_key as key,
        figure_values.value,
        catalogue.unit,
        catalogue.label_vi || case figure_values.scope
            when 'own_bodies' then ' - đơn vị báo cáo và cơ quan trực thuộc'
            when 'subunits' then ' - cấp xã, phường trực thuộc'
            else ''
        end as label_vi,
        coalesce(figure_values.data_runs_to, figure_values.period_end) as data_runs_to,
        catalogue.published

    from figure_values
    inner join catalogue
        on catalogue.figure_key = figure_values.figure_key
    where list_contains(string_split(catalogue.scopes, '|'), figure_values.scope)
        and (
            catalogue.requires is null
            or exists (
                select 1
                from registers_sent
                where registers_sent.reporting_unit_code = figure_values.reporting_unit_code
                    and registers_sent.period_start = figure_values.period_start
                    and registers_sent.period_end = figure_values.period_end
                    and list_contains(string_split(catalogue.requires, '|'), registers_sent.source_id)
            )
        )

)

select * from final
