-- Award decisions counted in each report request, by the day of the decision.

{{ report_rows('fct_awards', 'fact.decided_on') }}
