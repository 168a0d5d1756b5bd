-- The report periods the city uses, each a start and a cut-off date: calendar years and
-- quarters, and the inspectorate's years and quarters, which run from the 15th of the month
-- before to the 14th (15/12 of the previous year to 14/12).

with

years as (

    select unnest(generate_series(2015, 2035)) as period_year

),

quarters as (

    select unnest(generate_series(1, 4)) as period_quarter

),

periods as (

    select
        'calendar_year' as period_kind,
        period_year::varchar as period_label,
        period_year,
        null::integer as period_quarter,
        make_date(period_year, 1, 1) as period_start,
        make_date(period_year, 12, 31) as period_end
    from years

    union all

    select
        'calendar_quarter',
        period_year::varchar || '-Q' || period_quarter::varchar,
        period_year,
        period_quarter,
        make_date(period_year, 3 * period_quarter - 2, 1),
        (make_date(period_year, 3 * period_quarter - 2, 1) + interval 3 month - interval 1 day)::date
    from years cross join quarters

    union all

    select
        'inspection_year',
        make_date(period_year - 1, 12, 15)::varchar || '..' || make_date(period_year, 12, 14)::varchar,
        period_year,
        null,
        make_date(period_year - 1, 12, 15),
        make_date(period_year, 12, 14)
    from years

    union all

    select
        'inspection_quarter',
        period_year::varchar || '-TTr-Q' || period_quarter::varchar,
        period_year,
        period_quarter,
        (make_date(period_year, 3 * period_quarter - 2, 15) - interval 1 month)::date,
        make_date(period_year, 3 * period_quarter, 14)
    from years cross join quarters

),

final as (

    select
        period_kind || '/' || period_label as period_id,
        period_kind,
        period_label,
        period_year::integer as period_year,
        period_quarter::integer as period_quarter,
        period_start::date as period_start,
        period_end::date as period_end
    from periods

)

-- Each code's Vietnamese label beside it (int_code_labels).
select
    labelled.*,
    {{ code_label('warehouse', 'period_kind', 'labelled.period_kind') }} as period_kind_vi
from final as labelled
