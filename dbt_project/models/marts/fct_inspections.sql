with

inspections as (

    select * from {{ ref('int_inspections__current') }}

),

final as (

    select
        inspection_unit_id,
        unit_id,
        unit_id || '/' || upper(decision_no) as inspection_key,
        decision_no,
        decided_on,
        report_year,
        inspection_title,
        inspection_kind,
        is_carried_over,
        inspected_entity,
        status,
        conclusion_no,
        concluded_on,
        cast(round(violation_vnd) as bigint) as violation_vnd,
        violation_land_m2,
        cast(round(recovery_recommended_vnd) as bigint) as recovery_recommended_vnd,
        sanctioned_organisations,
        sanctioned_persons,
        referred_to_investigation,
        load_id,
        source_file,
        source_row_number

    from inspections

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('inspection', 'inspection_kind', 'labelled.inspection_kind') }} as inspection_kind_vi,
    {{ code_label('inspection', 'status', 'labelled.status') }} as status_vi
from final as labelled
