-- Biểu 01/XLD identities per unit and year, over eligible petitions and over cases:
-- eligible = complaints + denunciations + petitions/feedback = sum of statuses
--          = within competence + outside competence. lhs must equal rhs.

with

petitions as (

    select * from marts.fct_petitions where is_eligible

),

by_unit as (

    select
        unit_id,
        report_year,
        count(*) as eligible,
        count(*) filter (where petition_type in ('complaint', 'denunciation', 'petition_feedback')) as by_type,
        count(*) filter (where status in ('resolved', 'being_resolved', 'not_resolved')) as by_status,
        count(*) filter (where competence in ('within', 'outside')) as by_competence,
        count(*) filter (where competence = 'outside' and handling in ('guided', 'forwarded', 'urged', 'filed')) as outside_handled,
        count(*) filter (where competence = 'outside') as outside,
        count(distinct case_key) as cases,
        count(distinct case_key) filter (where status = 'resolved')
            + count(distinct case_key) filter (where status = 'being_resolved')
            + count(distinct case_key) filter (where status = 'not_resolved') as cases_by_status

    from petitions
    group by all

),

checks as (

    select 'eligible = complaints + denunciations + petitions/feedback' as check_name, unit_id as scope, report_year,
        eligible as lhs, by_type as rhs
    from by_unit

    union all

    select 'eligible = resolved + being resolved + not resolved', unit_id, report_year, eligible, by_status
    from by_unit

    union all

    select 'eligible = within competence + outside competence', unit_id, report_year, eligible, by_competence
    from by_unit

    union all

    select 'outside competence = guided + forwarded + urged + filed', unit_id, report_year, outside, outside_handled
    from by_unit

    union all

    select 'cases = resolved + being resolved + not resolved cases', unit_id, report_year, cases, cases_by_status
    from by_unit

)

select check_name, scope, report_year, lhs::bigint as lhs, rhs::bigint as rhs
from checks
order by all
