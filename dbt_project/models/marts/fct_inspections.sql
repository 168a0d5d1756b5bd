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
        violation_vnd,
        violation_land_m2,
        recovery_recommended_vnd,
        sanctioned_organisations,
        sanctioned_persons,
        referred_to_investigation,
        load_id,
        source_file,
        source_row_number

    from inspections

)

select * from final
