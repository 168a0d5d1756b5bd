-- Administrative-reform indicators that contradict each other, per unit and year
-- (lhs = months breaking the rule, rhs = 0): electronic documents cannot exceed documents
-- exchanged, and dossiers resolved on time or late cannot exceed dossiers received plus those
-- pending at the end of the month before (a first month counts its own pending as the carry-over).
-- One column per indicator by conditional aggregation (a PIVOT of an empty table has no
-- indicator columns, so it would fail on a first deployment); load_ids names the register and
-- source_rows the lines of the months breaking a rule.

with

values_ as (

    select * from marts.fct_reform_indicators

),

months as (

    select
        unit_id,
        report_year,
        report_month,
        string_agg(distinct load_id, ',') as load_ids,
        string_agg(distinct source_row_number::varchar, ', ' order by source_row_number::varchar) as source_rows,
        sum(indicator_value) filter (where indicator_id = 'documents_electronic') as documents_electronic,
        sum(indicator_value) filter (where indicator_id = 'documents_exchanged') as documents_exchanged,
        sum(indicator_value) filter (where indicator_id = 'dossiers_resolved_on_time') as dossiers_resolved_on_time,
        sum(indicator_value) filter (where indicator_id = 'dossiers_resolved_late') as dossiers_resolved_late,
        sum(indicator_value) filter (where indicator_id = 'dossiers_received_online') as dossiers_received_online,
        sum(indicator_value) filter (where indicator_id = 'dossiers_received_in_person') as dossiers_received_in_person,
        sum(indicator_value) filter (where indicator_id = 'dossiers_pending') as dossiers_pending

    from values_
    group by unit_id, report_year, report_month

),

flagged as (

    select
        *,
        documents_electronic > documents_exchanged as breaks_documents,
        dossiers_resolved_on_time + dossiers_resolved_late
            > dossiers_received_online + dossiers_received_in_person
              + coalesce(lag(dossiers_pending) over (partition by unit_id, report_year order by report_month), dossiers_pending)
            as breaks_dossiers

    from months

),

checks as (

    select 'electronic documents <= documents exchanged' as check_name,
        'số văn bản điện tử không vượt quá số văn bản trao đổi' as check_vi,
        unit_id as scope, report_year,
        count(*) filter (where breaks_documents) as lhs,
        string_agg(distinct load_ids, ',') as load_ids,
        string_agg(source_rows, ', ' order by report_month) filter (where breaks_documents) as source_rows
    from flagged
    group by all

    union all

    select 'dossiers resolved <= received + carried over',
        'số hồ sơ đã giải quyết không vượt quá số tiếp nhận cộng số tồn kỳ trước',
        unit_id, report_year,
        count(*) filter (where breaks_dossiers),
        string_agg(distinct load_ids, ','),
        string_agg(source_rows, ', ' order by report_month) filter (where breaks_dossiers)
    from flagged
    group by all

)

select check_name, check_vi, scope, report_year, lhs::bigint as lhs, 0::bigint as rhs, load_ids, source_rows
from checks
order by all
