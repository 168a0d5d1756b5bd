-- TEMPORARY (rptapp): which unit versions' rows count in which request, and for which dates.
-- rptfig owns this model; its version replaces this one at merge (same columns, docs/ISSUE7.md).
-- Roots: the reporting unit for the period, then, for the part of the period before a root
-- existed, each of its predecessors (recursively). A root's members: itself and its bodies
-- (own_bodies), everything else below it (subunits); each counted within the root's range and
-- its own validity.

with recursive

requests as (

    select * from {{ ref('int_report_requests') }}

),

units as (

    select * from {{ ref('stg_reference__admin_units') }}

),

successions as (

    select * from {{ ref('stg_reference__admin_unit_successions') }}

),

roots as (

    select
        requests.reporting_unit_code,
        requests.period_start,
        requests.period_end,
        requests.reporting_unit_id as root_unit_id,
        requests.period_start as range_from,
        requests.period_end as range_to

    from requests
    where requests.reporting_unit_id is not null

    union all

    select
        roots.reporting_unit_code,
        roots.period_start,
        roots.period_end,
        successions.predecessor_unit_id,
        roots.range_from,
        least(roots.range_to, (root_unit.valid_from - interval 1 day)::date)

    from roots
    inner join units as root_unit
        on root_unit.unit_id = roots.root_unit_id
    inner join successions
        on successions.successor_unit_id = roots.root_unit_id
    where roots.range_from < root_unit.valid_from

),

below as (

    select
        roots.reporting_unit_code,
        roots.period_start,
        roots.period_end,
        roots.root_unit_id,
        roots.range_from,
        roots.range_to,
        roots.root_unit_id as unit_id,
        0 as depth

    from roots

    union all

    select
        below.reporting_unit_code,
        below.period_start,
        below.period_end,
        below.root_unit_id,
        below.range_from,
        below.range_to,
        units.unit_id,
        below.depth + 1

    from below
    inner join units
        on units.parent_unit_id = below.unit_id

),

final as (

    select distinct
        below.reporting_unit_code,
        below.period_start,
        below.period_end,
        below.unit_id,
        case
            when below.depth = 0 then 'own_bodies'
            when below.depth = 1 and units.unit_kind like '%body' then 'own_bodies'
            else 'subunits'
        end as scope,
        greatest(below.range_from, units.valid_from) as counted_from,
        least(below.range_to, coalesce(units.valid_to, date '9999-12-31')) as counted_to

    from below
    inner join units
        on units.unit_id = below.unit_id
    where greatest(below.range_from, units.valid_from) <= least(below.range_to, coalesce(units.valid_to, date '9999-12-31'))

)

select * from final
