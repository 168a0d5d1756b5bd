with

source as (

    select * from {{ source('landing', 'inspection_followup') }}

),

renamed as (

    select
        {{ landing_lineage('conclusion_followup_id') }}

        trim(conclusion_no) as conclusion_no,
        concluded_on,
        nullif(trim(decision_no), '') as decision_no,
        trim(inspected_entity) as inspected_entity,
        recovery_required_vnd::decimal(18, 2) as recovery_required_vnd,
        recovered_vnd::decimal(18, 2) as recovered_vnd,
        implementation_status,
        updated_on

    from source

)

select * from renamed
