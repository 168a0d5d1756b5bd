with

source as (

    select * from {{ ref('national_admin_unit_successions') }}

),

renamed as (

    select
        predecessor_unit_id as national_predecessor_unit_id,
        successor_unit_id as national_successor_unit_id,
        effective_on,
        kind as succession_kind,
        default_successor as is_default_successor

    from source

)

select * from renamed
