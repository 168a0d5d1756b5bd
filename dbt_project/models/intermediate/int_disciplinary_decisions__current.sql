-- Lines that count: those of each unit's latest workbook covering their decided_on (see macros/rows_in_force.sql).
{{ rows_in_force('stg_landing__disciplinary_decisions', 'source_rows.decided_on') }}
