"""GX's pandas engine holding one suite's frame at a time, not all of them (validate at 1M rows).

Imported only when validating (it imports great_expectations, which is slow to import).

Validating a million register rows peaked at 1,049 MB, over the 1 GB every stage must stay
under (docs/performance.md). DuckDB was not the cause (it writes the suites' Parquet files within
its memory limit and gives the memory back when its connection closes), nor the frames' size
(the two largest suites, 500,000 rows each, are 164 and 134 MB in pandas). Two things in GX
1.x's pandas engine were:

* **Every frame stays loaded until the run ends.** A datasource keeps one execution engine, and
  the engine keeps each batch it loaded (its batch manager's cache) and each metric it resolved
  (its metric cache), for the life of the process. With every suite in one checkpoint, the
  receptions' frame was still in memory while the petitions were validated.
* **A fingerprint of the whole frame.** After reading a file, the engine hashes the frame
  (``pandas.util.hash_pandas_object``, then md5) for the batch's ``pandas_data_fingerprint``
  marker, for any frame under 1 GB. Hashing string columns goes through Python objects: about
  280 MB for the receptions' 164 MB, on top of the frame. Nothing here reads that marker (the
  results keep the batch's other markers), and it cannot tell a reader anything the suite's
  results do not.

``one_frame_at_a_time()`` is used around the checkpoint's run (pipeline/validation.py). Inside
it, a validation definition's run ends by releasing its engine's loaded batches and resolved
metrics, and no fingerprint is computed. The checks and their results are the same. GX has no
setting for either, so the block changes GX's own code for as long as it lasts and restores it
on exit. tests/test_gx_memory.py checks that the fingerprint is skipped and that batches do not
pile up, so a GX upgrade that moves these internals fails there and not in production.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from great_expectations.core.validation_definition import ValidationDefinition
from great_expectations.execution_engine import pandas_execution_engine

FINGERPRINT_MARKER = "pandas_data_fingerprint"


# A released frame at least this large is freed at once by a full garbage collection. Below it the
# collection costs more than the memory is worth: ~0.25 s each with Airflow and GX loaded, 6 s of
# the sample's 14 s validation when done after every suite.
COLLECT_FROM_BYTES = 32 * 2**20


def _frame_bytes(batch_data: object) -> int:
    frame = getattr(batch_data, "dataframe", None)
    return int(frame.memory_usage(index=True, deep=False).sum()) if frame is not None else 0


def release_batches(definition: ValidationDefinition) -> None:
    """Drop the batches and metrics the definition's execution engine still holds."""
    engine = definition.batch_definition.data_asset.datasource.get_execution_engine()
    held = sum(_frame_bytes(batch_data) for batch_data in engine.batch_manager.batch_data_cache.values())
    engine.batch_manager.batch_data_cache.clear()
    engine.batch_manager.batch_cache.clear()
    engine._metric_cache.clear()  # keyed by batch id: a released batch's metrics are never asked for again
    if held >= COLLECT_FROM_BYTES:
        gc.collect()  # frames and GX's objects refer to each other: free them now, before the next read


@contextlib.contextmanager
def one_frame_at_a_time() -> Iterator[None]:
    """While the block runs, each validation definition releases its frame when it is done and
    GX does not fingerprint the frames it reads."""
    run = ValidationDefinition.run
    threshold = pandas_execution_engine.HASH_THRESHOLD

    def run_and_release(self: ValidationDefinition, *args, **kwargs):
        try:
            return run(self, *args, **kwargs)
        finally:
            release_batches(self)

    ValidationDefinition.run = run_and_release
    pandas_execution_engine.HASH_THRESHOLD = 0  # fingerprints only frames under this many bytes
    try:
        yield
    finally:
        ValidationDefinition.run = run
        pandas_execution_engine.HASH_THRESHOLD = threshold
