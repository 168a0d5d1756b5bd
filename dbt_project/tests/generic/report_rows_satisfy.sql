{#- Every row of a report table satisfies `expression` (rows where it is false or NULL fail). -#}
{% test report_rows_satisfy(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
