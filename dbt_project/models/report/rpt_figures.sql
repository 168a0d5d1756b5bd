-- report.figures: the published figures of each report request (reporting unit × period).
-- Incremental: the requests of this build replace their own rows (deleted first, so a figure
-- that disappears goes too); rows of other requests, built by earlier runs, stay.

{{
    config(
        alias='figures',
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ delete_report_requests() }}",
    )
}}

-- depends_on: {{ ref('int_report_requests') }}

select
    reporting_unit_code,
    period_start,
    period_end,
    scope,
    key,
    -- whole numbers (count, people, vnd) as integers, measured ones (pct, ha) as decimals: each
    -- figure fills exactly one of the two
    case when unit not in ('pct', 'ha') then cast(round(value) as bigint) end as value,
    case when unit in ('pct', 'ha') then cast(value as decimal(18, 2)) end as value_decimal,
    unit,
    label_vi,
    data_runs_to,
    current_timestamp at time zone 'UTC' as computed_at,
    {{ code_label('report', 'scope', 'scope') }} as scope_vi,
    {{ code_label('report', 'unit', 'unit') }} as unit_vi
from {{ ref('int_report_figures') }}
where published
