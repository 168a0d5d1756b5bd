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

select * from final
