"""Loaded once by the reading server (``ingestion.sandbox``) before it forks a child per workbook:
the reading code, the source registry and the unit directory are then in every child's memory
from the start instead of being read again for each file. Nothing else imports this module."""

import _strptime  # noqa: F401 - what the children would otherwise import for every workbook
import datetime
import gc
import importlib.abc
import sys

import pyarrow as pa

from ingestion import filecheck, parser, rows, sandbox  # noqa: F401 - imported for their side of the fork
from ingestion.registry import load_sources
from ingestion.units import default_directory


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """Makes ``import pandas`` fail while pyarrow's pandas shim first looks for it.

    ``pa.array`` of a Python list asks the shim whether pandas is there (to recognise a Series),
    and the shim imports it to find out: half a second for every reading server, and the
    children never hand pyarrow a pandas object. The shim remembers the answer, so after one
    array built here it never looks again in this process or its children. Should a later
    pyarrow ask again, it imports pandas then: slower, the same rows."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used by the reading server")
        return None


if "pandas" not in sys.modules:
    _finder = _WithoutPandas()
    sys.meta_path.insert(0, _finder)
    try:
        pa.array([0], pa.int64())
    finally:
        sys.meta_path.remove(_finder)

load_sources()
default_directory()
datetime.datetime.strptime("01/02/2023", "%d/%m/%Y")
# What is loaded now is never collected: children do not touch (and so copy) these pages for it.
gc.freeze()
