-- Which unit sent which register or form for which year, and when: one row per reporting unit,
-- source and year that has at least one accepted load. A year may be sent in parts (monthly
-- workbooks): every workbook that still counts for part of its period is current. A nil return (an empty register) is a
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
        -- the workbooks that still count (monthly ones add up); the latest of them by arrival
        count(*) filter (where is_current) as current_loads,
        arg_max(load_id, arrival_order) filter (where is_current) as current_load_id,
        arg_max(file_path, arrival_order) filter (where is_current) as current_file_path,
        sum(row_count) filter (where is_current)::integer as current_row_count,
        min(coverage_start) filter (where is_current) as first_covered_on,
        max(coverage_end) filter (where is_current) as last_covered_on

    from loads
    group by all
    having count(*) filter (where is_current) >= 1

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
        current_loads,
        current_load_id,
        current_file_path,
        current_row_count,
        current_row_count = 0 as is_nil_return,
        first_covered_on,
        last_covered_on

    from per_submission

)

select * from final
