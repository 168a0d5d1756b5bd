-- Every workbook covers at least one day: its coverage ends on or after it starts.
select load_id, coverage_start, coverage_end
from {{ ref('stg_landing__loads') }}
where coverage_end < coverage_start
