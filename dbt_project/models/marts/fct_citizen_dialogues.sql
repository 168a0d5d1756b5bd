with

citizen_dialogues as (

    select * from {{ ref('int_citizen_dialogues__current') }}

),

final as (

    select
        citizen_dialogue_id,
        unit_id,
        report_year,
        seq_no,
        held_on,
        chaired_by,
        dialogue_kind,
        topic,
        participants,
        issues_raised,
        issues_resolved,
        load_id,
        source_file,
        source_row_number

    from citizen_dialogues

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('citizen_dialogue', 'chaired_by', 'labelled.chaired_by') }} as chaired_by_vi,
    {{ code_label('citizen_dialogue', 'dialogue_kind', 'labelled.dialogue_kind') }} as dialogue_kind_vi
from final as labelled
