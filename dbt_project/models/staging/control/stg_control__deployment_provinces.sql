-- The provinces the deployment serves (the pipeline writes control.deployment_provinces).

with

source as (

    select * from {{ source('control', 'deployment_provinces') }}

),

renamed as (

    select distinct province_code::varchar as province_code

    from source

)

select * from renamed
