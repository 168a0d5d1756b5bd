with

source as (

    select * from {{ source('landing', 'internal_affairs_review') }}

),

renamed as (

    select
        {{ landing_lineage('internal_affairs_review_id') }}

        seq_no,
        checked_on,
        trim(checked_entity) as checked_entity,
        entity_kind,
        dan_van_reviewed

    from source

)

select * from renamed
