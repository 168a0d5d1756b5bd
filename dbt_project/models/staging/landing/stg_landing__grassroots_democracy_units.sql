with

source as (

    select * from {{ source('landing', 'grassroots_democracy') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as grassroots_democracy_unit_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        seq_no,
        entity,
        has_plan,
        is_implemented,
        implementing_document

    from source

)

select * from renamed
