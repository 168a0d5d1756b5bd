"""Runs ``dbt build`` (seeds, models and their data tests) against a staging warehouse file."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import duckdb

from pipeline import duckdb_settings
from pipeline.errors import DataCheckFailed
from pipeline.paths import DBT_PROJECT_DIR, DataPaths

log = logging.getLogger(__name__)
# The report a build makes when none is asked: the bundled sample's (the former city, 2023).
DEFAULT_REQUEST = {"reporting_unit_code": "105", "period_start": "2023-01-01", "period_end": "2023-12-31"}
# dbt's selection of the report layer: the requests (control.report_requests) and every model and
# test after them (report.figures, appendices, completeness, series), on the marts as they are.
REPORT_LAYER = "stg_control__report_requests+"
# What rejecting a submission changes: its load's status in raw._loads (pipeline/submissions.py),
# read through this model; see after_rejection.
LOADS_MODEL = "stg_landing__loads"
# The macro that picks a register's rows in force (macros/rows_in_force.sql): a model made with it
# reads the loads of its own rows only (it joins them on the rows' load_id, and a later load
# supersedes them only within the same register and unit).
ROWS_IN_FORCE_MACRO = "macro.laichau.rows_in_force"
CONTROL_COMMENTS = {
    "report_requests": "Các báo cáo lần dựng gần nhất đã lập (đơn vị, kỳ). / The reports the last build made: "
    "reporting unit code and period, each with the same period of the year before.",
    "deployment_provinces": "Các tỉnh hệ thống phục vụ. / The provinces the deployment serves (LAICHAU_PROVINCES).",
}


# dbt runs in this process (dbt's programmatic API, dbtRunner), not as a `dbt` subprocess: a
# subprocess imports dbt and loads its saved parse again on every call (about 4 s of CPU), and a
# run calls dbt up to four times (build, docs, a rebuild after a rejection, the report layer).
# The parsed project is kept per process, keyed by the project's digest and the build's file
# name (the two things the parse depends on: the project's files, and the profile's database).
# dbt compiles into that parse in place, which it cannot do twice for a model reading an
# ephemeral model (the CTE is left out the second time): the project has none, and
# tests/test_dbt_parse.py keeps it so.
_MANIFESTS: dict[tuple[str, str], object] = {}
# The build each data folder's dbt artefacts (target/manifest.json) were last written by, when
# that was a whole `dbt build` that succeeded in this process (see dbt_docs).
# (the build's path and the project's digest)
_FULL_BUILDS: dict[str, tuple[str, str] | None] = {}
# dbt is not re-entrant: one invocation at a time in a process.
_DBT_LOCK = threading.Lock()
# what dbt prints at these levels is what its command line prints; the rest is its debug log
_PRINTED_LEVELS = {"info", "warn", "error"}
# dbt's event levels, lowest first ("test" is dbt's own tests' level, below info like debug)
_LEVEL_RANK = {"debug": 0, "test": 0, "info": 1, "warn": 2, "error": 3}


def _rank(level) -> int:
    """An event level's rank, given as dbt's ``EventLevel`` or its string."""
    return _LEVEL_RANK[getattr(level, "value", level)]


@functools.cache
def _reading_event_manager() -> type:
    """dbt's event manager, made to drop the events nothing in this process reads.

    dbt fires a debug event for every query of every node and turns each into a protobuf
    message, then a formatted log line, before any level filter sees it: about 12% of a build's
    CPU. The readers here are known: the callback of ``_invoke`` (info and above), dbt's own
    behaviour-change callback (warnings), and dbt's loggers, each with its level (the file log's
    is DBT_LOG_LEVEL_FILE, warn unless set; the console's is none). An event below all of
    them is dropped where it is fired; the rest go through dbt's manager unchanged, warn-error
    handling included. Installed through dbt's own hook (``ctx_set_event_manager``)."""
    from dbt_common.events.event_manager import EventManager
    from dbt_common.events.logger import _is_print_event

    class ReadingEventManager(EventManager):
        def fire_event(self, e, level=None, node=None, force_warn_or_error_handling: bool = False) -> None:
            lowest = min([_LEVEL_RANK["info"], *(_rank(lg.level) for lg in self.loggers)])
            if force_warn_or_error_handling or _rank(level or e.level_tag()) >= lowest:
                super().fire_event(e, level=level, node=node, force_warn_or_error_handling=force_warn_or_error_handling)

        def add_logger(self, config) -> None:
            # dbt's loggers format every line they are given, and leave the level to Python's
            # logging afterwards: give each only what it writes (print events are written as
            # errors, whatever their level, as dbt's logger does)
            super().add_logger(config)
            logger, rank = self.loggers[-1], _rank(config.level)
            given = logger.filter
            logger.filter = lambda msg: (_rank(msg.info.level) >= rank or _is_print_event(msg)) and given(msg)

    return ReadingEventManager


