-- Petitions counted in each report request: received in the period; resolved only if resolved
-- by the period's end (a resolution after the cut-off leaves the petition pending).

with

counted as (

    {{ report_rows('fct_petitions', 'fact.received_on') }}

)

select
    *,
    status = 'resolved' and coalesce(resolved_on, received_on) <= period_end as is_resolved_by_cut_off
from counted
