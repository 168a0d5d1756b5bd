-- Successions between warehouse unit versions: the national list's (merged, split, renamed,
-- continued on 1 July 2025), translated to warehouse ids, and the local seed's. An edge whose two
-- ends are one warehouse unit (the province, which the local seed keeps as one version across the
-- reform) is no succession and is dropped. The local seed's edges are all in the national list
-- today; one that is not is kept as a merge (the only kind the seed lists).

with

national_successions as (

    select * from {{ ref('stg_reference__national_admin_unit_successions') }}

),

local_successions as (

    select * from {{ ref('stg_reference__admin_unit_successions') }}

),

ids as (

    select * from {{ ref('int_admin_units__warehouse_ids') }}

),

national_edges as (

    select
        predecessors.unit_id as predecessor_unit_id,
        successors.unit_id as successor_unit_id,
        national_successions.effective_on,
        national_successions.succession_kind,
        national_successions.is_default_successor,
        'national' as source

    from national_successions
    inner join ids as predecessors
        on national_successions.national_predecessor_unit_id = predecessors.national_unit_id
    inner join ids as successors
        on national_successions.national_successor_unit_id = successors.national_unit_id
    where predecessors.unit_id <> successors.unit_id

),

local_only_edges as (

    select
        local_successions.predecessor_unit_id,
        local_successions.successor_unit_id,
        local_successions.effective_on,
        'merged' as succession_kind,
        true as is_default_successor,
        'local' as source

    from local_successions
    left join national_edges
        on local_successions.predecessor_unit_id = national_edges.predecessor_unit_id
        and local_successions.successor_unit_id = national_edges.successor_unit_id
    where national_edges.predecessor_unit_id is null

),

final as (

    select * from national_edges
    union all
    select * from local_only_edges

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('warehouse', 'succession_kind', 'labelled.succession_kind') }} as succession_kind_vi
from final as labelled
