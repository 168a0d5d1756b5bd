with

source as (

    select * from {{ source('landing', 'inspection') }}

),

renamed as (

    select
        {{ landing_lineage('inspection_unit_id') }}

        trim(decision_no) as decision_no,
        decided_on,
        inspection_title,
        inspection_kind,
        coalesce(is_carried_over, false) as is_carried_over,
        trim(inspected_entity) as inspected_entity,
        status,
        nullif(trim(conclusion_no), '') as conclusion_no,
        concluded_on,
        coalesce(violation_vnd, 0)::decimal(18, 2) as violation_vnd,
        coalesce(violation_land_m2, 0)::double as violation_land_m2,
        coalesce(recovery_recommended_vnd, 0)::decimal(18, 2) as recovery_recommended_vnd,
        coalesce(sanctioned_organisations, 0)::integer as sanctioned_organisations,
        coalesce(sanctioned_persons, 0)::integer as sanctioned_persons,
        coalesce(referred_to_investigation, 0)::integer as referred_to_investigation

    from source

)

select * from renamed
