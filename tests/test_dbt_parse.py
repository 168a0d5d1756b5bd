"""dbt parses the project once, not on every run: its saved parse (target/partial_parse.msgpack)
holds across the builds of a data folder, each in a folder of its own, and across the reports
they are asked for (pipeline/dbt.py). Real dbt runs, read through dbt's own debug log."""

from __future__ import annotations

import gc
import json
import re
import weakref

import duckdb
import pytest
import yaml

from pipeline.dbt import (
    _MANIFESTS,
    _build_event_messages_when_read,
    _compile_each_template_once,
    _name_behaviour_flags_from_the_caller,
    dbt_build,
    project_digest,
    run_dbt,
)
from pipeline.errors import DataCheckFailed
from pipeline.paths import DBT_PROJECT_DIR, DataPaths

FULL_PARSE = re.compile(r"Unable to do partial parsing|Starting full parse")
PARTIAL_PARSE = "Partial parsing enabled"


def parse(paths: DataPaths, stage: str, requests: list[dict] | None, *args: str) -> tuple[int, str, str]:
    """``dbt parse`` on a new build folder; its return code, stdout and this run's debug log."""
    build = paths.build_dir / stage / paths.warehouse.name
    build.parent.mkdir(parents=True)
    log = paths.dbt_artifacts / "logs" / "dbt.log"
    before = log.stat().st_size if log.exists() else 0
    result = run_dbt(paths, build, "parse", *args, requests=requests)
    return result.returncode, result.stdout, log.read_text(encoding="utf-8", errors="replace")[before:]


@pytest.fixture
def paths(tmp_path, monkeypatch) -> DataPaths:
    # this test is about dbt's own saved parse: not the session's (tests/conftest.py)
    monkeypatch.delenv("DBT_PARTIAL_PARSE_FILE_PATH", raising=False)
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    return DataPaths(tmp_path / "data")


