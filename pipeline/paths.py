"""Where a run reads and writes. Everything lives under one data folder (``data/`` in the
repository by default) so that one environment variable, ``LAICHAU_DATA_DIR``, moves it all."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "LAICHAU_DATA_DIR"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
SAMPLE_LANDING_DIR = REPO_ROOT / "sample_data" / "landing"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @classmethod
    def from_env(cls) -> DataPaths:
        """Read at call time, not import time, so tests and runs can point it elsewhere."""
        return cls(Path(os.environ.get(DATA_DIR_ENV) or REPO_ROOT / "data").resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def quarantine(self) -> Path:
        """Inside the landing area: a quarantined workbook still holds personal data, so it stays
        where raw registers are allowed to be. Ingestion never reads folders starting with ``_``."""
        return self.landing / "_quarantine"

    @property
    def parse_cache(self) -> Path:
        """Workbooks read ahead of ingest by the mapped parse tasks (ingestion.parse_cache): derived
        from clerks' files, so it stays in the landing area too; ingestion never takes it for one."""
        return self.landing / "_parsed"

    @property
    def warehouse(self) -> Path:
        """The published warehouse analysts open; only ever replaced whole, atomically."""
        return self.root / "warehouse.duckdb"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def validation(self) -> Path:
        return self.root / "validation"

    @property
    def dbt_artifacts(self) -> Path:
        return self.root / "dbt"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def secrets(self) -> Path:
        return self.root / "secrets"
