-- Administrative-reform indicators that contradict each other, per unit and year
-- (lhs = months breaking the rule, rhs = 0): electronic documents cannot exceed documents
-- exchanged, and dossiers resolved on time or late cannot exceed dossiers received plus those
-- pending at the end of the month before (a first month counts its own pending as the carry-over).

with

months as (

    pivot (select unit_id, report_year, report_month, indicator_id, indicator_value from marts.fct_reform_indicators)
    on indicator_id using sum(indicator_value)
    group by unit_id, report_year, report_month

),

checks as (

    select 'electronic documents <= documents exchanged' as check_name, unit_id as scope, report_year,
        count(*) filter (where documents_electronic > documents_exchanged) as lhs
    from months
    group by all

    union all

    select 'dossiers resolved <= received + carried over', unit_id, report_year,
        count(*) filter (
            where dossiers_resolved_on_time + dossiers_resolved_late
                > dossiers_received_online + dossiers_received_in_person
                  + coalesce(previous_pending, dossiers_pending)
        )
    from (
        select *, lag(dossiers_pending) over (partition by unit_id, report_year order by report_month) as previous_pending
        from months
    )
    group by all

)

select check_name, scope, report_year, lhs::bigint as lhs, 0::bigint as rhs
from checks
order by all
