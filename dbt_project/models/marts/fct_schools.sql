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

select * from final
