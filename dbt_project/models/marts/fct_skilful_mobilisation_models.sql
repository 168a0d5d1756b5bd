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

-- Each code's Vietnamese label beside it (int_code_labels: the registry's choices, the warehouse's codes).
select
    labelled.*,
    {{ code_label('skilful_mobilisation_model', 'field', 'labelled.field') }} as field_vi,
    {{ code_label('skilful_mobilisation_model', 'model_kind', 'labelled.model_kind') }} as model_kind_vi,
    {{ code_label('skilful_mobilisation_model', 'status', 'labelled.status') }} as status_vi
from final as labelled
