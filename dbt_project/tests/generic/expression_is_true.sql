{#- Rows for which a condition does not hold: the test fails on any. -#}
{% test expression_is_true(model, expression) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
