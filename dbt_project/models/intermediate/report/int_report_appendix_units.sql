-- The rows of the report's appendices (Phụ lục I and II) for each request: every member unit
-- that keeps a register (owes one for the period, or sent one for a year the period touches),
-- in the report's order (the reporting unit and its own bodies first, then its subunits, each by
-- report_order), with the note of registers it owes for the period and has not sent, and the
-- list of registers it keeps, for the appendices' rule "no register kept → NULL, not 0". A member
-- that keeps none (the city or the province as an administrative node) has no row.

with

members as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        unit_id,
        min(scope) as scope,
        min(counted_from) as counted_from,
        max(counted_to) as counted_to

    from {{ ref('int_report_members') }}
    group by all

),

units as (

    select * from {{ ref('dim_admin_unit') }}

),

obligations as (

    select * from {{ ref('int_report_obligations') }}

),

submissions as (

    select * from {{ ref('fct_source_submissions') }}

),

kept as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        unit_id,
        source_id

    from obligations

    union

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        submissions.source_id

    from members
    inner join submissions
        on submissions.unit_id = members.unit_id
        and submissions.report_year between year(members.counted_from) and year(members.counted_to)

),

notes as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        unit_id,
        -- the year is named only when the period touches more than one
        'Chưa gửi: ' || string_agg(
            coalesce(source_title_vi, source_id)
            || case when year(period_start) <> year(period_end) then ' (' || report_year::varchar || ')' else '' end,
            '; ' order by source_id, report_year
        ) as note_vi

    from obligations
    where status in ('not_sent', 'rejected')
    group by all

),

keeping_units as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        unit_id,
        list(distinct source_id order by source_id) as kept_sources

    from kept
    group by all

),

final as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        units.unit_full_name as unit_name,
        members.scope,
        row_number() over (
            partition by members.reporting_unit_code, members.period_start, members.period_end
            order by members.scope = 'own_bodies' desc, units.report_order, members.unit_id
        )::integer as row_order,
        keeping_units.kept_sources,
        notes.note_vi

    from members
    inner join keeping_units
        using (reporting_unit_code, period_start, period_end, unit_id)
    inner join units
        on units.unit_id = members.unit_id
    left join notes
        using (reporting_unit_code, period_start, period_end, unit_id)

)

select * from final
