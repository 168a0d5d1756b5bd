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
        -- loads from before the file's arrival time was recorded arrived when they were loaded
        coalesce(arrived_at, loaded_at) as arrived_at,
        coalesce(status, 'accepted') as status,
        rejected_at,
        skipped_rows,
        reader_version,
        -- the versions of the named unit over the workbook's year, oldest first (its rows carry
        -- their own); loads from before it was recorded cover their own unit only
        coalesce(unit_versions, [unit_id]) as unit_versions,
        superseded_by,
        superseded_at

    from source

),

ranked as (

    select
        *,
        -- the current load of a source, unit and year: its latest accepted workbook, by when the
        -- file arrived (then when it was loaded). A rejected load never counts, so a ward whose
        -- new workbook fails validation keeps its previous accepted one.
        status = 'accepted'
        and row_number() over (
            partition by source_id, unit_id, report_year, status = 'accepted'
            order by arrived_at desc, loaded_at desc, load_id desc
        ) = 1 as is_current

    from renamed

)

select * from ranked
