"""The Airflow Assets the DAGs share: the published warehouse.

The nightly's ``publish`` task names it as an outlet, so each publish is an asset event; the
laichau_reports DAG is scheduled on it and writes further reports from what was just published,
without reading any workbook again. Only airflow.sdk is imported: DAG files import this module.
"""

from airflow.sdk import Asset

# An identity, not a path: the file lives in the deployment's data folder (LAICHAU_DATA_DIR/warehouse.duckdb).
WAREHOUSE = Asset(name="laichau_warehouse", uri="laichau://warehouse/published", group="laichau")
