with

source as (

    select * from {{ source('landing', 'skilful_mobilisation_model') }}

),

renamed as (

    select
        {{ landing_lineage('skilful_mobilisation_model_id') }}

        seq_no,
        model_name,
        field,
        model_kind,
        registered_on,
        status

    from source

)

select * from renamed
