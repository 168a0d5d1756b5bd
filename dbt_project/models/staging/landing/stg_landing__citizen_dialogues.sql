with

source as (

    select * from {{ source('landing', 'citizen_dialogue') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as citizen_dialogue_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        seq_no,
        held_on,
        chaired_by,
        dialogue_kind,
        topic,
        participants,
        issues_raised,
        issues_resolved

    from source

)

select * from renamed
