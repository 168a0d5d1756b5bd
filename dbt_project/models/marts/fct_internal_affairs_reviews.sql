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

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('internal_affairs_review', 'entity_kind', 'labelled.entity_kind') }} as entity_kind_vi
from final as labelled
