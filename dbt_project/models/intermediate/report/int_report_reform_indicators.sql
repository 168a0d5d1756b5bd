-- Monthly reform indicators counted in each report request: a month counts only when the whole
-- month lies inside the period (and inside the member's counted range); a month the period holds
-- in part (a Decree 09 cut-off on the 14th, a year to date) is left out.

{{ report_rows('fct_reform_indicators', 'fact.month_start', 'last_day(fact.month_start)') }}
