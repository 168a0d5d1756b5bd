"""The nightly pipeline's stages, importable without Airflow: the DAG file only wires them."""
