-- Inspections (one row per inspected unit) counted in each report request: decided in the period;
-- concluded only if the conclusion is dated by the period's end (a later one leaves it ongoing).

with

counted as (

    {{ report_rows('fct_inspections', 'fact.decided_on') }}

)

select
    *,
    status = 'concluded' and coalesce(concluded_on, decided_on) <= period_end as is_concluded_by_cut_off
from counted
