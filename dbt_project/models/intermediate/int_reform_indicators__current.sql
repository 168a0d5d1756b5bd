-- Monthly lines that count: those of each unit's latest workbook covering the whole month (see macros/rows_in_force.sql).
{{ rows_in_force(
    'stg_landing__reform_indicators',
    'make_date(loads.report_year, source_rows.report_month, 1)',
    'last_day(make_date(loads.report_year, source_rows.report_month, 1))'
) }}
