with

followups as (

    select * from {{ ref('int_inspection_followups__current') }}

),

final as (

    select
        conclusion_followup_id,
        unit_id,
        report_year,
        unit_id || '/' || upper(conclusion_no) as conclusion_key,
        conclusion_no,
        concluded_on,
        decision_no,
        inspected_entity,
        recovery_required_vnd,
        recovered_vnd,
        recovery_required_vnd - recovered_vnd as recovery_outstanding_vnd,
        implementation_status,
        updated_on,
        load_id,
        source_file,
        source_row_number

    from followups

)

select * from final
