with

petitions as (

    select * from {{ ref('int_petitions__current') }}

),

units as (

    select * from {{ ref('dim_admin_unit') }}

),

receptions as (

    select distinct case_key from {{ ref('fct_citizen_receptions') }}

),

final as (

    select
        petitions.petition_id,
        petitions.unit_id,
        units.unit_level,
        petitions.received_on,
        petitions.report_year,
        petitions.petition_no,
        petitions.channel,
        petitions.petition_type,
        petitions.subject,
        petitions.is_eligible,
        petitions.competence,
        petitions.handling,
        petitions.due_on,
        petitions.status,
        petitions.resolved_on,
        petitions.resolution_round,
        petitions.unit_id || '/' || upper(petitions.case_ref) as case_key,
        receptions.case_key as reception_case_key,
        petitions.sender_key,
        petitions.load_id,
        petitions.source_file,
        petitions.source_row_number

    from petitions
    inner join units
        on petitions.unit_id = units.unit_id
    left join receptions
        on receptions.case_key = petitions.unit_id || '/' || upper(petitions.reception_case_ref)

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('warehouse', 'unit_level', 'labelled.unit_level') }} as unit_level_vi,
    {{ code_label('petition_handling', 'channel', 'labelled.channel') }} as channel_vi,
    {{ code_label('petition_handling', 'petition_type', 'labelled.petition_type') }} as petition_type_vi,
    {{ code_label('petition_handling', 'subject', 'labelled.subject') }} as subject_vi,
    {{ code_label('petition_handling', 'competence', 'labelled.competence') }} as competence_vi,
    {{ code_label('petition_handling', 'handling', 'labelled.handling') }} as handling_vi,
    {{ code_label('petition_handling', 'status', 'labelled.status') }} as status_vi,
    {{ code_label('petition_handling', 'resolution_round', 'labelled.resolution_round') }} as resolution_round_vi
from final as labelled
