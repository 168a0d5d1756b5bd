with

source as (

    select * from {{ source('landing', 'school_network') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as school_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        seq_no,
        school_name,
        school_level,
        location,
        opened_on,
        closed_on,
        merged_into

    from source

)

select * from renamed
