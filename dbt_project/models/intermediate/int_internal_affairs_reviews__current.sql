-- Lines that count: those of each unit's latest workbook covering their checked_on (see macros/rows_in_force.sql).
{{ rows_in_force('stg_landing__internal_affairs_reviews', 'source_rows.checked_on') }}
