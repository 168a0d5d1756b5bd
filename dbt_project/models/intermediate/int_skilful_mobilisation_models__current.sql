-- Lines of the current load of each unit and year.
{{ current_load_rows('stg_landing__skilful_mobilisation_models') }}
