"""The run's overview page: one static HTML file that opens with no network.

Why: the people who check a run (the office of the people's committee, the province) often read
it on machines with no internet access; GX Data Docs and dbt docs pull styles and scripts from
public CDNs and show a blank page there. This page loads nothing: styles are inline, charts are
SVG drawn here (reporting.svg_charts), links are relative paths to the run's own files.

Where: ``<data>/reports/tong-quan_<run>.html`` for each run, and the same page as
``<data>/reports/index.html``, the stable address of the latest run's overview. The run summary
JSON names the run's page as ``overview``.

What it shows, per report request (unit × period): the headline figures of report.figures
(scope total) beside the same period of the year before, which dbt built as one more request
(pipeline.report_requests.with_previous_year), so both columns are counted by the same rules; the
completeness matrix (report.completeness: units × registers); charts by unit and by month
(report.monthly_series); links to the request's documents. For the run: the files quarantined at
ingestion and the submissions rejected by validation, with where to fix them, and the validation
results (pipeline.validation's summary of the GX results: suites, expectations run, passed, failed,
by type and column).

Personal data: the page holds figures, unit names, file names, locations (sheet, row, column) and
rule names only. A quarantine report's message can repeat what a clerk typed, so messages are not
copied here: the page shows each error's location and rule, with what to do for that rule, and
links to the full report, which stays in the landing area.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import duckdb

from pipeline.paths import DataPaths
from pipeline.report_requests import ReportRequest, same_period_last_year
from reporting.figures import Figure, format_vi, read_figures
from reporting.svg_charts import Series, horizontal_bars, vertical_bars

log = logging.getLogger(__name__)

INDEX_NAME = "index.html"
HEADLINE_KEYS = (
    "reception.visits",
    "reception.people",
    "petition.received",
    "petition.resolved",
    "petition.pending",
    "reform.on_time_rate_pct",
)
STATUS_VI = {
    "sent": ("Đã gửi", "sent"),
    "late": ("Gửi muộn", "late"),
    "rejected": ("Bị trả lại", "rejected"),
    "not_sent": ("Chưa gửi", "not-sent"),
}
STATUS_RANK = {"not_sent": 0, "rejected": 1, "late": 2, "sent": 3}
# Short column heads for the completeness matrix (the full title is the cell's tooltip).
REGISTER_SHORT_VI = {
    "award": "Thi đua, khen thưởng",
    "citizen_dialogue": "Đối thoại",
    "citizen_reception": "Tiếp công dân",
    "discipline_record": "Kỷ luật",
    "dissemination_session": "Học tập, quán triệt",
    "grassroots_democracy": "Dân chủ cơ sở",
    "inspection": "Thanh tra",
    "inspection_followup": "Thực hiện kết luận thanh tra",
    "internal_affairs_review": "Kiểm tra nội vụ",
    "personnel_action": "Công tác cán bộ",
    "petition_handling": "Xử lý đơn",
    "reform_indicator": "Cải cách hành chính",
    "school_network": "Mạng lưới trường học",
    "skilful_mobilisation_model": "Dân vận khéo",
}
# What a clerk does about an error of each rule (ingestion's IngestError.rule); the full report
# (.errors.txt, in the landing area) names every cell.
FIX_VI = {
    "not_a_number": "Ghi số vào ô (không ghi chữ, đơn vị hay dấu cách thừa).",
    "not_a_whole_number": "Ghi số nguyên vào ô.",
    "not_a_date": "Ghi ngày theo dạng ngày/tháng/năm (ví dụ 05/03/2024).",
    "not_yes_no": "Ghi «Có» hoặc «Không».",
    "not_in_choices": "Chọn một giá trị trong danh sách của biểu mẫu.",
    "required": "Điền ô bắt buộc đang bỏ trống.",
    "out_of_range": "Sửa giá trị cho nằm trong khoảng cho phép.",
    "date_outside_coverage": "Sửa ngày cho nằm trong kỳ mà sổ ghi ở phần tiêu đề.",
    "date_after_arrival": "Sửa ngày: ngày ghi muộn hơn ngày gửi sổ (có thể gõ nhầm năm).",
    "formula_error": "Sửa công thức bị lỗi (#VALUE!, #REF!…) hoặc ghi giá trị trực tiếp.",
    "duplicate_line": "Xóa dòng bị ghi trùng.",
    "missing_column": "Dùng đúng biểu mẫu, không xóa cột.",
    "no_header": "Dùng đúng biểu mẫu, không xóa hay sửa dòng tiêu đề.",
    "no_rows": "Sổ không có dòng số liệu: ghi số liệu hoặc gửi lại đúng tệp.",
    "missing_year": "Ghi năm của sổ ở phần tiêu đề.",
    "invalid_year": "Sửa năm ở phần tiêu đề.",
    "missing_unit": "Ghi tên đơn vị ở phần tiêu đề.",
    "unknown_unit": "Ghi đúng tên đơn vị theo danh mục đơn vị hành chính.",
    "ambiguous_unit": "Ghi đầy đủ tên đơn vị (kèm cấp: phường, xã…) để không nhầm với đơn vị khác.",
    "unit_mismatch": "Tên đơn vị trong sổ và trong tên tệp phải là một.",
    "unit_code_mismatch": "Sửa mã đơn vị cho khớp với tên đơn vị.",
    "unit_ceased": "Đơn vị đã chấm dứt hoạt động trong kỳ: gửi sổ dưới tên đơn vị kế thừa.",
    "unit_not_established": "Đơn vị chưa thành lập trong kỳ: kiểm tra tên đơn vị và kỳ của sổ.",
    "invalid_coverage": "Sửa kỳ của sổ ở phần tiêu đề.",
    "conflicting_coverage": "Kỳ ghi ở tiêu đề mâu thuẫn nhau: để lại một kỳ đúng.",
    "coverage_year_mismatch": "Năm của kỳ và năm của sổ phải là một.",
    "unknown_source": "Đặt tên tệp theo mẫu của biểu mẫu (ví dụ dan-van-kheo_2024_phuong-doan-ket.xlsx).",
    "unsupported_format": "Lưu tệp dạng .xlsx rồi gửi lại.",
    "not_a_workbook": "Lưu tệp dạng .xlsx rồi gửi lại.",
    "password_protected": "Bỏ mật khẩu của tệp rồi gửi lại.",
    "too_large": "Tệp quá lớn: chỉ giữ trang tính của biểu mẫu rồi gửi lại.",
    "read_limit": "Tệp quá lớn: chỉ giữ trang tính của biểu mẫu rồi gửi lại.",
    "empty_file": "Tệp rỗng: gửi lại đúng tệp.",
    "unreadable_file": "Tệp bị hỏng: mở bằng Excel, lưu lại rồi gửi lại.",
    "read_failed": "Tệp bị hỏng: mở bằng Excel, lưu lại rồi gửi lại.",
}
FIX_DEFAULT_VI = "Sửa theo hướng dẫn trong báo cáo lỗi của tệp rồi gửi lại vào thư mục nhận."


@dataclass
class RequestView:
    """What the page shows of one report request, read from the published warehouse."""

    request: ReportRequest
    previous: ReportRequest | None
    figures: list[Figure]
    previous_figures: list[Figure]
    completeness: list[tuple]  # source_id, title, unit_id, unit_name, report_order, report_year, status
    totals: list[tuple]  # source_id (None: all), owed, sent, late, rejected, not_sent, rate_pct
    series: list[tuple]  # unit_name, report_order, month_start, receptions, received, resolved, pending, on_time, late
    files: list[Path] = field(default_factory=list)


def overview_name(run_id: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)[:120]
    return f"tong-quan_{safe}.html"


def write_overview(paths: DataPaths, run_id: str, summary: dict, validation_summary: dict | None = None) -> Path:
    """Write the run's overview page and the stable ``reports/index.html``; returns the run's page.
    ``summary`` is the run summary _write_reports builds (its reports, quarantined and rejected)."""
    requests = [_request_of(entry) for entry in summary.get("reports", [])]
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        views = [_read_view(con, request) for request in requests]
    for view, entry in zip(views, summary.get("reports", []), strict=True):
        view.files = _documents(paths.reports / view.request.slug, view.request, entry.get("exports", []))
    checks = read_validation_results(paths, run_id, validation_summary)
    page = render_page(paths, run_id, views, summary, checks)
    paths.reports.mkdir(parents=True, exist_ok=True)
    target = paths.reports / overview_name(run_id)
    for path in (target, paths.reports / INDEX_NAME):
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(page, encoding="utf-8")
        os.replace(temporary, path)
    log.info("Overview: %s (also %s)", target, paths.reports / INDEX_NAME)
    return target


def _request_of(entry: dict) -> ReportRequest:
    from pipeline.report_requests import from_dicts

    return from_dicts([entry])[0]


def _read_view(con: duckdb.DuckDBPyConnection, request: ReportRequest) -> RequestView:
    key = [request.unit_code, request.period.start, request.period.end]
    previous = same_period_last_year(request)
    previous_figures = read_figures(con, previous.unit_code, previous.period.start, previous.period.end) if previous else []
    completeness = con.execute(
        "select c.source_id, c.source_title_vi, c.unit_id, c.unit_name, u.report_order, c.report_year, c.status "
        "from report.completeness as c left join marts.dim_admin_unit as u on u.unit_id = c.unit_id "
        "where c.reporting_unit_code = ? and c.period_start = ? and c.period_end = ? and not c.is_total "
        "order by u.report_order nulls last, c.unit_name, c.source_id, c.report_year",
        key,
    ).fetchall()
    totals = con.execute(
        "select source_id, owed, sent, late, rejected, not_sent, rate_pct from report.completeness "
        "where reporting_unit_code = ? and period_start = ? and period_end = ? and is_total order by source_id nulls last",
        key,
    ).fetchall()
    series = []
    if _has_table(con, "report", "monthly_series"):
        series = con.execute(
            "select unit_name, report_order, month_start, receptions, petitions_received, petitions_resolved, "
            "petitions_pending, dossiers_on_time, dossiers_late from report.monthly_series "
            "where reporting_unit_code = ? and period_start = ? and period_end = ? order by month_start, report_order",
            key,
        ).fetchall()
    figures = read_figures(con, *key)
    return RequestView(request, previous, figures, previous_figures, completeness, totals, series)


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
    )


def _documents(directory: Path, request: ReportRequest, exports: list[str]) -> list[Path]:
    """The request's documents that exist: the report (docx), the appendices, the figures workbook
    first, then the other exports."""
    slug = request.slug
    main = [directory / name for name in (f"bao-cao_{slug}.docx", f"phu-luc_{slug}.xlsx", f"so-lieu-bao-cao_{slug}.xlsx")]
    others = sorted(
        {Path(p) for p in exports} | ({p for p in directory.iterdir() if p.is_file()} if directory.is_dir() else set())
    )
    return [p for p in main if p.exists()] + [p for p in others if p.exists() and p not in main]


# --- validation results -------------------------------------------------------------------------


def read_validation_results(paths: DataPaths, run_id: str, validation_summary: dict | None) -> list[dict] | None:
    """The run's last validation round as pipeline.validation summarised the GX results (suite,
    expectation type, kwargs, success, unexpected_count; no values), or None when there is none."""
    named = (validation_summary or {}).get("results_file")
    candidates = [Path(named)] if named else []
    from pipeline.validation import results_files

    candidates += results_files(paths, run_id)
    for path in candidates:
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


def _columns_of(kwargs: dict) -> str:
    names = [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)]
    names += list(kwargs.get("column_list") or [])
    return ", ".join(str(n) for n in names) or "(cả bảng)"


# --- rendering ----------------------------------------------------------------------------------


def _value(figure: Figure | None) -> str:
    if figure is None:
        return "—"
    return format_vi(figure.value) + {"pct": "%", "ha": " ha", "vnd": " đồng"}.get(figure.unit, "")


def _change(now: Figure | None, before: Figure | None) -> str:
    if now is None or before is None:
        return "—"
    difference = now.value - before.value
    sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
    if now.unit == "pct":
        return f"{sign}{format_vi(abs(difference))} điểm %"
    text = f"{sign}{format_vi(abs(difference))}"
    if before.value:
        text += f" ({sign}{format_vi(abs(100.0 * difference / before.value))}%)"
    return text


def _change_class(now: Figure | None, before: Figure | None) -> str:
    if now is None or before is None or now.value == before.value:
        return "same"
    return "up" if now.value > before.value else "down"


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _headline(view: RequestView) -> str:
    now = {f.key: f for f in view.figures if f.scope == "total" and f.published}
    before = {f.key: f for f in view.previous_figures if f.scope == "total" and f.published}
    previous_label = view.previous.period.label_vi if view.previous else "không có (đơn vị chưa có mã này)"
    cards = []
    for key in HEADLINE_KEYS:
        figure = now.get(key) or before.get(key)
        label = figure.label_vi if figure else key
        cards.append(
            f'<div class="card" data-key="{escape(key)}"><div class="label">{escape(label)}</div>'
            f'<div class="value">{_value(now.get(key))}</div>'
            f'<div class="previous">Cùng kỳ năm trước: {_value(before.get(key))}</div>'
            + (
                f'<div class="change {_change_class(now.get(key), before.get(key))}">'
                f"{_change(now.get(key), before.get(key))}</div>"
                if key in now and key in before
                else ""
            )
            + "</div>"
        )
    rows = []
    for key in sorted(set(now) | set(before)):
        figure = now.get(key) or before[key]
        rows.append(
            f'<tr data-key="{escape(key)}"><td>{escape(figure.label_vi)}</td><td class="num">{_value(now.get(key))}</td>'
            f'<td class="num">{_value(before.get(key))}</td>'
            f'<td class="num {_change_class(now.get(key), before.get(key))}">{_change(now.get(key), before.get(key))}</td></tr>'
        )
    table = (
        "<details><summary>Tất cả các chỉ tiêu (toàn đơn vị)</summary>"
        '<table class="figures"><thead><tr><th>Chỉ tiêu</th><th>Kỳ này</th><th>Cùng kỳ năm trước</th>'
        "<th>Tăng, giảm</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></details>"
        if rows
        else '<p class="empty">Chưa có số liệu nào cho kỳ này.</p>'
    )
    return (
        f'<p class="note">Cùng kỳ năm trước: {escape(previous_label)}. «—»: không có số liệu '
        "(đơn vị chưa gửi sổ của kỳ đó).</p>"
        f'<div class="cards">{"".join(cards)}</div>{table}'
    )


def _completeness(view: RequestView) -> str:
    if not view.completeness:
        return '<p class="empty">Không đơn vị nào phải gửi sổ, biểu mẫu trong kỳ.</p>'
    sources = sorted({(row[0], row[1]) for row in view.completeness}, key=lambda s: s[0])
    units: dict[str, tuple[str, dict[str, list[tuple[int, str]]]]] = {}
    for source_id, _, unit_id, unit_name, _, year, status in view.completeness:
        units.setdefault(unit_id, (unit_name, {}))[1].setdefault(source_id, []).append((year, status))
    head = "".join(
        f'<th class="register" title="{escape(title or source_id)}">'
        f"{escape(REGISTER_SHORT_VI.get(source_id, title or source_id))}</th>"
        for source_id, title in sources
    )
    body = []
    for unit_name, cells in units.values():
        tds = []
        for source_id, _ in sources:
            entries = cells.get(source_id)
            if not entries:
                tds.append('<td class="none">·</td>')
                continue
            worst = min(entries, key=lambda e: STATUS_RANK[e[1]])[1]
            text = "<br>".join(
                (f"{year}: " if len(entries) > 1 else "") + STATUS_VI[status][0] for year, status in sorted(entries)
            )
            tds.append(f'<td class="status {STATUS_VI[worst][1]}" data-status="{worst}">{text}</td>')
        sent = sum(1 for entries in cells.values() for _, s in entries if s in ("sent", "late"))
        owed = sum(len(entries) for entries in cells.values())
        body.append(f'<tr><th class="unit">{escape(unit_name)}</th>{"".join(tds)}<td class="num">{sent}/{owed}</td></tr>')
    by_source = {row[0]: row for row in view.totals}
    total_cells = []
    for source_id, _ in sources:
        _, owed, sent, late, rejected, not_sent, rate = by_source[source_id]
        total_cells.append(f'<td class="num" title="muộn {late}, trả lại {rejected}, chưa gửi {not_sent}">{sent}/{owed}</td>')
    overall = by_source.get(None)
    overall_text = ""
    if overall:
        _, owed, sent, late, rejected, not_sent, rate = overall
        overall_text = (
            f'<p class="rate">Tỷ lệ gửi sổ, biểu mẫu: <strong>{sent}/{owed}</strong>'
            + (f" ({format_vi(rate)}%)" if rate is not None else "")
            + f"; gửi muộn {late}, bị trả lại {rejected}, chưa gửi {not_sent}.</p>"
        )
        total_cells.append(f'<td class="num"><strong>{sent}/{owed}</strong></td>')
    legend = " ".join(f'<span class="status {css}">{label}</span>' for label, css in STATUS_VI.values())
    return (
        overall_text
        + f'<p class="legend">{legend} <span class="none">·</span> không phải gửi</p>'
        + '<div class="scroll"><table class="matrix"><thead><tr><th>Đơn vị</th>'
        + head
        + "<th>Đã gửi</th></tr></thead><tbody>"
        + "".join(body)
        + '</tbody><tfoot><tr><th class="unit">Tổng cộng</th>'
        + "".join(total_cells)
        + "</tr></tfoot></table></div>"
    )


def _rate(on_time: float, late: float) -> float | None:
    return round(100.0 * on_time / (on_time + late), 2) if on_time + late else None


def _charts(view: RequestView) -> str:
    if not view.series:
        return '<p class="empty">Chưa có số liệu theo đơn vị, theo tháng cho kỳ này.</p>'
    by_unit: dict[str, list[float]] = {}
    order: dict[str, int] = {}
    by_month: dict[dt.date, list[float]] = {}
    for name, rank, month, receptions, received, resolved, pending, on_time, late in view.series:
        order[name] = min(order.get(name, 10**6), rank if rank is not None else 10**6)
        for bucket in (by_unit.setdefault(name, [0.0] * 6), by_month.setdefault(month, [0.0] * 6)):
            for index, value in enumerate((receptions, received, resolved, pending, on_time, late)):
                bucket[index] += value
    units = sorted(by_unit, key=lambda n: (order[n], n))
    months = sorted(by_month)
    month_labels = [f"{m.month:02d}/{m.year}" for m in months]
    unit_values = [by_unit[u] for u in units]
    month_values = [by_month[m] for m in months]
    # units with no visit and no petition are left out of those charts (they may have dossiers)
    active = [u for u in units if by_unit[u][0] or by_unit[u][1]]
    active_values = [by_unit[u] for u in active]
    charts = [
        horizontal_bars(
            "Tiếp công dân và đơn thư theo đơn vị",
            active,
            [
                Series("Lượt tiếp công dân", [v[0] for v in active_values]),
                Series("Đơn đã tiếp nhận", [v[1] for v in active_values]),
            ],
        ),
        horizontal_bars(
            "Đơn thư theo tình trạng giải quyết, theo đơn vị",
            active,
            [Series("Đã giải quyết", [v[2] for v in active_values]), Series("Đang giải quyết", [v[3] for v in active_values])],
            stacked=True,
        ),
        vertical_bars(
            "Tiếp công dân và đơn thư theo tháng",
            month_labels,
            [
                Series("Lượt tiếp công dân", [v[0] for v in month_values]),
                Series("Đơn đã tiếp nhận", [v[1] for v in month_values]),
            ],
        ),
        vertical_bars(
            "Đơn thư theo tình trạng giải quyết, theo tháng",
            month_labels,
            [Series("Đã giải quyết", [v[2] for v in month_values]), Series("Đang giải quyết", [v[3] for v in month_values])],
        ),
    ]
    rated_units = [u for u, v in zip(units, unit_values, strict=True) if v[4] + v[5]]
    if rated_units:
        charts.append(
            horizontal_bars(
                "Tỷ lệ hồ sơ giải quyết đúng hạn theo đơn vị",
                rated_units,
                [Series("Đúng hạn", [_rate(by_unit[u][4], by_unit[u][5]) for u in rated_units])],
                percent=True,
            )
        )
        charts.append(
            vertical_bars(
                "Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng",
                month_labels,
                [Series("Đúng hạn", [_rate(v[4], v[5]) for v in month_values])],
                percent=True,
            )
        )
    return '<div class="charts">' + "".join(f'<figure class="chart-box">{c}</figure>' for c in charts) + "</div>"


def _links(paths: DataPaths, view: RequestView) -> str:
    labels = {
        f"bao-cao_{view.request.slug}.docx": "Báo cáo (Word)",
        f"phu-luc_{view.request.slug}.xlsx": "Phụ lục I, II (Excel)",
        f"so-lieu-bao-cao_{view.request.slug}.xlsx": "Bảng số liệu (Excel)",
    }
    if not view.files:
        return '<p class="empty">Chưa có tệp báo cáo.</p>'

    def item(path: Path) -> str:
        return f'<li><a href="{escape(_relative(path, paths.reports))}">{escape(labels.get(path.name, path.name))}</a></li>'

    main = [p for p in view.files if p.name in labels]
    others = [p for p in view.files if p.name not in labels]
    html = '<ul class="links">' + "".join(item(p) for p in main) + "</ul>"
    if others:
        html += f"<details><summary>Các tệp khác ({len(others)})</summary><ul>{''.join(item(p) for p in others)}</ul></details>"
    return html


def _errors_of(entry: dict) -> list[dict]:
    """The error locations and rules of a quarantine report (its .errors.json beside .errors.txt)."""
    report = entry.get("report")
    if not report:
        return []
    details = Path(str(report).removesuffix(".errors.txt") + ".errors.json")
    if not details.is_file():
        return []
    try:
        errors = json.loads(details.read_text(encoding="utf-8")).get("errors", [])
    except (OSError, ValueError):
        return []
    return [{k: e.get(k) for k in ("sheet", "row", "column", "rule")} for e in errors]


def _where(error: dict) -> str:
    parts = []
    if error.get("sheet"):
        parts.append(f"trang tính «{escape(str(error['sheet']))}»")
    if error.get("row"):
        parts.append(f"dòng {error['row']}")
    if error.get("column"):
        parts.append(f"cột {escape(str(error['column']))}")
    return ", ".join(parts) or "cả tệp"


def _report_link(paths: DataPaths, report: str | None) -> str:
    if not report:
        return ""
    path = Path(report)
    if not path.is_absolute():
        path = paths.landing / path
    return f' <a href="{escape(_relative(path, paths.reports))}">Báo cáo lỗi đầy đủ</a>'


def _problems(paths: DataPaths, summary: dict) -> str:
    quarantined, rejected = summary.get("quarantined", []), summary.get("rejected", [])
    if not quarantined and not rejected:
        return '<p class="ok">Không có tệp nào bị cách ly hay bị trả lại trong lần chạy này.</p>'
    parts = []
    if quarantined:
        parts.append(f"<h3>Tệp bị cách ly khi đọc ({len(quarantined)})</h3>")
        for entry in quarantined:
            errors = _errors_of(entry)
            rules = sorted({e["rule"] for e in errors if e.get("rule")} | set(entry.get("rules", [])))
            fixes = "".join(f"<li><code>{escape(rule)}</code>: {escape(FIX_VI.get(rule, FIX_DEFAULT_VI))}</li>" for rule in rules)
            where = "".join(f"<li>{_where(e)}: <code>{escape(str(e.get('rule') or ''))}</code></li>" for e in errors[:50])
            more = f"<li>… và {len(errors) - 50} lỗi khác</li>" if len(errors) > 50 else ""
            parts.append(
                f'<div class="problem quarantined"><p><strong class="file">{escape(str(entry.get("file")))}</strong> – '
                f"{entry.get('errors', len(errors))} lỗi{' (mới)' if entry.get('new') else ''}."
                f"{_report_link(paths, entry.get('report'))}</p>"
                f'<p>Cần sửa:</p><ul class="fix">{fixes or f"<li>{escape(FIX_DEFAULT_VI)}</li>"}</ul>'
                + (f"<details><summary>Vị trí các lỗi</summary><ul>{where}{more}</ul></details>" if where else "")
                + "</div>"
            )
    if rejected:
        parts.append(f"<h3>Sổ bị trả lại khi kiểm tra số liệu ({len(rejected)})</h3>")
        parts.append(
            '<p class="note">Số liệu của các sổ này không được dùng; bản đã chấp nhận trước đó của đơn vị '
            "(nếu có) vẫn được tính.</p>"
        )
        for entry in rejected:
            checks = "".join(f"<li>{escape(str(check))}</li>" for check in entry.get("checks", []))
            parts.append(
                f'<div class="problem rejected"><p><strong class="file">{escape(str(entry.get("file")))}</strong> – '
                f"{entry.get('rows', 0)} dòng không qua kiểm tra.{_report_link(paths, entry.get('report'))}</p>"
                f"<p>Kiểm tra không đạt:</p><ul>{checks}</ul>"
                '<p class="fix">Sửa các dòng nêu trong báo cáo lỗi rồi gửi lại sổ.</p></div>'
            )
    return "".join(parts)


def _validation(checks: list[dict] | None) -> str:
    if checks is None:
        return '<p class="empty">Không có kết quả kiểm tra số liệu của lần chạy này.</p>'
    suites: dict[str, list[dict]] = {}
    for check in checks:
        suites.setdefault(check["suite"], []).append(check)
    failed_total = sum(1 for c in checks if not c["success"])
    rows, details = [], []
    for suite, items in sorted(suites.items()):
        failed = [c for c in items if not c["success"]]
        rows.append(
            f'<tr class="{"failed" if failed else "passed"}" data-suite="{escape(suite)}"><td><code>{escape(suite)}</code></td>'
            f'<td class="num">{len(items)}</td><td class="num">{len(items) - len(failed)}</td>'
            f'<td class="num">{len(failed)}</td></tr>'
        )
        lines = "".join(
            f'<tr class="{"passed" if c["success"] else "failed"}"><td><code>{escape(c["expectation"])}</code></td>'
            f"<td>{escape(_columns_of(c.get('kwargs') or {}))}</td>"
            f"<td>{'Đạt' if c['success'] else 'Không đạt'}</td>"
            f'<td class="num">{format_vi(c["unexpected_count"]) if c.get("unexpected_count") else ""}</td></tr>'
            for c in items
        )
        details.append(
            f"<details{' open' if failed else ''}><summary><code>{escape(suite)}</code>: {len(items)} kiểm tra, "
            f"{len(failed)} không đạt</summary><table><thead><tr><th>Loại kiểm tra</th><th>Cột</th><th>Kết quả</th>"
            f"<th>Số dòng không đạt</th></tr></thead><tbody>{lines}</tbody></table></details>"
        )
    return (
        f'<p class="{"ok" if not failed_total else "warn"}">{len(checks)} kiểm tra trên {len(suites)} bộ kiểm tra; '
        f"{len(checks) - failed_total} đạt, {failed_total} không đạt. Chỉ ghi số dòng không đạt, không ghi giá trị.</p>"
        '<table class="validation"><thead><tr><th>Bộ kiểm tra</th><th>Số kiểm tra</th><th>Đạt</th><th>Không đạt</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>" + "".join(details)
    )


STYLE = """
body{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;margin:0;color:#1c2430;background:#f4f6f9;font-size:14px}
header{background:#1f3f66;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.9}nav{padding:8px 28px;background:#e3e9f1}nav a{margin-right:16px;color:#1f3f66}
main{padding:8px 28px 40px}section{background:#fff;border:1px solid #d8dee7;border-radius:6px;padding:12px 18px;margin:16px 0}
h2{font-size:19px;margin:6px 0 10px;color:#1f3f66}h3{font-size:16px;margin:14px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #d8dee7;border-radius:6px;padding:10px 12px;flex:1 1 150px;background:#fafbfd}
.card .label{font-size:12px;color:#4a5566;min-height:30px}.card .value{font-size:26px;font-weight:bold;margin:4px 0}
.card .previous{font-size:12px;color:#4a5566}.change{font-size:12px}.up{color:#1d7a3e}.down{color:#b23a48}.same{color:#4a5566}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #d8dee7;padding:4px 6px;text-align:left;vertical-align:top}
thead th{background:#eef2f7}td.num{text-align:right;white-space:nowrap}.scroll{overflow-x:auto}
table.matrix{font-size:12px}table.matrix th.register{width:70px;font-weight:normal;font-size:11px}
th.unit{white-space:nowrap;font-weight:normal;text-align:left}
.status{text-align:center;white-space:nowrap;font-size:11px;padding:2px 4px;border-radius:3px}
.sent{background:#d9f0df;color:#17572c}.late{background:#fff1c9;color:#7a5200}.rejected{background:#f8d3d6;color:#84202b}
.not-sent{background:#e7e9ee;color:#39414d}td.none,span.none{color:#9aa3ae;text-align:center}
.legend span{margin-right:6px;display:inline-block}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:14px;align-items:start}svg.chart{width:100%;height:auto}
figure.chart-box{margin:0;padding:8px;border:1px solid #e3e7ee;border-radius:6px;background:#fff}
.empty,.note{color:#4a5566}.ok{color:#1d7a3e}.warn{color:#b23a48;font-weight:bold}
.problem{border-left:4px solid #b23a48;padding:4px 12px;margin:8px 0;background:#fdf6f7}
.problem.rejected{border-color:#e07b22;background:#fff8f0}tr.failed td{background:#fdf0f1}
ul.links li{margin:3px 0}footer{color:#6b7585;font-size:12px;padding:0 28px 20px}
"""


def render_page(paths: DataPaths, run_id: str, views: list[RequestView], summary: dict, checks: list[dict] | None) -> str:
    """The whole page as one string (tests read it as a browser would)."""
    now = dt.datetime.now(dt.UTC)
    nav = ['<a href="#kiem-tra">Kết quả kiểm tra số liệu</a>', '<a href="#tep-loi">Tệp bị cách ly, bị trả lại</a>']
    sections = []
    for index, view in enumerate(views, start=1):
        anchor = f"bao-cao-{index}"
        title = f"{view.request.unit_name} ({view.request.unit_code}) – {view.request.period.label_vi}"
        nav.insert(index - 1, f'<a href="#{anchor}">{escape(view.request.unit_name)}, {escape(view.request.period.label_vi)}</a>')
        sections.append(
            f'<section id="{anchor}" class="request" data-slug="{escape(view.request.slug)}"><h2>{escape(title)}</h2>'
            f"<h3>Số liệu chính</h3>{_headline(view)}"
            f"<h3>Tình hình gửi sổ, biểu mẫu</h3>{_completeness(view)}"
            f"<h3>Biểu đồ theo đơn vị và theo tháng</h3>{_charts(view)}"
            f"<h3>Tài liệu báo cáo</h3>{_links(paths, view)}</section>"
        )
    dbt_docs = paths.dbt_artifacts / "docs" / "index.html"
    tools = [
        f'<li><a href="{escape(_relative(dbt_docs, paths.reports))}">Tài liệu kho dữ liệu (dbt docs)</a></li>'
        if dbt_docs.exists()
        else "<li>Tài liệu kho dữ liệu (dbt docs): chưa tạo.</li>",
    ]
    run_file = summary.get("file")
    if run_file:
        tools.append(f'<li><a href="{escape(_relative(Path(run_file), paths.reports))}">Tóm tắt lần chạy (JSON)</a></li>')
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Tổng quan lần chạy {escape(run_id)}</title><style>{STYLE}</style></head><body>"
        "<header><h1>Tổng quan lần chạy báo cáo công tác dân vận</h1>"
        f"<p>Lần chạy: {escape(run_id)} · Lập lúc {now:%H:%M ngày %d/%m/%Y} (UTC) · {len(views)} báo cáo</p></header>"
        f"<nav>{''.join(nav)}</nav><main>{''.join(sections)}"
        f'<section id="tep-loi"><h2>Tệp bị cách ly, bị trả lại</h2>{_problems(paths, summary)}</section>'
        f'<section id="kiem-tra"><h2>Kết quả kiểm tra số liệu (Great Expectations)</h2>{_validation(checks)}</section>'
        f'<section id="tai-lieu"><h2>Tài liệu khác</h2><ul class="links">{"".join(tools)}</ul></section>'
        "</main><footer>Trang này không cần kết nối mạng: không tải phông chữ, mã hay hình ảnh từ bên ngoài. "
        "Không chứa dữ liệu cá nhân: chỉ số liệu tổng hợp, tên đơn vị, tên tệp, vị trí lỗi và tên quy tắc.</footer>"
        "</body></html>"
    )
