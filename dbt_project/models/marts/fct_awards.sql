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

select * from final