@functools.cache
def _name_behaviour_flags_from_the_caller() -> None:
    """dbt-common names the module that declared each behaviour flag (for its warning's text)
    with ``inspect.stack()``, once per flag every time an adapter is made: every dbt call here.
    That reads every frame's source lines and looks each frame's module up, a scan of every
    loaded module for a frame of code with no file (Python's issue 92041). Under Airflow or
    pytest, with thousands of modules loaded and such frames on the stack, it took 70 ms a dbt
    call (7 s of CPU over the test suite's hundred calls). This walks the frames to the first
    one outside dbt-common's module and reads the module's name from its globals: the same name
    for a caller in a module's file (dbt's adapters), without the scan."""
    from dbt_common import behavior_flags

    def default_source() -> str:
        frame = sys._getframe(1)
        while frame is not None:
            name = frame.f_globals.get("__name__")
            if name and name != behavior_flags.__name__:
                return name
            frame = frame.f_back
        return "Unknown"

    behavior_flags.BehaviorFlagRendered._default_source = staticmethod(default_source)


@functools.cache
def _build_event_messages_when_read() -> None:
    """dbt turns every event into a protobuf message where the event is made (``ParseDict`` of
    its fields), before anything decides whether the event is read. Most are not: the debug
    events of every query of every node, dropped by the reading event manager above. That
    conversion was about 6% of a build's CPU (measured 28/11/2026 on the sample). Here an
    event keeps its fields and makes its message the first time something reads it (a logger,
    a callback, an attribute): the same message, made the same way, with dbt's handling of
    fields it cannot convert. An event nobody reads is never converted, so a malformed one of
    those is not reported either."""
    from dbt_common.events.base_types import BaseEvent

    if getattr(BaseEvent.__init__, "keeps_fields", False):  # installed already (another copy of this module)
        return
    make_message = BaseEvent.__init__

    def __init__(self, *args, **kwargs) -> None:
        object.__setattr__(self, "_fields", (args, kwargs))

    __init__.keeps_fields = True  # type: ignore[attr-defined]

    def message(self):
        state = self.__dict__
        made = state.get("pb_msg")
        if made is None:
            fields = state.get("_fields")
            if fields is None:  # made without __init__ (copy's new object): nothing to read yet
                raise AttributeError("pb_msg")
            make_message(self, *fields[0], **fields[1])  # two threads reading at once: made twice, the same
            made = state["pb_msg"]
        return made

    def __getattr__(self, key: str):
        if key == "_fields":
            raise AttributeError(key)
        made = message(self)
        return made if key == "pb_msg" else getattr(made, key)

    def __setattr__(self, key: str, value) -> None:
        if key == "pb_msg":
            object.__setattr__(self, key, value)
        else:
            setattr(message(self), key, value)

    BaseEvent.__init__ = __init__
    BaseEvent.__getattr__ = __getattr__
    BaseEvent.__setattr__ = __setattr__


# the Jinja sources compiled at most once per process (see _compile_each_template_once)
_COMPILED_LIMIT = 20_000


@functools.cache
def _compile_each_template_once() -> None:
    """dbt renders a node's SQL, and each of its data tests' arguments, by compiling the text into
    a new Jinja template every time: the same texts at every build of a process, and the same
    arguments for the tests of one model. Compiling was about 8% of a build's CPU. Here the
    compiled code is kept per text and per kind of environment (dbt's text or native one: the
    environment dbt makes for rendering depends on nothing else), and each call still gets a
    template of its own, in an environment of its own, with its own context. Rendering at parse
    time (an environment that records the node's undefined names) is left as dbt does it."""
    from dbt.clients import jinja as dbt_jinja
    from dbt_common.clients import jinja as common_jinja

    compile_anew = dbt_jinja.get_template
    compiled: dict[tuple[bool, str], object] = {}

    def get_template(string, ctx, node=None, capture_macros: bool = False, native: bool = False):
        if capture_macros:
            return compile_anew(string, ctx, node, capture_macros=capture_macros, native=native)
        with common_jinja.catch_jinja(node):
            environment = common_jinja.get_environment(node, capture_macros, native=native)
            key = (native, str(string))
            code = compiled.get(key)
            if code is None:
                if len(compiled) >= _COMPILED_LIMIT:
                    compiled.clear()
                code = compiled[key] = environment.compile(key[1])
            return environment.template_class.from_code(environment, code, environment.make_globals(ctx), None)

    dbt_jinja.get_template = get_template


