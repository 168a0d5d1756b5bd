with

source as (

    select * from {{ source('landing', 'reform_indicator') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as reform_month_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        month::integer as report_month,
        coalesce(dossiers_received_online, 0) as dossiers_received_online,
        coalesce(dossiers_received_in_person, 0) as dossiers_received_in_person,
        coalesce(dossiers_resolved_on_time, 0) as dossiers_resolved_on_time,
        coalesce(dossiers_resolved_late, 0) as dossiers_resolved_late,
        coalesce(dossiers_pending, 0) as dossiers_pending,
        coalesce(documents_exchanged, 0) as documents_exchanged,
        coalesce(documents_electronic, 0) as documents_electronic,
        coalesce(dossiers_digitised, 0) as dossiers_digitised,
        coalesce(legal_documents_issued, 0) as legal_documents_issued,
        coalesce(staff_trained, 0) as staff_trained

    from source

)

select * from renamed
