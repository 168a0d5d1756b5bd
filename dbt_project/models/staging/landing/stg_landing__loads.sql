with

source as (

    select * from {{ source('landing', '_loads') }}

),

renamed as (

    select
        load_id,
        source_id,
        unit_id,
        written_unit,
        report_year,
        file_path,
        file_sha256,
        sheet,
        row_count,
        loaded_at,
        superseded_by,
        superseded_at,
        superseded_by is null as is_current

    from source

)

select * from renamed
