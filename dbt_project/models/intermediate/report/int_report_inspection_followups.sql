-- The conclusions followed up as the state at each request's cut-off: the follow-up register of
-- the cut-off's year, from the members that exist on the period's last day, without conclusions
-- dated after the cut-off.

with

counted as (

    {{ report_rows('fct_inspection_conclusion_followups', 'members.period_end') }}

)

select * from counted
where report_year = year(period_end)
    and concluded_on <= period_end
