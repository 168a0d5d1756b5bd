with

grassroots_democracy_units as (

    select * from {{ ref('int_grassroots_democracy_units__current') }}

),

final as (

    select
        grassroots_democracy_unit_id,
        unit_id,
        report_year,
        seq_no,
        entity,
        has_plan,
        is_implemented,
        implementing_document,
        load_id,
        source_file,
        source_row_number

    from grassroots_democracy_units

)

select * from final
