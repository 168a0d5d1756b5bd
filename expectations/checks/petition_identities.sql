-- Biểu 01/XLD identities per unit and year, over eligible petitions and over cases:
-- eligible = complaints + denunciations + petitions/feedback = sum of statuses
--          = within competence + outside competence; cases = cases by status (a case's status is
-- fct_petition_cases.case_status). lhs must equal rhs. load_ids names the unit's register
-- behind each row and source_rows the lines that break it, so a failure rejects that register.

with

petitions as (

    select * from marts.fct_petitions where is_eligible

),

cases as (

    select * from marts.fct_petition_cases where eligible_petitions > 0

),

by_unit as (

    select
        unit_id,
        report_year,
        string_agg(distinct load_id, ',') as load_ids,
        count(*) as eligible,
        count(*) filter (where petition_type in ('complaint', 'denunciation', 'petition_feedback')) as by_type,
        string_agg(source_row_number::varchar, ', ' order by source_row_number)
            filter (where petition_type is null or petition_type not in ('complaint', 'denunciation', 'petition_feedback')) as rows_type,
        count(*) filter (where status in ('resolved', 'being_resolved', 'not_resolved')) as by_status,
        string_agg(source_row_number::varchar, ', ' order by source_row_number)
            filter (where status is null or status not in ('resolved', 'being_resolved', 'not_resolved')) as rows_status,
        count(*) filter (where competence in ('within', 'outside')) as by_competence,
        string_agg(source_row_number::varchar, ', ' order by source_row_number)
            filter (where competence is null or competence not in ('within', 'outside')) as rows_competence,
        count(*) filter (where competence = 'outside' and handling in ('guided', 'forwarded', 'urged', 'filed')) as outside_handled,
        count(*) filter (where competence = 'outside') as outside,
        string_agg(source_row_number::varchar, ', ' order by source_row_number)
            filter (where competence = 'outside' and (handling is null or handling not in ('guided', 'forwarded', 'urged', 'filed'))) as rows_outside

    from petitions
    group by all

),

cases_by_unit as (

    select
        unit_id,
        report_year,
        string_agg(distinct load_id, ',') as load_ids,
        count(*) as cases,
        count(*) filter (where case_status in ('resolved', 'being_resolved', 'not_resolved')) as cases_by_status,
        string_agg(source_rows, ', ' order by source_rows) filter (where case_status is null) as rows_case

    from cases
    group by all

),

checks as (

    select 'eligible = complaints + denunciations + petitions/feedback' as check_name,
        'số đơn đủ điều kiện = khiếu nại + tố cáo + kiến nghị, phản ánh' as check_vi,
        unit_id as scope, report_year, eligible as lhs, by_type as rhs, load_ids, rows_type as source_rows
    from by_unit

    union all

    select 'eligible = resolved + being resolved + not resolved',
        'số đơn đủ điều kiện = đã giải quyết + đang giải quyết + chưa giải quyết',
        unit_id, report_year, eligible, by_status, load_ids, rows_status
    from by_unit

    union all

    select 'eligible = within competence + outside competence',
        'số đơn đủ điều kiện = thuộc thẩm quyền + không thuộc thẩm quyền',
        unit_id, report_year, eligible, by_competence, load_ids, rows_competence
    from by_unit

    union all

    select 'outside competence = guided + forwarded + urged + filed',
        'đơn không thuộc thẩm quyền = hướng dẫn + chuyển đơn + đôn đốc + lưu đơn',
        unit_id, report_year, outside, outside_handled, load_ids, rows_outside
    from by_unit

    union all

    select 'cases = resolved + being resolved + not resolved cases',
        'số vụ việc = vụ việc đã giải quyết + đang giải quyết + chưa giải quyết',
        unit_id, report_year, cases, cases_by_status, load_ids, rows_case
    from cases_by_unit

)

select check_name, check_vi, scope, report_year, lhs::bigint as lhs, rhs::bigint as rhs, load_ids, source_rows
from checks
order by all
