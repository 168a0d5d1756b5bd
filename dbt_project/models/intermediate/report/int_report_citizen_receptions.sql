-- Citizen-reception visits counted in each report request: by the day of the visit.

{{ report_rows('fct_citizen_receptions', 'fact.received_on') }}
