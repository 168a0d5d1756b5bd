"""The published warehouse: dbt tests stop a bad build, and the analysts' DuckDB CLI opens it."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import stages
from pipeline.errors import DataCheckFailed
from pipeline.paths import SAMPLE_LANDING_DIR, DataPaths
from tests.dag_runs import staged_copy


@pytest.fixture
def built(data_dir):
    shutil.copytree(SAMPLE_LANDING_DIR, data_dir / "landing")
    paths = DataPaths(data_dir)
    return paths, stages.ingest(paths, "t")["build"]


def test_dbt_tests_fail_the_build_and_name_the_failing_test(built):
    paths, build = built
    with duckdb.connect(build) as con:
        con.execute("update raw.citizen_reception set reception_kind = 'walk_in' where _row_number = 11")
    with pytest.raises(DataCheckFailed) as caught:
        stages.build_models(paths, build)
    assert "accepted_values_stg_landing__citizen_receptions_reception_kind" in str(caught.value)
    assert not paths.warehouse.exists()


def test_the_analysts_duckdb_cli_opens_the_published_warehouse_read_only(sample_build, tmp_path):
    _, build = sample_build
    paths = DataPaths(tmp_path / "data")
    stages.publish_warehouse(paths, str(staged_copy(build, paths, "t")))
    cli = Path(sys.executable).parent / "duckdb"  # the duckdb-cli package pinned beside duckdb
    # the bundled 2023 report's visits (the sample also holds 2025 and 2026 registers)
    query = "select unit_level, count(*) from marts.fct_citizen_receptions where report_year = 2023 group by 1 order by 1"
    result = subprocess.run(
        [str(cli), "-readonly", "-csv", str(paths.warehouse), "-c", query], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["unit_level,count_star()", "city_level,28", "commune_level,16"]
