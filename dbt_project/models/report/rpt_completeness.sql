-- Completeness of each requested report, DHIS2-style: one row per member unit owing a register
-- or form, source and year (a register is owed for each year the unit's counted part of the
-- period touches; a predecessor only for its part), with its status - sent, late, rejected or
-- not_sent - its due day and when it arrived. Then the reporting rate as totals rows (unit_id
-- NULL): one per source, and one for the whole request (source_id NULL too), with how many were
-- owed, sent (on time or late), late, rejected and not sent; rate_pct = sent / owed.
-- Incremental: this build's requests replace their own rows; other requests' rows stay.

{{ config(
    materialized='incremental',
    alias='completeness',
    incremental_strategy='delete+insert',
    unique_key=['reporting_unit_code', 'period_start', 'period_end'],
    on_schema_change='fail',
) }}

with

requests as (

    select * from {{ ref('int_report_requests') }}

),

obligations as (

    select * from {{ ref('int_report_obligations') }}

),

unit_rows as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        source_id,
        source_title_vi,
        unit_id,
        unit_name,
        scope,
        report_year,
        due_on,
        status,
        submitted,
        first_submitted_at,
        last_submitted_at,
        versions,
        rejections,
        is_nil_return,
        status = 'late' as is_late,
        false as is_total,
        null::bigint as owed,
        null::bigint as sent,
        null::bigint as late,
        null::bigint as rejected,
        null::bigint as not_sent,
        null::double as rate_pct

    from obligations

),

rates as (

    select
        requests.reporting_unit_code,
        requests.period_start,
        requests.period_end,
        obligations.source_id,
        -- the overall row spans every source: it has no title of its own (any_value would pick one at random)
        case when grouping(obligations.source_id) = 0 then any_value(obligations.source_title_vi) end as source_title_vi,
        count(obligations.unit_id) as owed,
        count(*) filter (where obligations.status in ('sent', 'late')) as sent,
        count(*) filter (where obligations.status = 'late') as late,
        count(*) filter (where obligations.status = 'rejected') as rejected,
        count(*) filter (where obligations.status = 'not_sent') as not_sent,
        grouping(obligations.source_id) = 1 as is_overall

    from requests
    left join obligations using (reporting_unit_code, period_start, period_end)
    -- per source, and (the empty grouping set) for the whole request, also when nothing is owed
    group by grouping sets (
        (requests.reporting_unit_code, requests.period_start, requests.period_end, obligations.source_id),
        (requests.reporting_unit_code, requests.period_start, requests.period_end)
    )

),

total_rows as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        source_id,
        source_title_vi,
        null::varchar as unit_id,
        'Tổng cộng' as unit_name,
        null::varchar as scope,
        null::integer as report_year,
        null::date as due_on,
        null::varchar as status,
        null::boolean as submitted,
        null::timestamp as first_submitted_at,
        null::timestamp as last_submitted_at,
        null::bigint as versions,
        null::bigint as rejections,
        null::boolean as is_nil_return,
        null::boolean as is_late,
        true as is_total,
        owed::bigint as owed,
        sent::bigint as sent,
        late::bigint as late,
        rejected::bigint as rejected,
        not_sent::bigint as not_sent,
        case when owed > 0 then round(100.0 * sent / owed, 1) end::double as rate_pct

    from rates
    -- a request owing nothing has no per-source row, only its overall one
    where source_id is not null or is_overall

),

final as (

    select * from unit_rows
    union all
    select * from total_rows

)

-- The codes' Vietnamese labels beside them (int_code_labels).
select
    labelled.*,
    {{ code_label('report', 'scope', 'labelled.scope') }} as scope_vi,
    {{ code_label('warehouse', 'completeness_status', 'labelled.status') }} as status_vi
from final as labelled
