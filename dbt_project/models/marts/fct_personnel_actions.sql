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

select * from final
