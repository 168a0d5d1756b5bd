with

skilful_mobilisation_models as (

    select * from {{ ref('int_skilful_mobilisation_models__current') }}

),

final as (

    select
        skilful_mobilisation_model_id,
        unit_id,
        report_year,
        seq_no,
        model_name,
        field,
        model_kind,
        registered_on,
        status,
        load_id,
        source_file,
        source_row_number

    from skilful_mobilisation_models

)

select * from final
