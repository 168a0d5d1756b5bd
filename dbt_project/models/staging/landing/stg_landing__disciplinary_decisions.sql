with

source as (

    select * from {{ source('landing', 'discipline_record') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as disciplinary_decision_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        seq_no,
        decision_no,
        decided_on,
        staff_category,
        misconduct,
        sanction

    from source

)

select * from renamed
