with

source as (

    select * from {{ source('landing', 'reform_indicator') }}

),

renamed as (

    select
        {{ landing_lineage('reform_month_id') }}

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
