with

source as (

    select * from {{ source('landing', 'skilful_mobilisation_model') }}

),

renamed as (

    select
        md5(_file_sha256 || ':' || _row_number::varchar) as skilful_mobilisation_model_id,
        _load_id as load_id,
        _source_file as source_file,
        _sheet as source_sheet,
        _row_number as source_row_number,
        _loaded_at as loaded_at,

        seq_no,
        model_name,
        field,
        model_kind,
        registered_on,
        status

    from source

)

select * from renamed
