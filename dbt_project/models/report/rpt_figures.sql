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
    value,
    unit,
    label_vi,
    data_runs_to,
    current_timestamp at time zone 'UTC' as computed_at
from {{ ref('int_report_figures') }}
where published
