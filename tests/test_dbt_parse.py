"""dbt parses the project once, not on every run: its saved parse (target/partial_parse.msgpack)
holds across the builds of a data folder, each in a folder of its own, and across the reports
they are asked for (pipeline/dbt.py). Real dbt runs, read through dbt's own debug log."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from pipeline.dbt import _name_behaviour_flags_from_the_caller, dbt_build, run_dbt
from pipeline.errors import DataCheckFailed
from pipeline.paths import DataPaths

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
    assert FULL_PARSE.search(first)  # a new data folder parses the project once
    # the parse a process keeps is compiled into in place, which dbt cannot do twice for a model
    # reading an ephemeral model (pipeline/dbt.py): the project has none
    nodes = json.loads((paths.dbt_artifacts / "target" / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    assert [n for n, node in nodes.items() if node["config"].get("materialized") == "ephemeral"] == []
    ytd = [{"reporting_unit_code": "03388", "period_start": "2026-01-01", "period_end": "2026-11-27"}]
    code, out, second = parse(paths, "build-night2", ytd)  # another folder, another cut-off
    assert code == 0, out[-3000:]
    assert PARTIAL_PARSE in second and not FULL_PARSE.search(second)


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
    else:
        assert any("running dbt with arguments" in line for line in debug_lines) and started
        assert "debug" in made
