with

source as (

    select * from {{ source('landing', 'discipline_record') }}

),

renamed as (

    select
        {{ landing_lineage('disciplinary_decision_id') }}

        seq_no,
        decision_no,
        decided_on,
        staff_category,
        misconduct,
        sanction

    from source

)

select * from renamed
