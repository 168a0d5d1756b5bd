-- Registers and forms a unit tried to send for a year and that were refused: by ingestion (the
-- file could not be read or broke its contract) or by validation (its figures broke a check).
-- One row per unit, source and year. The completeness report tells "rejected" from "not sent"
-- with it.

with

quarantined as (

    select
        unit_id,
        source_id,
        report_year,
        rejected_at

    from {{ ref('stg_landing__rejections') }}
    where unit_id is not null and source_id is not null and report_year is not null

),

rejected_by_checks as (

    select
        unit_id,
        source_id,
        report_year,
        rejected_at

    from {{ ref('stg_landing__loads') }}
    where status = 'rejected'

),

final as (

    select
        unit_id || '/' || source_id || '/' || report_year::varchar as submission_id,
        unit_id,
        source_id,
        report_year,
        count(*)::bigint as rejections,
        max(rejected_at) as last_rejected_at

    from (select * from quarantined union all select * from rejected_by_checks)
    group by all

)

select * from final
