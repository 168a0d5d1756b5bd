"""Which submissions a failed expectation's rows come from.

The validation results that are stored and rendered (Data Docs) are BASIC, with no sample
values. To attribute a failure, the failed expectation is re-run in an in-memory (ephemeral) GX
context with ``unexpected_index_column_names`` set to the suite's lineage columns: GX then lists
the failing rows by those columns, with the same semantics as the check itself. Only the lineage
columns are kept (load ids, source rows, the identity's name); the checked values GX returns
alongside them are dropped at once and never leave this module.

A failure is attributable when it has failing rows and every one of them names at least one
load. Table-level expectations (row counts, column sets), suites without lineage (dimensions,
reference data) and city-wide totals (no load ids) are not: those stop the publish.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailingRow:
    """One failing row, by where it comes from: never what it holds."""

    load_ids: tuple[str, ...]
    source_rows: tuple[int, ...] = ()
    check_name: str | None = None  # an identity's name, for the SQL check suites
    check_vi: str | None = None


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value).strip() != ""


def _split_ids(value: object) -> tuple[str, ...]:
    if not _present(value):
        return ()
    return tuple(sorted({part.strip() for part in str(value).split(",") if part.strip()}))


def _split_rows(value: object) -> tuple[int, ...]:
    if not _present(value):
        return ()
    if isinstance(value, int | float):
        return (int(value),)
    return tuple(sorted({int(part) for part in str(value).replace(" ", "").split(",") if part.isdigit()}))


def _lineage_row(index_row: dict) -> FailingRow:
    ids = _split_ids(index_row.get("load_id")) or _split_ids(index_row.get("load_ids"))
    rows = _split_rows(index_row.get("source_row_number")) or _split_rows(index_row.get("source_rows"))
    name, name_vi = index_row.get("check_name"), index_row.get("check_vi")
    return FailingRow(ids, rows, str(name) if _present(name) else None, str(name_vi) if _present(name_vi) else None)


@dataclass
class FailingRowFinder:
    """Re-runs failed expectations in memory to list their failing rows' lineage."""

    _context: object | None = field(default=None, init=False, repr=False)
    _assets: int = field(default=0, init=False, repr=False)

    def _ephemeral(self):
        if self._context is None:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self._context = gx.get_context(mode="ephemeral")
            self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self._context.variables.analytics_enabled = False
        return self._context

    def failing_rows(self, frame, expectation: str, kwargs: dict, lineage: list[str] | None) -> list[FailingRow] | None:
        """The lineage of each failing row, or None when the failure cannot be put on rows."""
        columns = [c for c in (lineage or []) if c in frame.columns]
        if not columns or not any(c in frame.columns for c in ("load_id", "load_ids")):
            return None
        import great_expectations as gx
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        context = self._ephemeral()
        self._assets += 1
        asset = context.data_sources.add_or_update_pandas("attribution").add_dataframe_asset(f"frame_{self._assets}")
        batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
        try:
            configuration = ExpectationConfiguration(type=expectation, kwargs=kwargs)
            result = batch.validate(
                configuration.to_domain_obj(),
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": columns,
                    "return_unexpected_index_query": False,
                    "partial_unexpected_count": 0,
                },
            )
        except gx.exceptions.GreatExpectationsError as exc:  # pragma: no cover - reported, not attributed
            log.warning("Cannot list the failing rows of %s: %s", expectation, exc)
            return None
        index = result.result.get("unexpected_index_list")
        if not index:  # a table-level expectation: no rows to blame
            return None
        return [_lineage_row({k: row.get(k) for k in columns}) for row in index]


@dataclass(frozen=True)
class Finding:
    """What one submission failed: a check and, where they are known, its rows."""

    suite: str
    expectation: str
    kwargs: dict
    check_name: str | None
    check_vi: str | None
    source_rows: tuple[int, ...]


@dataclass
class Attribution:
    by_load: dict[str, list[Finding]]
    unattributable: list  # CheckResult


def attribute(failed: list, established: set[str] | frozenset[str] = frozenset()) -> Attribution:
    """Split failed CheckResults into findings per load and failures no submission explains.

    A failing row of a check comparing two registers names both; the one that is new blames
    itself: a load in ``established`` (accepted in the published warehouse, so it passed before)
    is blamed only when every load of the row is established."""
    by_load: dict[str, list[Finding]] = {}
    unattributable = []
    for result in failed:
        rows = result.failing_rows
        if not rows or any(not row.load_ids for row in rows):
            unattributable.append(result)
            continue
        grouped: dict[tuple[str, str | None, str | None], set[int]] = {}
        for row in rows:
            blamed = [i for i in row.load_ids if i not in established] or list(row.load_ids)
            for load_id in blamed:
                # rows of a check over two registers are the first register's: name no rows then
                lines = grouped.setdefault((load_id, row.check_name, row.check_vi), set())
                if len(blamed) == 1:
                    lines.update(row.source_rows)
        for (load_id, check_name, check_vi), lines in grouped.items():
            by_load.setdefault(load_id, []).append(
                Finding(result.suite, result.expectation, result.kwargs, check_name, check_vi, tuple(sorted(lines)))
            )
    return Attribution(by_load, unattributable)
