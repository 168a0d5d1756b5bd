"""Connection arguments for Airflow's embedded SQLite metadata database (``make run``, ``make airflow``).

Airflow imports ``CONNECT_ARGS`` by name (``[database] sql_alchemy_connect_args`` and its
``_async`` twin for aiosqlite, set by pipeline.cli.airflow_env only while the metadata database is
the embedded SQLite file), so this module imports nothing.

SQLite takes one writer at a time and Python's sqlite3 gives up on a locked database after 5
seconds. Under ``make airflow`` the scheduler, dag-processor, triggerer and api-server all write
to the one file; on a busy machine (two cores, a dbt build beside it) a write waited longer than
that, the api-server answered a REST trigger with an error and a task could not report its
state. Waiting up to a minute costs nothing when the database is free.
"""

# Airflow adds its own keys to the dict it imports (check_same_thread for the sync engine): one each.
CONNECT_ARGS = {"timeout": 60}
CONNECT_ARGS_ASYNC = {"timeout": 60}
