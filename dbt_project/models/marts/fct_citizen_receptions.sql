with

receptions as (

    select * from {{ ref('int_citizen_receptions__current') }}

),

units as (

    select * from {{ ref('dim_admin_unit') }}

),

final as (

    select
        receptions.reception_id,
        receptions.unit_id,
        units.unit_level,
        receptions.received_on,
        receptions.report_year,
        receptions.reception_kind,
        receptions.petition_type,
        receptions.people_count,
        receptions.unit_id || '/' || upper(receptions.case_ref) as case_key,
        receptions.case_occurrence,
        receptions.is_large_delegation,
        receptions.is_accepted,
        receptions.is_returned_with_guidance,
        receptions.forwarded_to,
        receptions.citizen_key,
        receptions.load_id,
        receptions.source_file,
        receptions.source_row_number

    from receptions
    inner join units
        on receptions.unit_id = units.unit_id

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('warehouse', 'unit_level', 'labelled.unit_level') }} as unit_level_vi,
    {{ code_label('citizen_reception', 'reception_kind', 'labelled.reception_kind') }} as reception_kind_vi,
    {{ code_label('citizen_reception', 'petition_type', 'labelled.petition_type') }} as petition_type_vi,
    {{ code_label('citizen_reception', 'case_occurrence', 'labelled.case_occurrence') }} as case_occurrence_vi
from final as labelled
