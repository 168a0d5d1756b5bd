"""Benchmarks: measurements of the pipeline's speed, run by hand (``make bench-ingest``), never by pytest."""
