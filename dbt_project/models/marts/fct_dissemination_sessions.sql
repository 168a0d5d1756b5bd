with

dissemination_sessions as (

    select * from {{ ref('int_dissemination_sessions__current') }}

),

final as (

    select
        dissemination_session_id,
        unit_id,
        report_year,
        seq_no,
        held_on,
        document,
        format,
        participants,
        staff_participants,
        unit_headcount,
        load_id,
        source_file,
        source_row_number

    from dissemination_sessions

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('dissemination_session', 'format', 'labelled.format') }} as format_vi
from final as labelled
