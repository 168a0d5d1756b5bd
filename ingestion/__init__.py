"""Ingestion: reads the registers and forms clerks send in and loads them into DuckDB's raw schema."""
