-- Which unit versions' rows count in which report request, and for which days.
--
-- Anchors: the reporting unit for the part of the period it existed and, for the part before it
-- existed, its predecessors (recursively, through admin_unit_successions), each for the days
-- before its successor began. Members: each anchor and everything below it (parent_unit_id,
-- recursively), for the days the anchor counts and the member existed. Scope, relative to its
-- anchor: the anchor itself and its bodies (`*_body` units under it) are `own_bodies`; everything
-- else below it (wards and communes; for a province, its districts and their units too) is
-- `subunits`. A ward's own registers are therefore its own_bodies.
--
-- The recursion sits in a subquery so that dbt unit tests can put their fixtures in front of it.

select * from (

    with recursive

    requests as (

        select * from {{ ref('int_report_requests') }}

    ),

    units as (

        select
            unit_id,
            unit_kind,
            parent_unit_id,
            valid_from,
            coalesce(valid_to, date '9999-12-31') as valid_to
        from {{ ref('dim_admin_unit') }}

    ),

    successions as (

        select * from {{ ref('stg_reference__admin_unit_successions') }}

    ),

    anchors as (

        select
            requests.reporting_unit_code,
            requests.period_start,
            requests.period_end,
            units.unit_id as anchor_unit_id,
            greatest(requests.period_start, units.valid_from) as window_from,
            least(requests.period_end, units.valid_to) as window_to
        from requests
        inner join units
            on units.unit_id = requests.reporting_unit_id

        union

        select
            anchors.reporting_unit_code,
            anchors.period_start,
            anchors.period_end,
            predecessors.unit_id,
            greatest(anchors.period_start, predecessors.valid_from),
            least(anchors.window_from - 1, predecessors.valid_to, successions.effective_on - 1)
        from anchors
        inner join successions
            on successions.successor_unit_id = anchors.anchor_unit_id
        inner join units as predecessors
            on predecessors.unit_id = successions.predecessor_unit_id
        -- only for the part of the period before the anchor existed
        where anchors.window_from > anchors.period_start

    ),

    members as (

        select
            reporting_unit_code,
            period_start,
            period_end,
            anchor_unit_id as unit_id,
            0 as depth,
            'own_bodies' as scope,
            window_from as counted_from,
            window_to as counted_to
        from anchors
        where window_from <= window_to

        union all

        select
            members.reporting_unit_code,
            members.period_start,
            members.period_end,
            children.unit_id,
            members.depth + 1,
            case
                when members.depth = 0 and children.unit_kind like '%\_body' escape '\' then 'own_bodies'
                when members.depth > 0 and members.scope = 'own_bodies' then 'own_bodies'
                else 'subunits'
            end,
            greatest(members.counted_from, children.valid_from),
            least(members.counted_to, children.valid_to)
        from members
        inner join units as children
            on children.parent_unit_id = members.unit_id
        where children.valid_from <= members.counted_to
            and children.valid_to >= members.counted_from

    )

    select
        reporting_unit_code,
        period_start,
        period_end,
        unit_id,
        scope,
        counted_from,
        counted_to
    from members

)
