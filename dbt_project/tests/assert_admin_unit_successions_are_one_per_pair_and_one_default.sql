-- A succession is stated once per (predecessor, successor), and a unit has at most one default
-- successor: dim_admin_unit.successor_unit_id must name exactly one.
select predecessor_unit_id, successor_unit_id, 'pair listed twice' as problem
from {{ ref('dim_admin_unit_succession') }}
group by 1, 2
having count(*) > 1

union all

select predecessor_unit_id, null, 'several default successors'
from {{ ref('dim_admin_unit_succession') }}
where is_default_successor
group by 1
having count(*) > 1
