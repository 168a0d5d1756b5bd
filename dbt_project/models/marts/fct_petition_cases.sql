-- Petition cases (vụ việc), one row per case and year of the unit's current register, with the
-- case's status derived from its eligible petitions (the definition is in fct_petition_cases.yml
-- and docs/analysts.md). A case can hold a resolved and a pending petition: it is then being
-- resolved, and counts once in Biểu 01/XLD's cases by status.

with

petitions as (

    select * from {{ ref('fct_petitions') }}

),

per_case as (

    select
        case_key,
        report_year,
        any_value(unit_id) as unit_id,
        any_value(unit_level) as unit_level,
        count(*) as petitions,
        count(*) filter (where is_eligible) as eligible_petitions,
        count(*) filter (where is_eligible and status = 'resolved') as resolved_petitions,
        count(*) filter (where is_eligible and status = 'being_resolved') as being_resolved_petitions,
        count(*) filter (where is_eligible and status = 'not_resolved') as not_resolved_petitions,
        min(received_on) as first_received_on,
        -- a unit's register of a year is one load, so a case's petitions share it
        min(load_id) as load_id,
        string_agg(distinct source_row_number::varchar, ', ' order by source_row_number::varchar) as source_rows

    from petitions
    group by case_key, report_year

),

final as (

    select
        case_key || '/' || report_year::varchar as petition_case_id,
        case_key,
        unit_id,
        unit_level,
        report_year,
        petitions,
        eligible_petitions,
        resolved_petitions,
        being_resolved_petitions,
        not_resolved_petitions,
        case
            when eligible_petitions = 0 then null
            when resolved_petitions = eligible_petitions then 'resolved'
            when not_resolved_petitions = eligible_petitions then 'not_resolved'
            when resolved_petitions + being_resolved_petitions > 0 then 'being_resolved'
        end as case_status,
        first_received_on,
        load_id,
        source_rows

    from per_case

)

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('warehouse', 'unit_level', 'labelled.unit_level') }} as unit_level_vi,
    {{ code_label('petition_handling', 'status', 'labelled.case_status') }} as case_status_vi
from final as labelled
