-- Grassroots-democracy implementation as the state at each request's cut-off: the register of
-- the cut-off's year, from the members that exist on the period's last day.

with

counted as (

    {{ report_rows('fct_grassroots_democracy_units', 'members.period_end') }}

)

select * from counted
where report_year = year(period_end)
