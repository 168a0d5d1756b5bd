-- Dissemination sessions counted in each report request, by the day the session was held.

{{ report_rows('fct_dissemination_sessions', 'fact.held_on') }}
