with

source as (

    select * from {{ source('landing', 'personnel_action') }}

),

renamed as (

    select
        {{ landing_lineage('personnel_action_id') }}

        trim(decision_no) as decision_no,
        decided_on,
        action,
        staff_category,
        sector,
        people::integer as people

    from source

)

select * from renamed
