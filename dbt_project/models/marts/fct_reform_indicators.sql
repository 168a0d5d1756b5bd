-- One row per unit, month and indicator: the monthly workbooks unpivoted.

with

months as (

    select * from {{ ref('int_reform_indicators__current') }}

),

unpivoted as (

    unpivot (
        select
            unit_id, report_year, report_month, load_id, source_file, source_row_number,
            dossiers_received_online, dossiers_received_in_person, dossiers_resolved_on_time,
            dossiers_resolved_late, dossiers_pending, documents_exchanged, documents_electronic,
            dossiers_digitised, legal_documents_issued, staff_trained
        from months
    )
    on dossiers_received_online, dossiers_received_in_person, dossiers_resolved_on_time,
        dossiers_resolved_late, dossiers_pending, documents_exchanged, documents_electronic,
        dossiers_digitised, legal_documents_issued, staff_trained
    into name indicator_id value indicator_value

),

final as (

    select
        -- by source row, not month: a month entered twice is a duplicate the validation suite names
        -- (and rejects that workbook), rather than a key clash that stops the whole build
        md5(load_id || ':' || source_row_number::varchar || ':' || indicator_id) as reform_indicator_value_id,
        unit_id,
        report_year,
        report_month,
        make_date(report_year, report_month, 1) as month_start,
        indicator_id,
        indicator_value::bigint as indicator_value,
        load_id,
        source_file,
        source_row_number

    from unpivoted

)

select * from final
