with

source as (

    select * from {{ source('landing', 'award') }}

),

renamed as (

    select
        {{ landing_lineage('award_id') }}

        trim(decision_no) as decision_no,
        decided_on,
        giver_level,
        award_type,
        recipient_kind,
        recipients::integer as recipients

    from source

)

select * from renamed
