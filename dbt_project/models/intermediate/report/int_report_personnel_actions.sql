-- Personnel decisions counted in each report request, by the day of the decision. `sector` is the
-- register's «Lĩnh vực» choice (a code, ingestion/sources/personnel_action.yml); a line whose
-- clerk left it blank counts as `other`, so the report's per-sector figures add up to the whole.

with

counted as (

    {{ report_rows('fct_personnel_actions', 'fact.decided_on') }}

)

select
    * exclude (sector),
    coalesce(sector, 'other') as sector
from counted
