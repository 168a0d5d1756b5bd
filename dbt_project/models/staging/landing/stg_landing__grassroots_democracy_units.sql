with

source as (

    select * from {{ source('landing', 'grassroots_democracy') }}

),

renamed as (

    select
        {{ landing_lineage('grassroots_democracy_unit_id') }}

        seq_no,
        entity,
        has_plan,
        is_implemented,
        implementing_document

    from source

)

select * from renamed
