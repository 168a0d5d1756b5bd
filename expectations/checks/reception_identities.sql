-- Biểu 01/TCD identities and reconciliation, one row per check and scope: lhs must equal rhs.
-- Computed in SQL (GX's cross-table expectations need a SQL datasource, which fails on DuckDB)
-- and validated by the suite reception_identities.

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
        arg_min(case_occurrence, received_on) as case_occurrence

    from visits
    group by all

),

by_unit as (

    select
        unit_id,
        unit_level,
        report_year,
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

cases_by_unit as (

    select
        unit_id,
        report_year,
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

    select 'visits = regular + head of agency + delegated' as check_name, unit_id as scope, report_year,
        visits as lhs, visits_regular + visits_head + visits_delegated as rhs
    from by_unit

    union all

    select 'people = regular + head of agency + delegated', unit_id, report_year,
        people, people_regular + people_head + people_delegated
    from by_unit

    union all

    select 'cases = first-time + repeat', unit_id, report_year,
        cases, cases_first_time + cases_repeat
    from cases_by_unit

    union all

    select 'city visits = sum of units'' visits', 'city', city.report_year,
        city.visits, (select sum(visits) from by_unit where by_unit.report_year = city.report_year)
    from city

    union all

    select 'city people = sum of units'' people', 'city', city.report_year,
        city.people, (select sum(people) from by_unit where by_unit.report_year = city.report_year)
    from city

    union all

    select 'city visits = city level + commune level', 'city', report_year,
        visits, visits_city_level + visits_commune_level
    from city

)

select check_name, scope, report_year, lhs::bigint as lhs, rhs::bigint as rhs
from checks
order by check_name, scope, report_year
