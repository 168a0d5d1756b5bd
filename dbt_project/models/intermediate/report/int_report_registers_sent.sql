-- The registers (sources) sent for each report request: by a member unit, for a year in which
-- that member counts. A figure that needs a register none of whose copies was sent is unknown
-- and left out of the report, never published as zero.

with

submissions as (

    select * from {{ ref('fct_source_submissions') }}

),

members as (

    select * from {{ ref('int_report_members') }}

)

select distinct
    members.reporting_unit_code,
    members.period_start,
    members.period_end,
    submissions.source_id
from submissions
inner join members
    on submissions.unit_id = members.unit_id
    and submissions.report_year between year(members.counted_from) and year(members.counted_to)
