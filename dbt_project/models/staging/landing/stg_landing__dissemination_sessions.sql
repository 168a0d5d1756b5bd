with

source as (

    select * from {{ source('landing', 'dissemination_session') }}

),

renamed as (

    select
        {{ landing_lineage('dissemination_session_id') }}

        seq_no,
        held_on,
        document,
        format,
        participants,
        staff_participants,
        unit_headcount

    from source

)

select * from renamed
