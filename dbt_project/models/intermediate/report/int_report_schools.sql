-- The school network as the state at each request's cut-off: the register of the cut-off's year
-- (schools with their opening and closing days), from the members that exist on the period's
-- last day; the figures read the schools open at the period's start and end from it.

with

counted as (

    {{ report_rows('fct_schools', 'members.period_end') }}

)

select * from counted
where report_year = year(period_end)
