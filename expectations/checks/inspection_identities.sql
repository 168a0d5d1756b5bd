-- Biểu 01/TTr identities, lhs must equal rhs:
-- outstanding = required - recovered (per conclusion and in total); a conclusion marked
-- implemented has recovered all it required; the recovery a conclusion requires in the follow-up
-- register equals what the inspection register recommended for it. load_ids names the
-- registers behind each row and source_rows the lines (both registers' when a row compares them).

with

followups as (

    select * from marts.fct_inspection_conclusion_followups

),

inspections as (

    select
        unit_id,
        upper(conclusion_no) as conclusion_no,
        sum(recovery_recommended_vnd) as recommended,
        string_agg(distinct load_id, ',') as load_ids,
        string_agg(source_row_number::varchar, ', ' order by source_row_number) as source_rows

    from marts.fct_inspections
    where conclusion_no is not null
    group by all

),

checks as (

    select 'outstanding = required - recovered' as check_name,
        'số còn phải thu hồi = số phải thu hồi - số đã thu hồi' as check_vi,
        conclusion_key as scope, report_year,
        recovery_outstanding_vnd as lhs, recovery_required_vnd - recovered_vnd as rhs,
        load_id as load_ids, source_row_number::varchar as source_rows
    from followups

    union all

    select 'total outstanding = total required - total recovered',
        'tổng số còn phải thu hồi = tổng số phải thu hồi - tổng số đã thu hồi', unit_id, report_year,
        sum(recovery_outstanding_vnd), sum(recovery_required_vnd) - sum(recovered_vnd),
        string_agg(distinct load_id, ','), null
    from followups
    group by unit_id, report_year

    union all

    select 'implemented conclusion: recovered = required',
        'kết luận đã thực hiện xong: số đã thu hồi = số phải thu hồi', conclusion_key, report_year,
        recovered_vnd, recovery_required_vnd, load_id, source_row_number::varchar
    from followups
    where implementation_status = 'implemented'

    union all

    select 'follow-up required = inspection recommended',
        'số phải thu hồi theo sổ theo dõi kết luận = số kiến nghị thu hồi theo sổ thanh tra',
        followups.conclusion_key, followups.report_year,
        followups.recovery_required_vnd, inspections.recommended,
        followups.load_id || ',' || inspections.load_ids,
        followups.source_row_number::varchar
    from followups
    inner join inspections
        on inspections.unit_id = followups.unit_id
        and inspections.conclusion_no = upper(followups.conclusion_no)

)

select check_name, check_vi, scope, report_year, lhs::decimal(18, 2) as lhs, rhs::decimal(18, 2) as rhs, load_ids, source_rows
from checks
order by all
