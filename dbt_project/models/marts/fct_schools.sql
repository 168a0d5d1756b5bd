with

schools as (

    select * from {{ ref('int_schools__current') }}

),

final as (

    select
        school_id,
        unit_id,
        report_year,
        seq_no,
        school_name,
        school_level,
        location,
        opened_on,
        closed_on,
        merged_into,
        load_id,
        source_file,
        source_row_number

    from schools

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('school_network', 'school_level', 'labelled.school_level') }} as school_level_vi
from final as labelled
