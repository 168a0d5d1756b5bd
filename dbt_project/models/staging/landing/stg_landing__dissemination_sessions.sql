with

source as (

    select * from {{ source('landing', 'dissemination_session') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as dissemination_session_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

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
