"""Loaded once by the reading server (``ingestion.sandbox``) before it forks a child per workbook:
the reading code, the source registry and the unit directory are then in every child's memory
from the start instead of being read again for each file. Nothing else imports this module."""

import _strptime  # noqa: F401 - what the children would otherwise import for every workbook
import datetime
import gc

import pandas  # noqa: F401 - pyarrow imports it lazily when it writes a table

from ingestion import filecheck, parser, rows, sandbox  # noqa: F401 - imported for their side of the fork
from ingestion.registry import load_sources
from ingestion.units import default_directory

load_sources()
default_directory()
datetime.datetime.strptime("01/02/2023", "%d/%m/%Y")
# What is loaded now is never collected: children do not touch (and so copy) these pages for it.
gc.freeze()
