-- Lines that count: those of each unit's latest workbook covering their held_on (see macros/rows_in_force.sql).
{{ rows_in_force('stg_landing__dissemination_sessions', 'source_rows.held_on') }}
