with

source as (

    select * from {{ source('landing', 'petition_handling') }}

),

renamed as (

    select
        {{ landing_lineage('petition_id') }}

        trim(petition_no) as petition_no,
        received_on,
        channel,
        petition_type,
        subject,
        is_eligible,
        competence,
        handling,
        due_on,
        status,
        resolved_on,
        resolution_round,
        trim(case_ref) as case_ref,
        nullif(trim(reception_case_ref), '') as reception_case_ref,
        sender_key

    from source

)

select * from renamed