def _use_reading_event_manager() -> None:
    from dbt_common.events import event_manager_client

    manager = _reading_event_manager()
    if not isinstance(event_manager_client.get_event_manager(), manager):
        event_manager_client.ctx_set_event_manager(manager())


@contextlib.contextmanager
def _in_build_folder(build: Path, env: dict[str, str]) -> Iterator[None]:
    """The build's folder as the working directory and dbt's variables set, for one call; both
    restored after it, whatever happens (the process goes on: an Airflow task, a test)."""
    before_env = {key: os.environ.get(key) for key in env}
    try:
        before_cwd: str | None = os.getcwd()
    except OSError:  # the process's working directory was removed: nothing to go back to
        before_cwd = None
    try:
        os.environ.update(env)
        os.chdir(build.parent)
        yield
    finally:
        for key, value in before_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if before_cwd is not None:
            with contextlib.suppress(OSError):
                os.chdir(before_cwd)


def _close_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in a class attribute from one call to the
    next in a process: the build file must be free when the call returns (publish replaces it),
    and the next call must open its own build, not the file the last one had open under the
    same relative name."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
        if environment is not None:
            environment.close()


def _invoke(args: list[str], manifest: object | None, printed: list[str]) -> tuple[int, object]:
    """One dbt call; dbt's command-line exit code (0 done, 1 a node failed, 2 dbt could not run)
    and its result. What dbt would print goes into ``printed``."""
    from dbt.cli.main import dbtRunner

    _use_reading_event_manager()
    _name_behaviour_flags_from_the_caller()
    _build_event_messages_when_read()
    _compile_each_template_once()

    def keep(event) -> None:
        if event.info.level in _PRINTED_LEVELS and event.info.msg:
            printed.append(event.info.msg)

    try:
        outcome = dbtRunner(manifest=manifest, callbacks=[keep]).invoke(args)
    finally:
        _close_duckdb()
    if outcome.exception is not None:
        # dbtRunner catches everything, an interrupt or Airflow's task timeout among it: those
        # stop the task as they would have stopped a dbt process, not as a failed build
        if not isinstance(outcome.exception, Exception):
            raise outcome.exception
        printed.append(f"{type(outcome.exception).__name__}: {outcome.exception}")
        return 2, None
    return (0 if outcome.success else 1), outcome.result


def _loads_model(nodes: dict) -> str:
    """The id of the loads model among a parsed project's nodes: what a selection of changed loads starts from."""
    loads = next((uid for uid, node in nodes.items() if node.resource_type == "model" and node.name == LOADS_MODEL), None)
    if loads is None:
        raise RuntimeError(f"the dbt project has no {LOADS_MODEL} model: nothing tells what a change of loads changes")
    return loads


