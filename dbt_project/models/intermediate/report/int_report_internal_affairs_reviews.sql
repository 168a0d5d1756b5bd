-- Internal-affairs checks counted in each report request, by the day of the check.

{{ report_rows('fct_internal_affairs_reviews', 'fact.checked_on') }}
