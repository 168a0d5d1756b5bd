with

source as (

    select * from {{ ref('national_admin_units') }}

),

renamed as (

    select
        unit_id as national_unit_id,
        official_code,
        name as unit_name,
        full_name as unit_full_name,
        kind as unit_kind,
        level as admin_level,
        parent_unit_id as national_parent_unit_id,
        province_code,
        valid_from,
        valid_to

    from source

)

select * from renamed
