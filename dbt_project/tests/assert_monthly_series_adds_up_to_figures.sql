-- report.monthly_series and report.figures count the same rows (both read the int_report_*
-- models): for each request of this build (rows of earlier builds' requests may predate the
-- series), the series summed over units and months equal the published totals
-- of the visits, petitions received and resolved, and the on-time rate. Returns what disagrees.

with

series as (

    select
        reporting_unit_code,
        period_start,
        period_end,
        sum(receptions) as receptions,
        sum(petitions_received) as petitions_received,
        sum(petitions_resolved) as petitions_resolved,
        round(100.0 * sum(dossiers_on_time) / nullif(sum(dossiers_on_time) + sum(dossiers_late), 0), 2) as on_time_rate_pct
    from {{ ref('rpt_monthly_series') }}
    group by all

),

figures as (

    select
        figures.reporting_unit_code,
        figures.period_start,
        figures.period_end,
        figures.key,
        -- counts are in value (BIGINT), rates in value_decimal (DECIMAL(18,2))
        coalesce(figures.value::double, figures.value_decimal::double) as value
    from {{ ref('rpt_figures') }} as figures
    inner join {{ ref('int_report_requests') }} as requests
        using (reporting_unit_code, period_start, period_end)
    where figures.scope = 'total'
        and figures.key in ('reception.visits', 'petition.received', 'petition.resolved', 'reform.on_time_rate_pct')

),

compared as (

    select
        figures.*,
        case figures.key
            when 'reception.visits' then coalesce(series.receptions, 0)
            when 'petition.received' then coalesce(series.petitions_received, 0)
            when 'petition.resolved' then coalesce(series.petitions_resolved, 0)
            when 'reform.on_time_rate_pct' then series.on_time_rate_pct::double
        end::double as series_value
    from figures
    left join series using (reporting_unit_code, period_start, period_end)

)

select *
from compared
where series_value is distinct from value