def after_rejection(registers: Collection[str]) -> Callable[[object], str]:
    """dbt's selection, in a parsed project, of what rejecting loads of ``registers`` (the
    registers' ids: their landing tables) changes: the loads model, then every node reading it and
    everything after those, except the models of the other registers' rows in force and what only
    they feed, which read none of the rejected loads.

    A reader of the loads is left out only when it is made with rows_in_force and everything else
    it reads is a register's landing table or a model reading only such tables and seeds (its
    staging model), none of them rejected. Any other reader (fct_source_submissions,
    fct_submission_rejections, one reading another landing table of bookkeeping such as ``_loads``,
    one reading a model whose inputs are not landing tables, a model added later) is built again
    after every rejection, with everything after it. So are the report tables that read a rejected
    register or the submissions; one reading only registers nobody rejected
    (``rpt_monthly_series`` when only awards were rejected) stays as it is, and so are the
    reference dimensions and seeds. At national scale this
    is the rejected registers' branch and what reads them, not the whole project (the night's build
    made every register's marts before)."""
    rejected = set(registers)

    def select(manifest) -> str:
        nodes, sources = manifest.nodes, manifest.sources
        loads = _loads_model(nodes)

        def parents(uid: str) -> list[str]:  # a seed's or a source's depends on no node
            return list(getattr(getattr(nodes.get(uid), "depends_on", None), "nodes", []))

        def is_seed(uid: str) -> bool:
            return getattr(nodes.get(uid), "resource_type", None) == "seed"

        def landing_tables(uid: str) -> set[str]:
            read = [sources[p] for p in parents(uid) if p in sources]
            return {s.identifier or s.name for s in read if s.source_name == "landing"}

        def registers_read(uid: str) -> set[str] | None:
            """The landing tables a rows_in_force node reads besides the loads model, directly or
            through a model reading only landing tables (and seeds); None when it reads anything else."""
            tables = landing_tables(uid)
            for parent in parents(uid):
                if parent == loads or parent in sources:
                    continue
                through = landing_tables(parent)
                # a seed (a code list) is as the night's build made it; a model could read the loads
                if not through or any(p not in sources and not is_seed(p) for p in parents(parent)):
                    return None
                tables |= through
            return tables

        kept = []
        for uid in sorted(nodes):
            node = nodes[uid]
            if node.resource_type == "test" or loads not in parents(uid):
                continue  # a data test comes with the nodes it tests (dbt's indirect selection)
            if ROWS_IN_FORCE_MACRO in node.depends_on.macros:
                tables = registers_read(uid)
                if tables and not any(t.startswith("_") for t in tables) and tables.isdisjoint(rejected):
                    continue  # another register's rows in force: none of its loads changed
            kept.append(f"{node.name}+")
        return " ".join([LOADS_MODEL, *kept])

    return select


def after_new_loads(registers: Collection[str]) -> Callable[[object], str]:
    """dbt's selection, in a parsed project, of what a night's new files change in a build that is
    a copy of the warehouse the last validated build published, made by the same code
    (pipeline.build_state.changed_registers): ``registers`` are those whose loads or landing rows
    changed. It is ``after_rejection``'s selection (the loads model and what reads it, but the
    other registers' rows in force and what only they feed), with each changed register's
    landing table and everything after it, every reader of the other bookkeeping tables (files
    refused: ``_rejections``) with everything after it, every source without what reads it (for
    its tests: the loads' unique ids, the control tables, each register's link to its loads), and
    the report layer (the night's requests may not have been built before). Seeds and the
    reference dimensions are as the last build made them: the same code made them from the same
    files."""
    changed = set(registers)
    through_loads = after_rejection(changed)

    def select(manifest) -> str:
        sources = manifest.sources
        read_by_loads = set(manifest.nodes[_loads_model(manifest.nodes)].depends_on.nodes)
        landing, tested = [], []
        for uid in sorted(sources):
            source = sources[uid]
            table = source.identifier or source.name
            if source.source_name == "landing" and uid not in read_by_loads and (table in changed or table.startswith("_")):
                landing.append(f"source:{source.source_name}.{source.name}+")
            tested.append(f"source:{source.source_name}.{source.name}")
        return " ".join([through_loads(manifest), *landing, *tested, REPORT_LAYER])

    return select


