-- A code may be reused by another unit (as in 2025), but never by two unit versions at once.
select a.official_code, a.unit_id, b.unit_id as overlapping_unit_id
from {{ ref('dim_admin_unit') }} as a
inner join {{ ref('dim_admin_unit') }} as b
    on a.official_code = b.official_code
    and a.unit_id < b.unit_id
    and a.valid_from <= coalesce(b.valid_to, date '9999-12-31')
    and b.valid_from <= coalesce(a.valid_to, date '9999-12-31')
