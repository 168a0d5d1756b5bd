with

units as (

    select * from {{ ref('stg_reference__admin_units') }}

),

successions as (

    select * from {{ ref('stg_reference__admin_unit_successions') }}

),

final as (

    select
        units.unit_id,
        units.official_code,
        units.unit_name,
        units.unit_full_name,
        units.unit_kind,
        case units.unit_kind
            when 'province' then 'Tỉnh'
            when 'city' then 'Thành phố'
            when 'ward' then 'Phường'
            when 'commune' then 'Xã'
            when 'city_body' then 'Cơ quan thành phố'
        end as unit_kind_vi,
        units.unit_level,
        units.parent_unit_id,
        units.area_ha,
        units.population,
        units.ethnic_groups,
        units.valid_from,
        units.valid_to,
        units.report_order,
        successions.successor_unit_id,
        successions.effective_on as succeeded_on

    from units
    left join successions
        on units.unit_id = successions.predecessor_unit_id

)

select * from final
