-- Which unit sent which register or form for which year, and when: one row per reporting unit,
-- source and year that has at least one accepted load. A nil return (an empty register) is a
-- submission; a workbook rejected by validation is not (its unit still owes a valid one), it is
-- only counted in rejected_versions.

with

loads as (

    select * from {{ ref('stg_landing__loads') }}

),

per_submission as (

    select
        unit_id,
        source_id,
        report_year,
        min(loaded_at) filter (where status = 'accepted') as first_submitted_at,
        max(loaded_at) filter (where status = 'accepted') as last_submitted_at,
        count(*) filter (where status = 'accepted') as versions,
        count(*) filter (where status = 'rejected') as rejected_versions,
        any_value(load_id) filter (where is_current) as current_load_id,
        any_value(file_path) filter (where is_current) as current_file_path,
        any_value(row_count) filter (where is_current) as current_row_count

    from loads
    group by all
    having count(*) filter (where is_current) = 1

),

final as (

    select
        unit_id || '/' || source_id || '/' || report_year::varchar as submission_id,
        unit_id,
        source_id,
        report_year,
        first_submitted_at,
        last_submitted_at,
        versions,
        rejected_versions,
        current_load_id,
        current_file_path,
        current_row_count,
        current_row_count = 0 as is_nil_return

    from per_submission

)

select * from final
