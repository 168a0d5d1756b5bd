with

source as (

    select * from {{ source('landing', '_rejections') }}

),

renamed as (

    select
        file_path,
        file_sha256,
        source_id,
        unit_id,
        report_year,
        rejected_at,
        error_count,
        errors_json as error_locations_json,
        report_path,
        reader_version

    from source

)

select * from renamed
