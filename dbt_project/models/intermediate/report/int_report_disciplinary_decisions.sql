-- Disciplinary decisions counted in each report request, by the day of the decision.

{{ report_rows('fct_disciplinary_decisions', 'fact.decided_on') }}
