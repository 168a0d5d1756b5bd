with

source as (

    select * from {{ source('landing', 'citizen_reception') }}

),

renamed as (

    select
        {{ landing_lineage('reception_id') }}

        received_on,
        petition_type,
        people_count::integer as people_count,
        reception_kind,
        trim(case_ref) as case_ref,
        case_occurrence,
        coalesce(is_large_delegation, false) as is_large_delegation,
        previously_handled_by,
        coalesce(is_accepted, false) as is_accepted,
        coalesce(is_returned_with_guidance, false) as is_returned_with_guidance,
        forwarded_to,
        citizen_key

    from source

)

select * from renamed
