with

source as (

    select * from {{ source('landing', 'personnel_action') }}

),

renamed as (

    select
        {{ landing_lineage('personnel_action_id') }}

        trim(decision_no) as decision_no,
        decided_on,
        action,
        staff_category,
        -- The register's «Lĩnh vực» choice code (ingestion maps the clerk's choice to it). Rows loaded
        -- before the column was a choice hold the clerk's free text: they are mapped once, here, so a
        -- warehouse upgraded in place keeps their education split (issue 8); new rows never reach the
        -- text branch, since ingestion refuses anything but a listed choice.
        case
            when sector is null or sector in (
                select code from {{ ref('code_labels') }} where source = 'personnel_action' and column_name = 'sector'
            ) then sector
            when strip_accents(replace(lower(sector), 'đ', 'd')) like '%gd%dt%'
                or strip_accents(replace(lower(sector), 'đ', 'd')) like '%giao duc%' then 'education'
            when strip_accents(replace(lower(sector), 'đ', 'd')) like '%qlda%' then 'project_management'
            else 'other'
        end as sector,
        people::integer as people

    from source

)

select * from renamed
