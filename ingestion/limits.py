"""Every bound ingestion puts on a workbook, in one place.

A clerk's file can be broken or hostile: a stray cell at XFD1048576 makes a dense reader ask for
hundreds of gigabytes, a 5 MB zip can unpack to gigabytes, a file can hang a reader. Each check
below runs before (or around) parsing so that such a file is quarantined alone with an error its
clerk can act on, while every other file goes on. The numbers are generous for real registers
(the largest yearly register of a province is a few tens of thousands of lines).
"""

from __future__ import annotations

# The file as it arrives.
MAX_FILE_BYTES = 50 * 1024 * 1024
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

# Inside a zip-based workbook (xlsx, xlsm, ods).
MAX_COMPRESSION_RATIO = 100
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000

# What a sheet may declare or hold.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_SHEETS = 1000
# Rows searched for the header line and the title block above it.
HEADER_SEARCH_ROWS = 60

# Errors listed per rule and file; the rest are counted in one line.
MAX_ERRORS_PER_RULE = 200

# The child process that reads one workbook: a native abort or a runaway allocation ends only it.
CHILD_MEMORY_BYTES = 4 * 1024 * 1024 * 1024
CHILD_CPU_SECONDS = 120
CHILD_WALL_SECONDS = 150


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
