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
        -- the days the workbook covers: its year, unless its title block names a month, quarter,
        -- half-year or "Từ ngày ... đến ngày ..." (loads from before coverage was read cover their year)
        coalesce(coverage_start, make_date(report_year, 1, 1)) as coverage_start,
        coalesce(coverage_end, make_date(report_year, 12, 31)) as coverage_end,
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

ordered as (

    select
        *,
        -- the order in which a unit's workbooks of a source count: by when the file arrived
        -- (a re-sent earlier version arrives again), then when it was loaded
        row_number() over (
            partition by source_id, unit_id
            order by arrived_at, loaded_at, load_id
        ) as arrival_order

    from renamed

),

final as (

    select
        *,
        -- the load still counts for some of its period: it is accepted (a rejected load never
        -- counts, so a ward whose new workbook fails validation keeps its previous accepted one)
        -- and no later accepted workbook of the unit covers its whole period
        status = 'accepted'
        and not {{ superseded_within('ordered', 'ordered_self', 'ordered_self.coverage_start', 'ordered_self.coverage_end') }}
            as is_current

    from ordered as ordered_self

)

select * from final
