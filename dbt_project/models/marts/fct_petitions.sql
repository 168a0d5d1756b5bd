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

select * from final
