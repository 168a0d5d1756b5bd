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

select * from final