def run_dbt(
    paths: DataPaths,
    build: Path,
    *args: str,
    requests: list[dict] | None = None,
    select: str | Callable[[object], str] | None = None,
) -> subprocess.CompletedProcess:
    """Run a dbt command on ``build``, asking it for the reports of ``requests`` (see
    write_build_parameters); artefacts and logs go under the data folder. Returns what the
    command line would: its exit code and what it printed (``stdout``).

    dbt runs in the build's folder and the profile names the file relatively: dbt keeps its
    parse of the project (target/partial_parse.msgpack) only while the profile's connection
    (its path among it) and vars are what they were, and every run builds in a folder of its own.
    So a process parses the project once (a new data folder's first parse is whole, about 7 s;
    later ones read dbt's saved parse) and its later dbt calls reuse that parse. ``select``: dbt's
    ``--select``, given as is or made from that parse (``after_rejection``)."""
    write_build_parameters(build, requests)
    common = [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(paths.dbt_artifacts / "target"),
        "--log-path",
        str(paths.dbt_artifacts / "logs"),
    ]
    # what dbt prints comes back through the callback (the task log, below), not on stdout twice
    printing = ["--log-level", "none", "--no-use-colors"]
    env = {
        "LAICHAU_BUILD_DB": build.name,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # dbt's file log at its default (debug) level writes every query of every node, ~10 MB a
        # build, and costs 10-15% of a build's time; what a run needs is in the task log (dbt's
        # printed lines, below) and run_results.json. DBT_LOG_LEVEL_FILE=debug brings it back.
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "warn"),
    }
    selection = ["--select", select] if isinstance(select, str) else []
    command = [args[0], *printing, *args[1:], *selection, *common]
    log.info("Running dbt %s in %s", " ".join(command), build.parent)
    printed: list[str] = []
    with _DBT_LOCK, _in_build_folder(build, env):
        digest = project_digest()
        key = (digest, build.name)
        if args[0] == "parse":  # always dbt's own parse; kept when it is the plain one
            code, parsed = _invoke(command, None, printed)
            if args == ("parse",) and code == 0:
                _keep_parse(key, parsed)
        else:
            code, parsed = (0, _MANIFESTS[key]) if key in _MANIFESTS else _invoke(["parse", *printing, *common], None, printed)
            if code == 0:
                _keep_parse(key, parsed)
                if callable(select):
                    command += ["--select", select(parsed)]
                    log.info("dbt selects %s", command[-1])
                code, _ = _invoke(command, parsed, printed)
        whole_build = args[0] == "build" and "--select" not in command and code == 0
        _FULL_BUILDS[str(paths.dbt_artifacts)] = (str(build), digest) if whole_build else None
    for line in printed:
        log.info("dbt | %s", line)
    return subprocess.CompletedProcess(["dbt", *command], code, "\n".join(printed), "")


def _keep_parse(key: tuple[str, str], parsed: object) -> None:
    """Keep a parse for the process's later dbt calls, and leave what the process holds by then
    out of Python's cyclic garbage collector: the parse (some 30,000 objects the collector
    tracks, holding many more) lives as long as the process, and each full collection walked it
    again, about 7% of a build's CPU on the sample (measured 28/11/2026). The garbage made so far
    is collected first; reference counting still frees what is frozen, only a cycle among it
    stays until the process ends."""
    if _MANIFESTS.get(key) is parsed:
        return
    if key in _MANIFESTS:  # a parse replaced (a plain `dbt parse` again): let its cycles be collected
        gc.unfreeze()
    _MANIFESTS[key] = parsed
    gc.collect()
    gc.freeze()


def write_build_parameters(build: Path, requests: list[dict] | None = None) -> None:
    """Write what dbt is asked to build into the build's ``control`` schema (dbt's source
    ``control``): ``report_requests``, each request (``ReportRequest.as_row`` dicts) with its same
    period of the year before (report_requests.with_previous_year: the overview's comparison
    column), or the bundled sample's report when none is given; and ``deployment_provinces``
    (LAICHAU_PROVINCES), so dbt and ingestion agree on them. Tables rather than dbt vars: a var
    that changes (a year-to-date cut-off moves every night) makes dbt parse the whole project
    again."""
    from pipeline.report_requests import with_previous_year
    from reference.deployment import deployment_provinces

    rows = with_previous_year(requests) if requests else [dict(DEFAULT_REQUEST)]
    provinces = list(dict.fromkeys(deployment_provinces()))  # "12,12" is one province
    with duckdb.connect(str(build), config=duckdb_settings.config()) as con:
        con.execute("create schema if not exists control")
        con.execute(
            "create or replace table control.report_requests "
            "(reporting_unit_code varchar not null, period_start date not null, period_end date not null)"
        )
        con.executemany(
            "insert into control.report_requests values (?, ?, ?)",
            [[r["reporting_unit_code"], r["period_start"], r["period_end"]] for r in rows],
        )
        con.execute("create or replace table control.deployment_provinces (province_code varchar not null)")
        con.executemany("insert into control.deployment_provinces values (?)", [[code] for code in provinces])
        for table, comment in CONTROL_COMMENTS.items():
            con.execute(f"comment on table control.{table} is '{comment}'")


def failed_nodes(paths: DataPaths, build: Path | None = None) -> list[str]:
    """Names and messages of the nodes that failed in dbt's last run. With the ``build`` it ran
    on, a failing ``column_checks`` test (tests/generic/column_checks.sql) also says which of its
    checks failed, column by column: its query returns counts only, never a value, so what it
    says can be logged and mailed."""
    results_file = paths.dbt_artifacts / "target" / "run_results.json"
    if not results_file.exists():
        return []
    results = json.loads(results_file.read_text(encoding="utf-8"))["results"]
    failures = []
    for r in results:
        if r["status"] not in {"error", "fail", "runtime error"}:
            continue
        line = f"{r['unique_id']}: {r['status']}" + (f" ({r['message']})" if r.get("message") else "")
        if build is not None and r["status"] == "fail" and r["unique_id"].startswith(COLUMN_CHECKS):
            line += "".join(f"\n    {check}" for check in _failing_checks(build, r.get("compiled_code") or ""))
        failures.append(line)
    return failures


