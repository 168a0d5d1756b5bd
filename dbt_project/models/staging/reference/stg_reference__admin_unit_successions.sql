with

source as (

    select * from {{ ref('admin_unit_successions') }}

),

renamed as (

    select
        predecessor_unit_id,
        successor_unit_id,
        effective_on

    from source

)

select * from renamed
