with

indicators as (

    select * from {{ ref('stg_reference__reform_indicators') }}

)

select * from indicators
