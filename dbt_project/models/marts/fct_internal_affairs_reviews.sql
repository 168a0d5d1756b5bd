with

internal_affairs_reviews as (

    select * from {{ ref('int_internal_affairs_reviews__current') }}

),

final as (

    select
        internal_affairs_review_id,
        unit_id,
        report_year,
        seq_no,
        checked_on,
        checked_entity,
        entity_kind,
        dan_van_reviewed,
        load_id,
        source_file,
        source_row_number

    from internal_affairs_reviews

)

select * from final
