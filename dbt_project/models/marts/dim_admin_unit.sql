-- Every administrative unit version of the country, both structures (national seed, generated
-- from vietnamadminunits), overlaid by the local seed: the local row keeps its id, dates, kind,
-- names and figures (area, population, ethnic groups, report order) and adds what no national
-- list has (the city's own bodies); the national list fills what the local row lacks (province
-- and district codes, its tier). See int_admin_units__warehouse_ids for how the two are matched.

{%- set unknown_start = "date '1900-01-01'" %}

with

local_units as (

    select * from {{ ref('stg_reference__admin_units') }}

),

national as (

    select * from {{ ref('stg_reference__national_admin_units') }}

),

national_successions as (

    select * from {{ ref('stg_reference__national_admin_unit_successions') }}

),

ids as (

    select * from {{ ref('int_admin_units__warehouse_ids') }}

),

default_successors as (

    select * from {{ ref('dim_admin_unit_succession') }}
    where is_default_successor

),

deployment_provinces as (

    select province_code from {{ ref('stg_control__deployment_provinces') }}

),

-- Older provinces that became (part of) a deployment province: their units are in scope too.
older_deployment_provinces as (

    select predecessors.official_code as province_code

    from national_successions
    inner join national as predecessors
        on national_successions.national_predecessor_unit_id = predecessors.national_unit_id
    inner join national as successors
        on national_successions.national_successor_unit_id = successors.national_unit_id
    where predecessors.admin_level = 'province'
        and successors.official_code in (select province_code from deployment_provinces)

),

national_units as (

    select
        ids.unit_id,
        ids.is_in_local_seed,
        national.official_code,
        national.unit_name,
        national.unit_full_name,
        national.unit_kind,
        national.admin_level,
        parent_ids.unit_id as parent_unit_id,
        national.province_code,
        case
            when national.admin_level = 'district' then national.official_code
            when parents.admin_level = 'district' then parents.official_code
        end as district_code,
        national.valid_from,
        national.valid_to,
        case
            when national.valid_from is null
                then national.province_code in (select province_code from older_deployment_provinces)
            else national.province_code in (select province_code from deployment_provinces)
        end as in_deployment

    from national
    inner join ids
        on national.national_unit_id = ids.national_unit_id
    left join national as parents
        on national.national_parent_unit_id = parents.national_unit_id
    left join ids as parent_ids
        on national.national_parent_unit_id = parent_ids.national_unit_id

),

-- What the national list says of each local row it matches (the same for every version a local
-- row spans: the province's code and tier did not change on 1 July 2025).
national_of_local as (

    select
        unit_id,
        max(admin_level) as admin_level,
        max(province_code) as province_code,
        max(district_code) as district_code,
        bool_or(in_deployment) as in_deployment

    from national_units
    where is_in_local_seed
    group by 1

),

overlaid_local as (

    select
        local_units.unit_id,
        local_units.official_code,
        local_units.unit_name,
        local_units.unit_full_name,
        local_units.unit_kind,
        local_units.unit_level,
        local_units.parent_unit_id,
        local_units.area_ha,
        local_units.population,
        local_units.ethnic_groups,
        local_units.valid_from,
        true as is_valid_from_known,
        local_units.valid_to,
        local_units.report_order,
        national_of_local.admin_level,
        national_of_local.province_code,
        national_of_local.district_code,
        national_of_local.in_deployment,
        national_of_local.unit_id is not null as is_in_national_list

    from local_units
    left join national_of_local
        on local_units.unit_id = national_of_local.unit_id

),

-- The local seed's own bodies (no official code) take the codes and scope of the unit they belong to.
local_rows as (

    select
        overlaid_local.* replace (
            coalesce(overlaid_local.province_code, parents.province_code) as province_code,
            coalesce(overlaid_local.district_code, parents.district_code) as district_code,
            coalesce(overlaid_local.in_deployment, parents.in_deployment, false) as in_deployment
        ),
        'local' as source

    from overlaid_local
    left join overlaid_local as parents
        on overlaid_local.parent_unit_id = parents.unit_id

),

national_rows as (

    select
        unit_id,
        official_code,
        unit_name,
        unit_full_name,
        unit_kind,
        case admin_level
            when 'province' then 'province'
            when 'district' then 'city_level'
            else 'commune_level'
        end as unit_level,
        parent_unit_id,
        null::double as area_ha,
        null::integer as population,
        null::integer as ethnic_groups,
        coalesce(valid_from, {{ unknown_start }}) as valid_from,
        valid_from is not null as is_valid_from_known,
        valid_to,
        null::integer as report_order,
        admin_level,
        province_code,
        district_code,
        in_deployment,
        true as is_in_national_list,
        'national' as source

    from national_units
    where not is_in_local_seed

),

units as (

    select * from local_rows
    union all by name
    select * from national_rows

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
            when 'municipality' then 'Thành phố'
            when 'city' then 'Thành phố'
            when 'town' then 'Thị xã'
            when 'urban_district' then 'Quận'
            when 'rural_district' then 'Huyện'
            when 'ward' then 'Phường'
            when 'commune' then 'Xã'
            when 'township' then 'Thị trấn'
            when 'special_zone' then 'Đặc khu'
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
        default_successors.successor_unit_id,
        default_successors.effective_on as succeeded_on,
        units.admin_level,
        units.province_code,
        units.district_code,
        units.is_valid_from_known,
        units.source,
        units.is_in_national_list,
        units.in_deployment

    from units
    left join default_successors
        on units.unit_id = default_successors.predecessor_unit_id

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('warehouse', 'unit_level', 'labelled.unit_level') }} as unit_level_vi,
    {{ code_label('warehouse', 'admin_level', 'labelled.admin_level') }} as admin_level_vi,
    {{ code_label('warehouse', 'unit_source', 'labelled.source') }} as source_vi
from final as labelled
