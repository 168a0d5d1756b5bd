-- A local seed row that overlays national versions ends when the last of them ends (both still in
-- force, or both ended on the same day): the overlay may add bodies and figures, not rewrite the
-- national list's history. (Its start may be earlier than the list says: the older list has none.)
with

national as (

    select * from {{ ref('stg_reference__national_admin_units') }}

),

ids as (

    select * from {{ ref('int_admin_units__warehouse_ids') }}
    where is_in_local_seed

),

national_end as (

    select
        ids.unit_id,
        case when bool_or(national.valid_to is null) then null else max(national.valid_to) end as valid_to

    from ids
    inner join national
        on ids.national_unit_id = national.national_unit_id
    group by 1

)

select local_units.unit_id, local_units.valid_to, national_end.valid_to as national_valid_to
from {{ ref('stg_reference__admin_units') }} as local_units
inner join national_end
    on local_units.unit_id = national_end.unit_id
where local_units.valid_to is distinct from national_end.valid_to
