"""The run's overview page, opened in a real headless Chromium with no network.

The sample build (conftest.sample_build) is published into a fresh data folder, validated by the
real GX suites, given a quarantined workbook (written by the loader's own quarantine writer, its
message holding a personal value) and a rejected submission, and the report stage writes the
reports and the overview. Chromium then loads the page from a file:// URL with networking
disabled; the DOM it dumps and a screenshot are what is checked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import duckdb
import lxml.html
import pytest

from ingestion.errors import IngestError
from ingestion.loader import write_quarantine
from pipeline import report_requests
from pipeline.dbt import REPORT_LAYER, dbt_build, write_build_parameters
from pipeline.paths import DataPaths
from pipeline.periods import Period
from pipeline.stages import _write_reports
from pipeline.validation import gx_context, validate_warehouse
from reporting.figures import format_vi
from reporting.overview import FIX_VI, INDEX_NAME, write_overview
from tests.conftest import SAMPLE_LANDING
from tests.dag_runs import copy_build
from tests.workbooks import personal_values

RUN_ID = "manual__2026-11-27T01:00:00+00:00"
SAFE_RUN = "manual__2026-11-27T01_00_00_00_00"
QUARANTINED_FILE = "2023/tiep-cong-dan_2023_phuong-tan-phong.xlsx"
# headless, and no network of its own: no QUIC, no background fetches, no component or sync updates
CHROMIUM_OFFLINE = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync")  # fmt: skip


@pytest.fixture(scope="module")
def secrets() -> set[str]:
    values = personal_values(SAMPLE_LANDING)
    assert len(values) > 80
    return values


@pytest.fixture(scope="module")
def overview(sample_build, tmp_path_factory, secrets) -> tuple[DataPaths, dict, Path]:
    """A run's reports and overview over the sample: (paths, run summary, the page)."""
    _, build = sample_build
    paths = DataPaths(tmp_path_factory.mktemp("overview-run"))
    paths.root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(build, paths.warehouse)  # the published warehouse (read only from here on)
    validate_warehouse(paths, build, run_name=SAFE_RUN)  # the real suites; results under paths.validation
    secret = sorted(secrets)[0]
    # A quarantine report whose message repeats what a clerk typed (a name in a date column):
    # the overview must show its location and rule, never the message.
    error = IngestError(
        QUARANTINED_FILE,
        "TCD",
        12,
        "B «Ngày tiếp»",
        f"«{secret}» không phải là ngày",
        f"'{secret}' is not a date",
        "not_a_date",
    )
    _, report = write_quarantine(
        paths.landing / QUARANTINED_FILE,
        QUARANTINED_FILE,
        "ab" * 32,
        [error],
        paths.quarantine,
        dt.datetime(2026, 11, 27, 1),
        copy=False,
    )
    ingest_summary = {
        "quarantined": [{"file": QUARANTINED_FILE, "errors": 1, "rules": ["not_a_date"], "report": str(report), "new": True}]
    }
    validation_summary = {
        "rejected": [
            {
                "file": "2023/xu-ly-don_2023_xa-san-thang.xlsx",
                "checks": ["petition_identities: Số đơn đã giải quyết không lớn hơn số đơn đã nhận"],
                "rows": 2,
                "report": "_quarantine/20261127T010000_cdcdcdcdcdcdcdcd.errors.txt",
            }
        ]
    }
    request = report_requests.resolve("105", Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    summary = _write_reports(paths, [request], RUN_ID, ingest_summary, validation_summary)
    return paths, summary, Path(summary["overview"])


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["chromium", *CHROMIUM_OFFLINE, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def dom(overview, tmp_path_factory) -> lxml.html.HtmlElement:
    """The page as Chromium builds it from file://, offline."""
    _, _, page = overview
    result = chromium("--dump-dom", page.as_uri(), profile=tmp_path_factory.mktemp("chromium-dom"))
    assert "<svg" in result.stdout
    return lxml.html.fromstring(result.stdout)


def published(paths: DataPaths, sql: str) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_run_summary_links_the_overview_and_index_is_the_same_page(overview):
    paths, summary, page = overview
    assert page == paths.reports / f"tong-quan_{SAFE_RUN}.html"
    saved = json.loads(Path(summary["file"]).read_text(encoding="utf-8"))
    assert saved["overview"] == str(page)
    assert (paths.reports / INDEX_NAME).read_bytes() == page.read_bytes()


def test_headline_figures_are_report_figures_beside_the_same_period_last_year(overview, dom):
    paths, _, _ = overview
    rows = published(
        paths,
        "select key, coalesce(value::double, value_decimal::double), unit from report.figures "
        "where reporting_unit_code = '105' and period_start = '2023-01-01' "
        "and period_end = '2023-12-31' and scope = 'total'",
    )
    figures = {key: (value, unit) for key, value, unit in rows}
    assert figures["reception.visits"][0] == 44 and figures["petition.received"][0] == 100
    section = dom.xpath("//section[@data-slug='105_2023-01-01_2023-12-31']")[0]
    cards = {card.get("data-key"): card for card in section.xpath(".//div[@class='card']")}
    for key in ("reception.visits", "petition.received", "petition.resolved", "reform.on_time_rate_pct"):
        value, unit = figures[key]
        shown = cards[key].xpath(".//div[@class='value']")[0].text_content()
        assert shown == format_vi(value) + ("%" if unit == "pct" else "")
        # the sample has nothing for 2022: the comparison column says so rather than 0
        assert cards[key].xpath(".//div[@class='previous']")[0].text_content() == "Cùng kỳ năm trước: —"
    assert cards["reception.visits"].xpath(".//div[@class='value']")[0].text_content() == "44"
    assert "Cùng kỳ năm trước: Năm 2022" in section.text_content()
    table_rows = section.xpath(".//table[@class='figures']/tbody/tr")
    assert {tr.get("data-key") for tr in table_rows} == set(figures)


def test_the_same_period_last_year_is_built_by_dbt_as_one_more_request(tmp_path):
    """dbt gets each request's comparison (a unit that did not hold the code a year before has none),
    in the build's control.report_requests."""
    requests = [
        {"reporting_unit_code": "105", "period_start": "2023-01-01", "period_end": "2023-12-31"},
        {"reporting_unit_code": "03388", "period_start": "2026-01-01", "period_end": "2026-03-31"},
        {"reporting_unit_code": "105", "period_start": "2024-02-01", "period_end": "2024-02-29"},
    ]
    build = tmp_path / "warehouse.duckdb"

    def written(asked: list[dict]) -> list[dict]:
        write_build_parameters(build, asked)
        with duckdb.connect(str(build), read_only=True) as con:
            rows = con.execute("select reporting_unit_code, period_start, period_end from control.report_requests").fetchall()
        return [{"reporting_unit_code": c, "period_start": str(s), "period_end": str(e)} for c, s, e in rows]

    built = written(requests)
    assert built[: len(requests)] == requests
    assert built[len(requests) :] == [
        {"reporting_unit_code": "105", "period_start": "2022-01-01", "period_end": "2022-12-31"},
        {"reporting_unit_code": "03388", "period_start": "2025-01-01", "period_end": "2025-03-31"},
        {"reporting_unit_code": "105", "period_start": "2023-02-01", "period_end": "2023-02-28"},
    ]
    # asked for both years: each once; a build asked nothing makes the bundled sample's report
    both = [*requests[:1], {"reporting_unit_code": "105", "period_start": "2022-01-01", "period_end": "2022-12-31"}]
    assert len(written(both)) == 3
    assert written(None) == [requests[0]]


def test_last_years_column_is_what_dbt_built_for_the_comparison_request(sample_build, tmp_path):
    """Phường Đoàn Kết (03388) for 2026 to date: dbt also builds 2025 to the same day (the new ward
    and, before 1/7/2025, its predecessor), and the page shows those figures and the change."""
    _, build = sample_build
    paths = DataPaths(tmp_path / "data")
    copy = copy_build(build, paths.build_dir / "comparison")
    request = {"reporting_unit_code": "03388", "period_start": "2026-01-01", "period_end": "2026-11-27"}
    dbt_build(paths, copy, [request], select=REPORT_LAYER)  # the report tables, on the marts as built
    shutil.copyfile(copy, paths.warehouse)
    page = write_overview(paths, RUN_ID, {"reports": [{**request, "exports": []}], "quarantined": [], "rejected": []})

    def totals(start: str, end: str) -> dict[str, float]:
        rows = published(
            paths,
            "select key, coalesce(value::double, value_decimal::double) from report.figures "
            f"where reporting_unit_code = '03388' and period_start = '{start}' "
            f"and period_end = '{end}' and scope = 'total'",
        )
        return dict(rows)

    now, before = totals("2026-01-01", "2026-11-27"), totals("2025-01-01", "2025-11-27")
    assert before["reception.visits"] > 0 and before["petition.received"] > 0  # the sample has 2025 registers
    cards = {c.get("data-key"): c for c in lxml.html.fromstring(page.read_text(encoding="utf-8")).xpath("//div[@class='card']")}
    for key in ("reception.visits", "petition.received", "petition.resolved"):
        card = cards[key]
        assert card.xpath(".//div[@class='value']")[0].text_content() == format_vi(now[key])
        assert card.xpath(".//div[@class='previous']")[0].text_content() == f"Cùng kỳ năm trước: {format_vi(before[key])}"
        difference = now[key] - before[key]
        change = card.xpath(".//div[contains(@class, 'change')]")[0]
        sign = "+" if difference > 0 else "−" if difference < 0 else "±"
        assert change.text_content().startswith(sign + format_vi(abs(difference)))
        assert change.get("class").split()[-1] == ("up" if difference > 0 else "down" if difference < 0 else "same")


def test_the_completeness_matrix_shows_every_unit_and_register_with_totals(overview, dom):
    paths, _, _ = overview
    rows = published(
        paths,
        "select unit_id, source_id, status from report.completeness where reporting_unit_code = '105' "
        "and period_start = '2023-01-01' and not is_total",
    )
    matrix = dom.xpath("//table[@class='matrix']")[0]
    units = {unit for unit, _, _ in rows}
    sources = {source for _, source, _ in rows}
    assert len(matrix.xpath("./tbody/tr")) == len(units)
    assert len(matrix.xpath("./thead/tr/th[@class='register']")) == len(sources)
    cells = matrix.xpath("./tbody/tr/td[@data-status]")
    assert sorted(td.get("data-status") for td in cells) == sorted(status for _, _, status in rows)
    assert {"Gửi muộn"} <= {td.text_content() for td in cells}
    owed, sent = published(
        paths,
        "select owed, sent from report.completeness where reporting_unit_code = '105' and period_start = '2023-01-01' "
        "and is_total and source_id is null",
    )[0]
    assert matrix.xpath("./tfoot/tr/td")[-1].text_content() == f"{sent}/{owed}"
    assert f"Tỷ lệ gửi sổ, biểu mẫu: {sent}/{owed}" in dom.text_content()


def test_the_charts_are_inline_svg_with_the_series_of_the_report_model(overview, dom):
    charts = dom.xpath("//svg[contains(@class, 'chart')]")
    titles = {svg.get("aria-label") for svg in charts}
    assert {
        "Tiếp công dân và đơn thư theo đơn vị",
        "Đơn thư theo tình trạng giải quyết, theo đơn vị",
        "Tiếp công dân và đơn thư theo tháng",
        "Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng",
    } <= titles

    def values(title: str, series: str) -> list[float]:
        svg = next(s for s in charts if s.get("aria-label") == title)
        return [float(r.get("data-value")) for r in svg.xpath(".//rect[@class='bar']") if r.get("data-series") == series]

    # report.monthly_series adds up to the report's figures: 44 visits, 100 petitions, 86 resolved
    assert sum(values("Tiếp công dân và đơn thư theo đơn vị", "Lượt tiếp công dân")) == 44
    assert sum(values("Tiếp công dân và đơn thư theo tháng", "Lượt tiếp công dân")) == 44
    assert sum(values("Tiếp công dân và đơn thư theo tháng", "Đơn đã tiếp nhận")) == 100
    assert sum(values("Đơn thư theo tình trạng giải quyết, theo đơn vị", "Đã giải quyết")) == 86
    assert all(0 <= v <= 100 for v in values("Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng", "Đúng hạn"))
    assert len(values("Tiếp công dân và đơn thư theo tháng", "Lượt tiếp công dân")) >= 10  # months


def test_quarantined_and_rejected_files_say_what_to_fix_without_the_clerks_values(overview, dom, secrets):
    text = dom.text_content()
    problems = dom.xpath("//section[@id='tep-loi']")[0]
    quarantined = problems.xpath(".//div[contains(@class, 'quarantined')]")[0]
    assert QUARANTINED_FILE in quarantined.text_content()
    assert FIX_VI["not_a_date"] in quarantined.text_content()
    assert "trang tính «TCD», dòng 12, cột B «Ngày tiếp»" in quarantined.text_content()
    report_link = quarantined.xpath(".//a")[0].get("href")
    assert report_link.startswith("../landing/_quarantine/") and report_link.endswith(".errors.txt")
    assert "2023/xu-ly-don_2023_xa-san-thang.xlsx" in problems.text_content()
    assert "Số đơn đã giải quyết không lớn hơn số đơn đã nhận" in problems.text_content()
    assert [s for s in secrets if s in text] == []


def test_validation_results_are_shown_per_suite_without_values(overview, dom):
    paths, _, _ = overview
    results = json.loads((paths.validation / "runs" / f"{SAFE_RUN}.json").read_text(encoding="utf-8"))
    section = dom.xpath("//section[@id='kiem-tra']")[0]
    suites = {r["suite"] for r in results}
    rows = section.xpath(".//table[@class='validation']/tbody/tr")
    assert {tr.get("data-suite") for tr in rows} == suites
    for tr in rows:
        run, passed, failed = (int(td.text_content()) for td in tr.xpath("./td")[1:])
        mine = [r for r in results if r["suite"] == tr.get("data-suite")]
        assert (run, passed, failed) == (len(mine), sum(r["success"] for r in mine), sum(not r["success"] for r in mine))
    assert "expect_column_values_to_not_be_null" in section.text_content()
    assert f"{len(results)} kiểm tra" in section.text_content()


def test_gx_keeps_no_values_and_sends_no_analytics(overview, secrets):
    paths, _, _ = overview
    assert gx_context(paths).variables.analytics_enabled is False
    for path in (paths.validation / "gx" / "uncommitted" / "validations").rglob("*.json"):
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            assert "partial_unexpected_list" not in result["result"], path
            assert "partial_unexpected_counts" not in result["result"], path
    stored = "\n".join(
        p.read_text(encoding="utf-8", errors="ignore")
        for p in paths.validation.rglob("*")
        if p.is_file() and p.suffix in {".json", ".html", ".yml"}
    )
    assert [s for s in secrets if s in stored] == []


def test_the_page_loads_nothing_from_the_network_and_holds_no_personal_data(overview, secrets):
    _, _, page = overview
    html = page.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    references = [
        v
        for element in tree.iter()
        for k, v in element.attrib.items()
        if k in {"src", "href", "srcset", "data", "poster", "action"}
    ]
    references += re.findall(r"url\(\s*['\"]?([^'\")]+)", html)
    references += re.findall(r"@import\s+['\"]([^'\"]+)", html)
    assert references, "the page links its documents"
    remote = [r for r in references if re.match(r"^\s*(https?:)?//", r, re.IGNORECASE)]
    assert remote == []
    assert re.search(r"https?://", html) is None
    assert tree.xpath("//script[@src]") == [] and tree.xpath("//link[@rel='stylesheet']") == []
    assert [s for s in secrets if s in html] == []


def png_pixels(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, raw pixel rows) of an 8-bit non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0
    bpp = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
    raw, stride = zlib.decompress(idat), width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, b"".join(rows)


def test_the_page_renders_offline_with_text_and_coloured_charts(overview, tmp_path):
    _, _, page = overview
    shot = tmp_path / "overview.png"
    chromium(
        "--force-device-scale-factor=0.5",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        page.as_uri(),
        profile=tmp_path / "profile",
    )
    width, height, bpp, pixels = png_pixels(shot.read_bytes())
    total = width * height
    inked = sum(1 for i in range(0, len(pixels), bpp) if min(pixels[i : i + 3]) < 230)
    # the charts' first series colour (#1f5f99) and the header's (#1f3f66) are on the page
    blue = sum(1 for i in range(0, len(pixels), bpp) if pixels[i] < 60 and 70 < pixels[i + 1] < 110 and pixels[i + 2] > 130)
    assert inked > total * 0.08, f"{inked} of {total} pixels are not white"
    assert blue > 500, blue
