-- Biểu 01/TCD identities and reconciliation, one row per check and scope: lhs must equal rhs.
-- Computed in SQL (GX's cross-table expectations need a SQL datasource, which fails on DuckDB)
-- and validated by the suite reception_identities. load_ids names the unit's register behind a
-- per-unit row and source_rows the lines that break it (a failure there rejects that register);
-- the city rows have no load_ids: a failure there is the pipeline's, not a clerk's.

with

visits as (

    select * from marts.fct_citizen_receptions

),

-- Each case counts once per unit and year, classified by its earliest visit.
cases as (

    select
        unit_id,
        unit_level,
        report_year,
        case_key,
        arg_min(case_occurrence, received_on) as case_occurrence,
        string_agg(source_row_number::varchar, ', ' order by source_row_number) as source_rows

    from visits
    group by all

),

by_unit as (

    select
        unit_id,
        unit_level,
        report_year,
        string_agg(distinct load_id, ',') as load_ids,
        string_agg(source_row_number::varchar, ', ' order by source_row_number)
            filter (where reception_kind is null or reception_kind not in ('regular', 'head_of_agency', 'delegated')) as rows_kind,
        string_agg(source_row_number::varchar, ', ' order by source_row_number)
            filter (where people_count is null or reception_kind is null
                    or reception_kind not in ('regular', 'head_of_agency', 'delegated')) as rows_people,
        count(*) as visits,
        count(*) filter (where reception_kind = 'regular') as visits_regular,
        count(*) filter (where reception_kind = 'head_of_agency') as visits_head,
        count(*) filter (where reception_kind = 'delegated') as visits_delegated,
        sum(people_count) as people,
        coalesce(sum(people_count) filter (where reception_kind = 'regular'), 0) as people_regular,
        coalesce(sum(people_count) filter (where reception_kind = 'head_of_agency'), 0) as people_head,
        coalesce(sum(people_count) filter (where reception_kind = 'delegated'), 0) as people_delegated

    from visits
    group by all

),

loads as (

    select unit_id, report_year, string_agg(distinct load_id, ',') as load_ids
    from visits
    group by all

),

cases_by_unit as (

    select
        unit_id,
        report_year,
        string_agg(source_rows, ', ' order by source_rows)
            filter (where case_occurrence is null or case_occurrence not in ('first_time', 'repeat')) as rows_occurrence,
        count(*) as cases,
        count(*) filter (where case_occurrence = 'first_time') as cases_first_time,
        count(*) filter (where case_occurrence = 'repeat') as cases_repeat

    from cases
    group by all

),

city as (

    select
        report_year,
        count(*) as visits,
        sum(people_count) as people,
        count(*) filter (where unit_level = 'city_level') as visits_city_level,
        count(*) filter (where unit_level = 'commune_level') as visits_commune_level

    from visits
    group by all

),

checks as (

    select 'visits = regular + head of agency + delegated' as check_name,
        'số lượt tiếp = tiếp thường xuyên + lãnh đạo tiếp + tiếp theo ủy quyền' as check_vi,
        unit_id as scope, report_year,
        visits as lhs, visits_regular + visits_head + visits_delegated as rhs, load_ids, rows_kind as source_rows
    from by_unit

    union all

    select 'people = regular + head of agency + delegated',
        'số người được tiếp = tiếp thường xuyên + lãnh đạo tiếp + tiếp theo ủy quyền', unit_id, report_year,
        people, people_regular + people_head + people_delegated, load_ids, rows_people
    from by_unit

    union all

    select 'cases = first-time + repeat', 'số vụ việc = tiếp lần đầu + tiếp nhiều lần', cases_by_unit.unit_id,
        cases_by_unit.report_year, cases, cases_first_time + cases_repeat, loads.load_ids, rows_occurrence
    from cases_by_unit
    inner join loads
        on loads.unit_id = cases_by_unit.unit_id
        and loads.report_year = cases_by_unit.report_year

    union all

    select 'city visits = sum of units'' visits', 'lượt tiếp toàn thành phố = tổng các đơn vị', 'city', city.report_year,
        city.visits, (select sum(visits) from by_unit where by_unit.report_year = city.report_year), null, null
    from city

    union all

    select 'city people = sum of units'' people', 'số người được tiếp toàn thành phố = tổng các đơn vị', 'city',
        city.report_year, city.people, (select sum(people) from by_unit where by_unit.report_year = city.report_year),
        null, null
    from city

    union all

    select 'city visits = city level + commune level', 'lượt tiếp toàn thành phố = cấp thành phố + cấp xã, phường',
        'city', report_year, visits, visits_city_level + visits_commune_level, null, null
    from city

)

select check_name, check_vi, scope, report_year, lhs::bigint as lhs, rhs::bigint as rhs, load_ids, source_rows
from checks
order by check_name, scope, report_year
