-- Lines that count: those of each unit's latest workbook covering their received_on (see macros/rows_in_force.sql).
{{ rows_in_force('stg_landing__citizen_receptions', 'source_rows.received_on') }}
