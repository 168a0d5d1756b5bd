with

source as (

    select * from {{ source('landing', 'personnel_action') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as personnel_action_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        trim(decision_no) as decision_no,
        decided_on,
        action,
        staff_category,
        sector,
        people::integer as people

    from source

)

select * from renamed
