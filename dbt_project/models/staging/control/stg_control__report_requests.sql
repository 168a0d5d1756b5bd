-- The reports asked of this build, one row each (the pipeline writes control.report_requests).

with

source as (

    select * from {{ source('control', 'report_requests') }}

),

renamed as (

    select distinct
        reporting_unit_code::varchar as reporting_unit_code,
        period_start::date as period_start,
        period_end::date as period_end

    from source

)

select * from renamed
