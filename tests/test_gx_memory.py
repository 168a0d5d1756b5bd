"""pipeline.gx_memory: in one checkpoint, GX's pandas engine keeps no suite's frame after that
suite is validated, and reads no frame just to fingerprint it; outside the block GX is as it was.

A real GX context, real Parquet files and a real checkpoint of two validation definitions. Each
test also runs the same checkpoint without the block, so it shows the GX behaviour the module
works around is there (and would notice when a GX upgrade changes it).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # before GX is imported, as pipeline.validation does

import great_expectations as gx
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.core.validation_definition import ValidationDefinition
from great_expectations.execution_engine import pandas_execution_engine

from pipeline.gx_memory import FINGERPRINT_MARKER, one_frame_at_a_time


@pytest.fixture
def checkpoint(tmp_path):
    """A checkpoint validating two Parquet files; its datasource's execution engine."""
    for name in ("first", "second"):
        frame = pd.DataFrame({"id": [f"{name}-{i}" for i in range(1000)], "count": range(1000)})
        frame.to_parquet(tmp_path / f"{name}.parquet")
    context = gx.get_context(mode="ephemeral")
    context.variables.analytics_enabled = False
    datasource = context.data_sources.add_pandas_filesystem("files", base_directory=tmp_path)
    definitions = []
    for name in ("first", "second"):
        batch = datasource.add_parquet_asset(name).add_batch_definition_path(name, path=f"{name}.parquet")
        suite = context.suites.add(
            ExpectationSuite(
                name=name,
                expectations=[
                    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
                    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "count", "min_value": 0}},
                ],
            )
        )
        definitions.append(context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite)))
    made = context.checkpoints.add(gx.Checkpoint(name="both", validation_definitions=definitions))
    return made, datasource.get_execution_engine()


def markers(outcome) -> list[dict]:
    return [result.meta["batch_markers"] for result in outcome.run_results.values()]


def test_gx_alone_keeps_every_frame_and_fingerprints_it(checkpoint):
    made, engine = checkpoint
    outcome = made.run()
    assert outcome.success
    assert len(engine.batch_manager.batch_data_cache) == 2  # both frames still loaded after the run
    assert all(FINGERPRINT_MARKER in m for m in markers(outcome))


def test_inside_the_block_each_frame_is_released_and_none_is_fingerprinted(checkpoint):
    made, engine = checkpoint
    seen: list[int] = []
    run = ValidationDefinition.run

    with one_frame_at_a_time():
        patched = ValidationDefinition.run

        def counting(self, *args, **kwargs):
            seen.append(len(engine.batch_manager.batch_data_cache))  # batches held as a definition starts
            return patched(self, *args, **kwargs)

        ValidationDefinition.run = counting
        try:
            outcome = made.run()
        finally:
            ValidationDefinition.run = patched
    assert outcome.success
    assert [r.success for r in outcome.run_results.values()] == [True, True]
    assert seen == [0, 0]  # the first frame was gone before the second was read
    assert engine.batch_manager.batch_data_cache == {}
    assert all(FINGERPRINT_MARKER not in m and "ge_load_time" in m for m in markers(outcome))
    # GX is itself again after the block
    assert ValidationDefinition.run is run
    assert pandas_execution_engine.HASH_THRESHOLD > 0


def test_a_failing_check_is_still_reported_inside_the_block(checkpoint, tmp_path):
    made, _ = checkpoint
    pd.DataFrame({"id": ["a", "a", "b"], "count": [1, -1, 2]}).to_parquet(tmp_path / "second.parquet")
    with one_frame_at_a_time():
        outcome = made.run()
    second = next(r for r in outcome.run_results.values() if r.suite_name == "second")
    assert [(r.expectation_config.type, r.success, r.result["unexpected_count"]) for r in second.results] == [
        ("expect_column_values_to_be_unique", False, 2),
        ("expect_column_values_to_be_between", False, 1),
    ]
