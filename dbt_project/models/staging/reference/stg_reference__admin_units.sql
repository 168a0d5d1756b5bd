with

source as (

    select * from {{ ref('admin_units') }}

),

renamed as (

    select
        unit_id,
        official_code,
        name as unit_name,
        full_name as unit_full_name,
        kind as unit_kind,
        level as unit_level,
        parent_unit_id,
        area_ha,
        population,
        ethnic_groups,
        valid_from,
        valid_to,
        report_order

    from source

)

select * from renamed
