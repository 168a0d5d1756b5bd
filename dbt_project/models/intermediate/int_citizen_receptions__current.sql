-- Register lines that count: those of the current load of each unit and year. A workbook sent
-- again supersedes the earlier one as a whole, so lines of superseded loads drop out here.

with

receptions as (

    select * from {{ ref('stg_landing__citizen_receptions') }}

),

loads as (

    select * from {{ ref('stg_landing__loads') }}

),

current_loads as (

    select load_id, unit_id, report_year
    from loads
    where is_current

),

joined as (

    select
        receptions.*,
        current_loads.unit_id,
        current_loads.report_year

    from receptions
    inner join current_loads
        on receptions.load_id = current_loads.load_id

)

select * from joined
