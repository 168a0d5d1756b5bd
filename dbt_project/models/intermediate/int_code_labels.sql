-- Every code's Vietnamese label in one relation: the registers' and the report catalogue's
-- (generated seed code_labels) and the warehouse's own codes (seed warehouse_code_labels).
-- Marts look labels up through the code_label macro.

with

generated as (

    select * from {{ ref('code_labels') }}

),

warehouse as (

    select * from {{ ref('warehouse_code_labels') }}

),

final as (

    select source, column_name, code, label_vi from generated
    union all
    select source, column_name, code, label_vi from warehouse

)

select * from final
