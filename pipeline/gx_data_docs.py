"""Data Docs built once per checkpoint run, and a GX store that keeps only the last runs.

Imported only when validating (it imports great_expectations, which is slow to import).

GX's ``UpdateDataDocsAction`` renders each validation result's page and then rebuilds the whole
index, once per validation result: with every suite in one checkpoint that is one index build per
suite, and each index build reads every validation result the store holds. The action here is an
``UpdateDataDocsAction`` that renders all the run's pages and builds the index once.

The validation results store keeps every validation result under ``uncommitted/validations/<suite>/<run
name>/<run time>/`` and Data Docs list (and read) them all, so validation got slower with every
run and the folder grew without end. ``prune_validation_results`` keeps the last runs only; the
index build then removes the pages of the results that are gone (GX's ``skip_and_clean_missing``)
and ``remove_empty_folders`` the folders they leave.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Literal

from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.checkpoint.checkpoint import CheckpointResult
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

log = logging.getLogger(__name__)


class UpdateDataDocsOnceAction(UpdateDataDocsAction):
    """UpdateDataDocsAction that builds Data Docs once for all of a checkpoint's results."""

    type: Literal["update_data_docs_once"] = "update_data_docs_once"

    def run(self, checkpoint_result: CheckpointResult, action_context=None) -> dict:
        identifiers: list = []
        for key, result in checkpoint_result.run_results.items():
            identifiers += [key, ExpectationSuiteIdentifier(name=result.suite_name)]
        self._build_data_docs(site_names=self.site_names, resource_identifiers=identifiers)
        return {}


def prune_validation_results(context, keep_runs: int) -> int:
    """Delete the stored validation results of all but the ``keep_runs`` latest runs (a run is a
    run id: name and time); returns how many results were deleted."""
    store = context.validation_results_store
    keys = store.list_keys()
    runs = sorted({(k.run_id.run_time, k.run_id.run_name) for k in keys}, reverse=True)
    kept = set(runs[:keep_runs])
    stale = [k for k in keys if (k.run_id.run_time, k.run_id.run_name) not in kept]
    for key in stale:
        store.remove_key(key)
    if stale:
        log.info("Removed %d validation result(s) of %d old run(s)", len(stale), len(runs) - len(kept))
    return len(stale)


def remove_empty_folders(root: Path) -> None:
    """Folders under ``root`` that pruning emptied (GX deletes the files, and leaves some folders)."""
    if not root.is_dir():
        return
    for folder, _, _ in sorted(os.walk(root), key=lambda entry: len(entry[0]), reverse=True):
        if Path(folder) != root and not any(Path(folder).iterdir()):
            Path(folder).rmdir()
