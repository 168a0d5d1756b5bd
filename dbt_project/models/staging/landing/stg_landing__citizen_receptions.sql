with

source as (

    select * from {{ source('landing', 'citizen_reception') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as reception_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

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
