-- report.figure_details: the breakdowns only sentences use (catalogue `published: false`), e.g.
-- footnote 7's "02 công chức thành phố, 25 viên chức sự nghiệp GD&ĐT". Same columns and same
-- incremental rule as report.figures.

{{
    config(
        alias='figure_details',
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
where not published
