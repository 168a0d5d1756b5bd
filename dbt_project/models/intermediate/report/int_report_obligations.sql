-- What each report request expects to have been sent: one row per request, member unit that owes
-- a register or form (seed reporting_obligations, by the unit's kind or by its id), source and
-- year. A register is owed for every year the unit's counted part of the period touches (a
-- predecessor only for its part, before its successor existed), due on that year's due day.
-- The status follows the rules the completeness report always had: a current accepted workbook
-- is "sent", or "late" if it first arrived after the due day; otherwise "rejected" if a workbook
-- came and was refused (by ingestion or by validation), else "not_sent".

with

members as (

    -- one row per request and unit, should a unit be counted over more than one stretch
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

    select * from {{ ref('reporting_obligations') }}

),

registers as (

    select * from {{ ref('registers') }}

),

submissions as (

    select * from {{ ref('fct_source_submissions') }}

),

rejections as (

    select * from {{ ref('fct_submission_rejections') }}

),

owed as (

    select
        members.reporting_unit_code,
        members.period_start,
        members.period_end,
        members.unit_id,
        members.scope,
        members.counted_from,
        members.counted_to,
        obligations.source_id,
        years.report_year,
        make_date(years.report_year, obligations.due_month, obligations.due_day) as due_on

    from members
    inner join units
        on units.unit_id = members.unit_id
    inner join obligations
        on obligations.unit_id = members.unit_id
        or (obligations.unit_id is null and obligations.unit_kind = units.unit_kind)
    cross join lateral (
        select unnest(generate_series(year(members.counted_from), year(members.counted_to)))::integer as report_year
    ) as years

),

final as (

    select
        owed.reporting_unit_code,
        owed.period_start,
        owed.period_end,
        owed.source_id,
        registers.title_vi as source_title_vi,
        owed.unit_id,
        units.unit_full_name as unit_name,
        owed.scope,
        units.report_order,
        owed.report_year,
        owed.counted_from,
        owed.counted_to,
        owed.due_on,
        case
            when submissions.submission_id is not null and submissions.first_submitted_at::date > owed.due_on then 'late'
            when submissions.submission_id is not null then 'sent'
            when rejections.submission_id is not null then 'rejected'
            else 'not_sent'
        end as status,
        submissions.submission_id is not null as submitted,
        submissions.first_submitted_at,
        submissions.last_submitted_at,
        coalesce(submissions.versions, 0)::bigint as versions,
        coalesce(rejections.rejections, 0)::bigint as rejections,
        coalesce(submissions.is_nil_return, false) as is_nil_return

    from owed
    inner join units
        on units.unit_id = owed.unit_id
    left join registers
        on registers.source_id = owed.source_id
    left join submissions
        on submissions.unit_id = owed.unit_id
        and submissions.source_id = owed.source_id
        and submissions.report_year = owed.report_year
    left join rejections
        on rejections.unit_id = owed.unit_id
        and rejections.source_id = owed.source_id
        and rejections.report_year = owed.report_year

)

select * from final