# the unique_id prefix of the project's column_checks tests (tests/generic/column_checks.sql)
COLUMN_CHECKS = "test.laichau.column_checks_"


def _failing_checks(build: Path, compiled_sql: str) -> list[str]:
    """The failing checks of a column_checks test, as "column: check, N rows", from its compiled
    query run again on the build (read-only)."""
    try:
        with duckdb.connect(str(build), read_only=True, config=duckdb_settings.config()) as con:
            rows = con.execute(f"select check_name, column_name, failing_rows from ({compiled_sql}) order by all").fetchall()
    except duckdb.Error as error:  # the failure is reported all the same, without its detail
        log.warning("Could not list the failing checks of a column_checks test: %s", error)
        return []
    return [f"{column}: {check}, {count} row(s)" for check, column, count in rows]


def dbt_build(
    paths: DataPaths,
    build: Path,
    requests: list[dict] | None = None,
    select: str | Callable[[object], str] | None = None,
) -> None:
    """Build every model (or those of ``select``: dbt's selection, or one made from the parsed
    project such as ``after_rejection``), the report tables of ``requests`` (see
    pipeline.report_requests: dicts with reporting_unit_code, period_start, period_end) among them,
    and run their data tests; a failing model or test stops the run. No requests: ``DEFAULT_REQUEST``
    (105, 2023)."""
    # dbt's unit tests check the models' logic on fixed inputs, not the night's data: they run in
    # the project's own tests (tests/test_dbt_unit_tests.py), as dbt recommends, not every night.
    result = run_dbt(paths, build, "build", "--exclude-resource-type", "unit_test", requests=requests, select=select)
    if result.returncode != 0:
        # 1: nodes ran and some failed (run_results.json is this call's); 2: dbt could not run
        # (a parse or project error: no run_results.json of its own, an older one may be there)
        failures = failed_nodes(paths, build) if result.returncode == 1 else []
        if not failures:  # dbt did not get as far as running nodes: a project or machine problem
            raise RuntimeError(f"dbt build could not run:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        raise DataCheckFailed("dbt build failed; nothing was published:\n- " + "\n- ".join(failures))


def project_digest(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A digest of what the docs site shows: every file of the dbt project (models, macros, seeds,
    tests, .yml) and the dbt versions. The same digest means the same site."""
    digest = hashlib.sha256()
    skip = {"target", "logs", "dbt_packages"}
    for path in sorted(p for p in project_dir.rglob("*") if p.is_file() and not skip & set(p.relative_to(project_dir).parts)):
        digest.update(str(path.relative_to(project_dir)).encode())
        digest.update(path.read_bytes())
    for package in ("dbt-core", "dbt-duckdb"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def dbt_docs(paths: DataPaths, build: Path, requests: list[dict] | None = None) -> Path:
    """The dbt docs site of the warehouse as one self-contained page: models, columns, tests and
    lineage, with the catalogue of column types (no row data). Made again only when the project
    changed (``project_digest``): a nightly on the same project keeps the site it has, saving a
    dbt process that would parse the whole project again."""
    site = paths.dbt_artifacts / "docs" / "index.html"
    stamp = site.with_name("project-digest.txt")
    digest = project_digest()
    if site.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == digest:
        log.info("dbt docs are current for project %s: not generated again", digest)
        return site
    # right after this process built every node of ``build`` (build_models), dbt's manifest.json
    # holds the SQL the build compiled: compiling the whole project again would cost a third of a
    # build. Otherwise (a site asked for on its own) dbt compiles it.
    # (and the project is still the one that build parsed: else its manifest.json is not this one)
    compiled = ["--no-compile"] if _FULL_BUILDS.get(str(paths.dbt_artifacts)) == (str(build), digest) else []
    result = run_dbt(paths, build, "docs", "generate", "--static", *compiled, requests=requests)
    if result.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    site.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.dbt_artifacts / "target" / "static_index.html", site)
    stamp.write_text(digest + "\n", encoding="utf-8")
    return site
