-- One row per day. The inspectorate's reporting year runs from 15 December of the previous
-- year to 14 December, so it is carried beside the calendar year.

with

days as (

    select unnest(generate_series(date '2015-01-01', date '2035-12-31', interval 1 day))::date as date_day

),

final as (

    select
        date_day,
        year(date_day)::integer as calendar_year,
        quarter(date_day)::integer as calendar_quarter,
        month(date_day)::integer as calendar_month,
        day(date_day)::integer as day_of_month,
        isodow(date_day)::integer as iso_day_of_week,
        isodow(date_day) in (6, 7) as is_weekend,
        'Tháng ' || month(date_day)::varchar as month_name_vi,
        (case
            when month(date_day) = 12 and day(date_day) >= 15 then year(date_day) + 1
            else year(date_day)
        end)::integer as inspection_year

    from days

)

select * from final
