-- Which warehouse unit each national unit version is. The local seed (admin_units.csv) overlays
-- the national list: a local row with the same official code and an overlapping validity IS that
-- national version, and its readable id (p_doan_ket_2025) wins, because ingestion, reporting
-- obligations and the facts key on it. A local row may span several national versions
-- (tinh_lai_chau is both 12@..2025-06-30 and 12@2025-07-01: the province continued); a national
-- version never matches two local rows (tested). Other national versions keep their own id.

with

national as (

    select * from {{ ref('stg_reference__national_admin_units') }}

),

local_units as (

    select * from {{ ref('stg_reference__admin_units') }}
    where official_code is not null

),

matches as (

    select
        national.national_unit_id,
        local_units.unit_id as local_unit_id

    from national
    inner join local_units
        on national.official_code = local_units.official_code
        -- the older list has no start date: it overlaps any local start
        and coalesce(national.valid_from, date '0001-01-01') <= coalesce(local_units.valid_to, date '9999-12-31')
        and local_units.valid_from <= coalesce(national.valid_to, date '9999-12-31')

),

final as (

    select
        national.national_unit_id,
        coalesce(matches.local_unit_id, national.national_unit_id) as unit_id,
        matches.local_unit_id is not null as is_in_local_seed

    from national
    left join matches
        on national.national_unit_id = matches.national_unit_id

)

select * from final
