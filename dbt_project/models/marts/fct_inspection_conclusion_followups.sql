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
        cast(round(recovery_required_vnd) as bigint) as recovery_required_vnd,
        cast(round(recovered_vnd) as bigint) as recovered_vnd,
        cast(round(recovery_required_vnd) as bigint) - cast(round(recovered_vnd) as bigint) as recovery_outstanding_vnd,
        implementation_status,
        updated_on,
        load_id,
        source_file,
        source_row_number

    from followups

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('inspection_followup', 'implementation_status', 'labelled.implementation_status') }} as implementation_status_vi
from final as labelled
