with

source as (

    select * from {{ source('landing', 'citizen_dialogue') }}

),

renamed as (

    select
        {{ landing_lineage('citizen_dialogue_id') }}

        seq_no,
        held_on,
        chaired_by,
        dialogue_kind,
        topic,
        participants,
        issues_raised,
        issues_resolved

    from source

)

select * from renamed
