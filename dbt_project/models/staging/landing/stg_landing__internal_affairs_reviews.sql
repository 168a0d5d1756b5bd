with

source as (

    select * from {{ source('landing', 'internal_affairs_review') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as internal_affairs_review_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        seq_no,
        checked_on,
        trim(checked_entity) as checked_entity,
        entity_kind,
        dan_van_reviewed

    from source

)

select * from renamed
