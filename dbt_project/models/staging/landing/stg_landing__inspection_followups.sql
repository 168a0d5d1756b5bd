with

source as (

    select * from {{ source('landing', 'inspection_followup') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as conclusion_followup_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        trim(conclusion_no) as conclusion_no,
        concluded_on,
        nullif(trim(decision_no), '') as decision_no,
        trim(inspected_entity) as inspected_entity,
        recovery_required_vnd::decimal(18, 2) as recovery_required_vnd,
        recovered_vnd::decimal(18, 2) as recovered_vnd,
        implementation_status,
        updated_on

    from source

)

select * from renamed
