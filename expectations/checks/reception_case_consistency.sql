-- A case is received "for the first time" on at most one visit; one row per case and year.
select
    case_key,
    report_year,
    count(*) filter (where case_occurrence = 'first_time') as first_time_visits,
    count(*) as visits
from marts.fct_citizen_receptions
group by all
