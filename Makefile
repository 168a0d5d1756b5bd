# Two commands: `make run` (set up, then run the nightly DAG on the bundled sample) and
# `make test` (set up, then run every test). Everything a run writes goes under $(DATA_DIR).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
export LAICHAU_DATA_DIR ?= $(CURDIR)/data
# The report `make run` asks for: the former city (105) for the bundled sample's year 2023.
# REPORTING_UNIT takes official codes (105, 03388, 03408, 12; comma separated); PERIOD a preset
# (2024, 2024-Q3, 2024-decree09, ytd), else PERIOD_START/PERIOD_END. The nightly schedule leaves
# all empty: every configured unit, the current year to date.
REPORTING_UNIT ?= 105
PERIOD ?=
PERIOD_START ?= 2023-01-01
PERIOD_END ?= 2023-12-31

.PHONY: run airflow test test-fast lint venv lock templates sample key national-units bench bench-ingest clean system-deps sql compose-env labels

# Programs the tests drive for real, from Debian's packages: LibreOffice renders the report and the
# printable forms to PDF, poppler's pdftotext/pdftoppm read the pages, Chromium loads the overview
# page offline, Liberation fonts 2.x (with Vietnamese glyphs) stand in for Times New Roman with the
# same metrics, and Docker
# Compose's own parser validates docker-compose.yml (no Docker engine runs on CI).
SYSTEM_PROGRAMS := soffice pdftotext pdftoppm chromium docker-compose
SYSTEM_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils chromium fonts-liberation2 docker-compose

# uv installs the same pinned packages as pip in about half the time (26 s against 47 s with empty
# caches on a 2-core machine); pip does it when uv cannot be had. Both compile the bytecode while
# installing, as pip always does: without it, the test workers' first imports compile it, each for
# itself (four workers importing Airflow, dbt and GX at once: 30 s instead of 15). uv reads no
# pip.conf: behind a package mirror, set UV_DEFAULT_INDEX as well as pip's index.
UV_VERSION := 0.13.9
$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	{ $(BIN)/pip install --quiet uv==$(UV_VERSION) \
		&& $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock \
		&& $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .; } \
	|| { echo "uv failed: installing with pip instead, in a new virtualenv"; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) \
		&& $(BIN)/pip install --quiet -r requirements.lock && $(BIN)/pip install --quiet --no-deps -e .; }
	touch $@

venv: $(BIN)/.installed

