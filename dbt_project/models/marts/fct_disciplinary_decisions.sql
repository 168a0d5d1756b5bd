with

disciplinary_decisions as (

    select * from {{ ref('int_disciplinary_decisions__current') }}

),

final as (

    select
        disciplinary_decision_id,
        unit_id,
        report_year,
        seq_no,
        decision_no,
        decided_on,
        staff_category,
        misconduct,
        sanction,
        load_id,
        source_file,
        source_row_number

    from disciplinary_decisions

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('discipline_record', 'staff_category', 'labelled.staff_category') }} as staff_category_vi,
    {{ code_label('discipline_record', 'misconduct', 'labelled.misconduct') }} as misconduct_vi,
    {{ code_label('discipline_record', 'sanction', 'labelled.sanction') }} as sanction_vi
from final as labelled
