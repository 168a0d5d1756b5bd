with

source as (

    select * from {{ source('landing', 'school_network') }}

),

renamed as (

    select
        {{ landing_lineage('school_id') }}

        seq_no,
        school_name,
        school_level,
        location,
        opened_on,
        closed_on,
        merged_into

    from source

)

select * from renamed