system-deps:
	@missing=$$(for p in $(SYSTEM_PROGRAMS); do command -v $$p >/dev/null || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $(SYSTEM_PACKAGES) (missing: $$missing)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	fi

run: venv
	$(BIN)/python -m pipeline.cli run --reporting-unit "$(REPORTING_UNIT)" \
		$(if $(PERIOD),--period "$(PERIOD)",--period-start "$(PERIOD_START)" --period-end "$(PERIOD_END)")

test: venv system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# Airflow as a deployment runs it, on this machine: scheduler, dag-processor, triggerer and
# api-server (UI and REST API on AIRFLOW_PORT) on SQLite with the LocalExecutor, the nightly DAG
# unpaused, the bundled sample in an empty landing folder. Ctrl-C stops everything.
# AIRFLOW_ARGS=--no-schedule: triggered runs only (the scheduler starts no nightly).
AIRFLOW_PORT ?= 8080
AIRFLOW_ARGS ?=
airflow: venv
	$(BIN)/python -m pipeline.cli airflow --port $(AIRFLOW_PORT) $(AIRFLOW_ARGS)

# The tests that do not run the whole DAG: for the edit-test loop (`make test` runs everything).
test-fast: venv system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not e2e" -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin every dependency after editing requirements.in.
lock:
	$(BIN)/pip install --quiet uv==$(UV_VERSION) && $(BIN)/uv pip compile --python-version 3.11 requirements.in -o requirements.lock

# A local pseudonymisation key under data/secrets/ (what `make run` and docker-compose use), made
# with the shell alone so a Docker host needs no Python. It never replaces a key: a missing key
# beside a published warehouse means restore the old one (pseudonyms of a new key link to nothing).
KEY_FILE := $(LAICHAU_DATA_DIR)/secrets/pseudonym.key
key:
	@if [ -s "$(KEY_FILE)" ]; then echo "Key exists: $(KEY_FILE)"; \
	elif [ -f "$(LAICHAU_DATA_DIR)/warehouse.duckdb" ]; then \
		echo "Thiếu khóa bí danh nhưng đã có kho dữ liệu: hãy khôi phục khóa cũ vào $(KEY_FILE). / The key is missing beside a published warehouse: restore the old key to $(KEY_FILE); a new key would start pseudonyms that link to nothing loaded before."; exit 1; \
	else mkdir -p "$(dir $(KEY_FILE))" && chmod 700 "$(dir $(KEY_FILE))" && \
		(umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$(KEY_FILE)"; echo >> "$(KEY_FILE)") && \
		echo "Created $(KEY_FILE). Back it up: pseudonyms made under another key do not link to these."; fi

# .env for docker compose, made once with the shell alone: this user's uid (no root-owned data)
# and random secrets for the metadata database, the API's JWT and Airflow's Fernet key.
.env:
	@umask 077; { \
		echo "AIRFLOW_UID=$$(id -u)"; \
		echo "POSTGRES_PASSWORD=$$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"; \
		echo "AIRFLOW_JWT_SECRET=$$(od -An -N48 -tx1 /dev/urandom | tr -d ' \n')"; \
		echo "AIRFLOW_FERNET_KEY=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"; \
		echo "LAICHAU_SMTP_URI="; echo "LAICHAU_NOTIFY_TO="; } > $@
	@echo "Wrote .env (keep it private). Then: docker compose up -d"

compose-env: .env key

templates: venv
	$(BIN)/python -m ingestion.templates

sample: venv
	$(BIN)/python -m sample_data.generate

# The national administrative units (both structures, whole country) and their successions,
# regenerated from the pinned vietnamadminunits into the dbt seeds the warehouse loads
# (reference/README.md). Commit the result; a test fails while the two differ.
national-units: venv
	$(BIN)/python -m reference.admin_units --all --prefix national_ --out dbt_project/seeds/national

# The nightly at national scale (docs/performance.md): a cached landing set of communes from the
# national reference (1M rows in 3,000 workbooks by default), the nightly's tasks each in a fresh
# process, then again with nothing changed, against the floors (raw calamine read, one hand-written
# SQL). A benchmark: exits 0 unless BENCH_ARGS has --check. Small run:
# make bench BENCH_ARGS="--rows 20000 --workbooks 60"
bench: venv
	$(BIN)/python -m bench.nightly $(BENCH_ARGS)

# Ingest speed against a raw python-calamine read of the same registers (docs/performance.md).
# A benchmark, not a test: it prints a table and exits 0. Generated registers are cached in
# $(LAICHAU_DATA_DIR)/bench/. BENCH_ARGS passes options, e.g. BENCH_ARGS="--check --repeat 5".
bench-ingest: venv
	$(BIN)/python -m bench.ingest $(BENCH_ARGS)

# The published warehouse in the DuckDB CLI, read-only: safe beside a running nightly, which only
# ever replaces the file whole (docs/analysts.md).
# The Vietnamese label of every code (the registry's choices, the report catalogue's scopes and
# units) into the dbt seed the marts' `<column>_vi` columns come from. Commit the result; a test
# fails while the two differ.
labels: venv
	$(BIN)/python -m ingestion.code_labels

sql: venv
	@test -f "$(LAICHAU_DATA_DIR)/warehouse.duckdb" || { echo "Chưa có kho dữ liệu: chạy make run trước. / No published warehouse at $(LAICHAU_DATA_DIR)/warehouse.duckdb: run make run first."; exit 1; }
	$(BIN)/duckdb -readonly "$(LAICHAU_DATA_DIR)/warehouse.duckdb"

clean:
	rm -rf $(LAICHAU_DATA_DIR)
