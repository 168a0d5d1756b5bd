with

actions as (

    select * from {{ ref('int_personnel_actions__current') }}

),

final as (

    select
        personnel_action_id,
        unit_id,
        report_year,
        decision_no,
        decided_on,
        action,
        staff_category,
        sector,
        people,
        load_id,
        source_file,
        source_row_number

    from actions

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('personnel_action', 'action', 'labelled.action') }} as action_vi,
    {{ code_label('personnel_action', 'staff_category', 'labelled.staff_category') }} as staff_category_vi,
    {{ code_label('personnel_action', 'sector', 'labelled.sector') }} as sector_vi
from final as labelled