def test_the_saved_parse_holds_across_builds_and_requests(paths):
    code, out, first = parse(paths, "build-night1", None)
    assert code == 0, out[-3000:]
    # the parse the process keeps is left out of the garbage collector's walks (pipeline/dbt.py)
    key = (project_digest(), paths.warehouse.name)
    kept = _MANIFESTS[key]
    assert id(kept) not in {id(o) for o in gc.get_objects()}
    first_kept = weakref.ref(kept)
    del kept
    assert FULL_PARSE.search(first)  # a new data folder parses the project once
    # the parse a process keeps is compiled into in place, which dbt cannot do twice for a model
    # reading an ephemeral model (pipeline/dbt.py): the project has none
    nodes = json.loads((paths.dbt_artifacts / "target" / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    assert [n for n, node in nodes.items() if node["config"].get("materialized") == "ephemeral"] == []
    ytd = [{"reporting_unit_code": "03388", "period_start": "2026-01-01", "period_end": "2026-11-27"}]
    code, out, second = parse(paths, "build-night2", ytd)  # another folder, another cut-off
    assert code == 0, out[-3000:]
    assert PARTIAL_PARSE in second and not FULL_PARSE.search(second)
    # the second parse replaced the first, which is collected (not left frozen), and is kept frozen
    assert first_kept() is None and _MANIFESTS[key] is not None
    assert id(_MANIFESTS[key]) not in {id(o) for o in gc.get_objects()}


def test_the_report_requests_var_of_earlier_versions_stops_the_build_saying_where_requests_go(paths):
    code, out, _ = parse(paths, "build-vars", None, "--vars", "{report_requests: []}")
    assert code != 0
    assert "report_requests is no longer a dbt var" in out and "control.report_requests" in out


def test_dbt_runs_in_this_process_reusing_its_parse_and_leaves_each_build_closed(paths):
    """dbt runs in the calling process (pipeline/dbt.py): its later calls reuse the parse, each
    builds its own file though every build has the same name, and the file is closed when the call
    returns (publish replaces it; DuckDB refuses a read-only open of a file this process has open
    for writing)."""
    builds = []
    for stage in ("night1", "night2"):
        build = paths.build_dir / stage / paths.warehouse.name
        build.parent.mkdir(parents=True)
        log = paths.dbt_artifacts / "logs" / "dbt.log"
        before = log.stat().st_size if log.exists() else 0
        result = run_dbt(paths, build, "build", "--select", "stg_control__deployment_provinces")
        assert result.returncode == 0, result.stdout[-3000:]
        assert "Completed successfully" in result.stdout
        if stage == "night2":  # the parse of night1's call is reused: dbt does not parse at all
            assert "Partial parsing enabled" not in log.read_text(encoding="utf-8")[before:]
        with duckdb.connect(str(build), read_only=True) as con:
            assert con.execute("select count(*) from staging.stg_control__deployment_provinces").fetchone()[0] >= 1
        builds.append(build)
    replaced = builds[0].with_name("replaced.duckdb")
    builds[0].replace(replaced)  # what publish does
    with duckdb.connect(str(replaced), read_only=True) as con:
        assert con.execute("select count(*) from control.report_requests").fetchone()[0] == 1


def test_a_behaviour_flag_is_named_for_the_module_that_declared_it_without_reading_the_stack(monkeypatch):
    """dbt-common names the module that declared a behaviour flag in the flag's warning. Every
    dbt call makes the adapter's flags again, and dbt-common found that name with
    ``inspect.stack()``: about 70 ms a call in the test workers. pipeline/dbt.py reads the name
    from the frames' globals instead (installed on the first dbt call). Here the flags are declared
    from code with no source file on the stack, the case that made the stack walk slow."""
    import inspect

    from dbt_common.behavior_flags import Behavior

    _name_behaviour_flags_from_the_caller()
    monkeypatch.setattr(inspect, "stack", lambda *args, **kwargs: pytest.fail("inspect.stack() was called"))
    declared: dict[str, Behavior] = {}
    flags = [{"name": "some_flag", "default": False, "description": "a flag of this test"}]
    exec(compile("declared['behaviour'] = Behavior(flags, {})", "<string>", "exec"), globals(), locals())
    event = declared["behaviour"].some_flag._behavior_change_event
    assert (event.flag_name, event.flag_source) == ("some_flag", __name__)


def test_a_dbt_call_that_cannot_run_is_not_reported_as_an_older_run_s_failures(paths):
    """dbt could not run (here: a selection it cannot read): the error says so, and the failures
    an earlier build left in run_results.json are not passed off as this call's."""
    build = paths.build_dir / "night" / paths.warehouse.name
    build.parent.mkdir(parents=True)
    target = paths.dbt_artifacts / "target"
    target.mkdir(parents=True)
    stale = {"results": [{"unique_id": "test.laichau.an_old_failure", "status": "fail", "message": "last night"}]}
    (target / "run_results.json").write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(RuntimeError, match="dbt build could not run") as caught:
        dbt_build(paths, build, select="no_such_method:anything")
    assert not isinstance(caught.value, DataCheckFailed) and "an_old_failure" not in str(caught.value)


@pytest.mark.parametrize("file_level", ["warn", "debug"])
def test_each_reader_of_dbt_s_events_gets_what_it_reads_at_its_level(tmp_path, monkeypatch, file_level):
    """dbt's events nothing reads are dropped where they are fired (pipeline/dbt.py): what dbt
    prints (info and up) still reaches the run's log, a warning reaches dbt's file log at its
    default level (warn) with nothing below it, and DBT_LOG_LEVEL_FILE=debug still gets every query."""
    from dbt_common.events import event_manager
    from dbt_common.events.logger import _TextLogger

    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", file_level)
    paths = DataPaths(tmp_path / "data")
    build = paths.build_dir / "night" / paths.warehouse.name
    build.parent.mkdir(parents=True)
    warning = "Cảnh báo thử / a test warning"
    made = []  # the level of each event dbt's manager turned into a message (the costly part)
    to_message = event_manager.msg_from_base_event
    monkeypatch.setattr(
        event_manager,
        "msg_from_base_event",
        lambda e, level=None: made.append((level or e.level_tag()).value) or to_message(e, level),
    )
    from dbt_common.events import base_types

    _build_event_messages_when_read()
    events, conversions = [], []  # every event made, and each protobuf message made of one
    lazy_init, parse_dict = base_types.BaseEvent.__init__, base_types.ParseDict
    monkeypatch.setattr(base_types.BaseEvent, "__init__", lambda self, *a, **k: events.append(1) or lazy_init(self, *a, **k))
    monkeypatch.setattr(base_types, "ParseDict", lambda fields, message: conversions.append(1) or parse_dict(fields, message))
    formatted = []  # the level and name of each event a dbt logger formatted into a line
    to_line = _TextLogger.create_line
    monkeypatch.setattr(
        _TextLogger, "create_line", lambda self, msg: formatted.append((msg.info.level, msg.info.name)) or to_line(self, msg)
    )
    result = run_dbt(
        paths,
        build,
        "compile",
        "--inline",
        f"{{{{ exceptions.warn('{warning}') }}}} select 1 as one from {{{{ ref('dim_date') }}}}",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert warning in result.stdout and "select 1 as one" in result.stdout  # a warning, and the info lines
    log = (paths.dbt_artifacts / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert warning in log
    debug_lines = [line for line in log.splitlines() if re.match(r"[0-9:.]+ \[debug\]", line)]
    info_lines = [line for line in log.splitlines() if re.match(r"[0-9:.]+ \[info \]", line)]
    started = [line for line in info_lines if "Running with dbt=" in line]  # an info event
    if file_level == "warn":  # (what dbt prints as output, the compiled SQL here, it logs as an error)
        assert debug_lines == [] and started == []
        assert "select 1 as one" in log  # dbt's output (a print event) is logged, as dbt logs it
        assert "debug" not in made and {"info", "warn"} <= set(made)  # nothing nobody reads is made
        # and the file log formats warnings and dbt's output only, not every info event
        assert ("warn", "JinjaLogWarning") in formatted and ("info", "CompiledNode") in formatted
        assert {level for level, name in formatted if name != "CompiledNode"} == {"warn"}, formatted
        # an event nobody reads is never turned into its protobuf message either
        assert len(made) <= len(conversions) < len(events) / 2, (len(made), len(conversions), len(events))
    else:
        assert any("running dbt with arguments" in line for line in debug_lines) and started
        assert "debug" in made


def test_an_event_makes_its_message_when_first_read_and_the_message_dbt_would_make(monkeypatch):
    """dbt's events keep their fields and make their protobuf message when something reads them
    (pipeline/dbt.py): the message is the one dbt makes at once, and a field set on the event
    reaches it."""
    import copy

    from dbt.adapters.events.types import SQLQuery
    from dbt_common.events import base_types

    _build_event_messages_when_read()
    _build_event_messages_when_read.__wrapped__()  # installed twice (another copy of the module): still once
    conversions = []
    parse_dict = base_types.ParseDict
    monkeypatch.setattr(
        base_types, "ParseDict", lambda fields, message: conversions.append(dict(fields)) or parse_dict(fields, message)
    )
    event = SQLQuery(conn_name="master", sql="select 1 as one", node_info={})
    assert conversions == [] and "pb_msg" not in vars(event)
    assert event.sql == "select 1 as one" and event.conn_name == "master"
    assert conversions == [{"conn_name": "master", "sql": "select 1 as one", "node_info": {}}]
    assert "select 1 as one" in event.message()
    assert event.pb_msg == parse_dict({"conn_name": "master", "sql": "select 1 as one", "node_info": {}}, type(event.pb_msg)())
    event.sql = "select 2"
    assert event.pb_msg.sql == "select 2" and len(conversions) == 1
    again = copy.copy(event)
    assert again.sql == "select 2"


def test_a_template_text_is_compiled_once_and_rendered_in_each_call_s_own_context(monkeypatch):
    """dbt renders a node's SQL, and its tests' arguments, from their text at every build: the
    compiled code is kept per text and per kind of environment (pipeline/dbt.py), each render
    still in its own context; rendering at parse time compiles anew, as dbt does."""
    import uuid

    import jinja2
    from dbt.clients.jinja import get_rendered
    from dbt_common.exceptions import CompilationError

    _compile_each_template_once()
    compiled = []
    compile_source = jinja2.Environment.compile
    monkeypatch.setattr(
        jinja2.Environment,
        "compile",
        lambda self, source, *a, **k: compiled.append(source) or compile_source(self, source, *a, **k),
    )
    text = f"select {{{{ value }}}} as v -- {uuid.uuid4()}"  # a text no earlier test compiled
    assert get_rendered(text, {"value": 1}).startswith("select 1 as v")
    assert get_rendered(text, {"value": "x"}).startswith("select x as v")
    assert compiled == [text]
    number = f"{{{{ (40 + 2) | as_number }}}}{{# {uuid.uuid4()} #}}"
    assert get_rendered(number, {}, native=True) == 42 and get_rendered(number, {}) == "42"  # a native and a text environment
    assert compiled.count(number) == 2
    captured = f"{{{{ value }}}} -- {uuid.uuid4()}"
    get_rendered(captured, {"value": 1}, capture_macros=True)
    get_rendered(captured, {"value": 1}, capture_macros=True)
    assert compiled.count(captured) == 2
    with pytest.raises(CompilationError):
        get_rendered("select {{ value ", {"value": 1})


def test_dbt_opens_the_build_with_the_deployment_s_memory_limit(tmp_path, monkeypatch):
    """dbt's DuckDB gets LAICHAU_DUCKDB_MEMORY_LIMIT when it opens the build (the profile's
    config_options, not a `SET` on every cursor: dbt_project/profiles.yml)."""
    monkeypatch.setenv("LAICHAU_DUCKDB_MEMORY_LIMIT", "300MB")
    paths = DataPaths(tmp_path / "data")
    build = paths.build_dir / "night" / paths.warehouse.name
    build.parent.mkdir(parents=True)
    result = run_dbt(paths, build, "show", "--inline", "select current_setting('memory_limit') as memory_limit")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "286.1 MiB" in result.stdout  # 300 MB, as DuckDB shows it
    # DuckDB gives its freed memory back to the system at every `SET memory_limit`, which
    # dbt-duckdb would run on each cursor for a `settings` entry
    output = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))["laichau"]["outputs"]["build"]
    assert "memory_limit" in output["config_options"] and "memory_limit" not in (output.get("settings") or {})
