with

source as (

    select * from {{ source('landing', 'petition_handling') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as petition_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

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
