with

awards as (

    select * from {{ ref('int_awards__current') }}

),

final as (

    select
        award_id,
        unit_id,
        report_year,
        decision_no,
        decided_on,
        giver_level,
        award_type,
        recipient_kind,
        recipients,
        load_id,
        source_file,
        source_row_number

    from awards

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('award', 'giver_level', 'labelled.giver_level') }} as giver_level_vi,
    {{ code_label('award', 'award_type', 'labelled.award_type') }} as award_type_vi,
    {{ code_label('award', 'recipient_kind', 'labelled.recipient_kind') }} as recipient_kind_vi
from final as labelled
