with

source as (

    select * from {{ ref('reform_indicators') }}

),

renamed as (

    select
        indicator_id,
        display_order,
        name_vi as indicator_name_vi,
        unit_vi as indicator_unit_vi,
        description_en as indicator_description

    from source

)

select * from renamed
