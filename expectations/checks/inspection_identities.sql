-- Biểu 01/TTr identities, lhs must equal rhs:
-- outstanding = required - recovered (per conclusion and in total); a conclusion marked
-- implemented has recovered all it required; the recovery a conclusion requires in the follow-up
-- register equals what the inspection register recommended for it.

with

followups as (

    select * from marts.fct_inspection_conclusion_followups

),

inspections as (

    select
        unit_id,
        upper(conclusion_no) as conclusion_no,
        sum(recovery_recommended_vnd) as recommended

    from marts.fct_inspections
    where conclusion_no is not null
    group by all

),

checks as (

    select 'outstanding = required - recovered' as check_name, conclusion_key as scope, report_year,
        recovery_outstanding_vnd as lhs, recovery_required_vnd - recovered_vnd as rhs
    from followups

    union all

    select 'total outstanding = total required - total recovered', unit_id, report_year,
        sum(recovery_outstanding_vnd), sum(recovery_required_vnd) - sum(recovered_vnd)
    from followups
    group by all

    union all

    select 'implemented conclusion: recovered = required', conclusion_key, report_year,
        recovered_vnd, recovery_required_vnd
    from followups
    where implementation_status = 'implemented'

    union all

    select 'follow-up required = inspection recommended', followups.conclusion_key, followups.report_year,
        followups.recovery_required_vnd, inspections.recommended
    from followups
    inner join inspections
        on inspections.unit_id = followups.unit_id
        and inspections.conclusion_no = upper(followups.conclusion_no)

)

select check_name, scope, report_year, lhs::decimal(18, 2) as lhs, rhs::decimal(18, 2) as rhs
from checks
order by all
