-- A case is received "for the first time" on at most one visit; one row per case and year, with
-- the register (load_ids) and lines (source_rows) of its visits.
select
    case_key,
    report_year,
    'một vụ việc chỉ được tiếp lần đầu một lần' as check_vi,
    count(*) filter (where case_occurrence = 'first_time') as first_time_visits,
    count(*) as visits,
    string_agg(distinct load_id, ',') as load_ids,
    string_agg(source_row_number::varchar, ', ' order by source_row_number) as source_rows
from marts.fct_citizen_receptions
group by case_key, report_year
