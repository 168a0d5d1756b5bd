"""Computes the report's figures for a period from the marts, and renders its sentences."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from pipeline.period import ReportPeriod

CATALOGUE = Path(__file__).resolve().parent / "catalogue.yml"
# {key}, {key@scope}, and a format: {key|02} zero-pads to 2 digits ("05 cuộc"), {key|round}
# rounds to a whole number ("đạt 99%"), {key|floor} rounds down ("đạt trên 97%"), {key|plain} writes
# a whole number without thousands separators ("2111 lượt", as the report does).
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)(?:@([a-z_]+))?(?:\|(0\d|round|floor|plain))?\}")


@dataclass(frozen=True)
class Figure:
    key: str
    scope: str
    value: float
    unit: str
    label_vi: str
    # False for details that only sentences use (breakdowns the report's figures file does not key)
    published: bool = True


def run_period_sql(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[tuple]:
    """Run catalogue SQL with those of the named parameters ($start, $end, $city) it uses:
    DuckDB refuses parameters a statement does not mention."""
    return con.execute(sql, {name: value for name, value in params.items() if f"${name}" in sql}).fetchall()


@cache
def load_catalogue(path: Path = CATALOGUE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def compute_figures(con: duckdb.DuckDBPyConnection, period: ReportPeriod, catalogue: dict | None = None) -> list[Figure]:
    """Every catalogued figure that has a value for this period."""
    catalogue = catalogue or load_catalogue()
    scopes = catalogue["scopes"]
    params = {"start": period.start, "end": period.end, "city": catalogue["city_unit_id"]}
    submitted = {
        source_id
        for (source_id,) in con.execute(
            "select distinct source_id from marts.fct_source_submissions where report_year between ? and ?",
            [period.start.year, period.end.year],
        ).fetchall()
    }
    figures = []
    for spec in catalogue["figures"]:
        needs = spec.get("requires", [])
        if needs and not submitted & set(needs):
            continue  # no register behind it for the period: unknown, not zero
        for scope in spec.get("scopes", ["city"]):
            sql = spec["sql"].replace("{scope}", f"({scopes[scope]['filter']})")
            rows = run_period_sql(con, sql, params)
            row = rows[0] if rows else None
            if row is None or row[0] is None:
                continue
            label = spec["label_vi"] if scope == "city" else f"{spec['label_vi']} - {scopes[scope]['label_vi'].lower()}"
            figures.append(Figure(spec["key"], scope, float(row[0]), spec["unit"], label, spec.get("publish", True)))
    return figures


def format_vi(value: float) -> str:
    """Vietnamese number style: ``1.214``, ``9.687,9``."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    whole, _, decimals = text.partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{decimals}" if decimals else whole


def period_phrase(period: ReportPeriod) -> str:
    if (period.start.month, period.start.day) == (1, 1):
        return "Từ đầu năm"
    return f"Từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Sentence:
    key: str
    title_vi: str
    file: str
    text_vi: str


def render_sentences(figures: list[Figure], period: ReportPeriod, catalogue: dict | None = None) -> list[Sentence]:
    """The report's sentences with the figures filled in; one whose figures are missing is skipped."""
    catalogue = catalogue or load_catalogue()
    values = {(f.key, f.scope): f.value for f in figures}
    rendered = []
    for spec in catalogue.get("sentences", []):
        missing = []

        def fill(match: re.Match, missing: list = missing) -> str:
            if match.group(1) == "period_phrase":
                return period_phrase(period)
            if match.group(1) == "period_year":
                return str(period.end.year)
            key = (match.group(1), match.group(2) or "city")
            if key not in values:
                missing.append(key)
                return "?"
            value, spec = values[key], match.group(3)
            if spec == "round":
                value = float(round(value))
            elif spec == "floor":
                value = float(math.floor(value))
            elif spec == "plain":
                return str(int(value)) if float(value).is_integer() else format_vi(value)
            elif spec and float(value).is_integer():
                return f"{int(value):{spec}d}"
            return format_vi(value)

        template = spec["template_vi"]
        zero_key = spec.get("zero_key")
        if zero_key and values.get((zero_key, "city")) == 0:
            template = spec["template_zero_vi"]
        text = _PLACEHOLDER.sub(fill, " ".join(template.split()))
        if not missing:
            rendered.append(Sentence(spec["key"], spec["title_vi"], spec["file"], text))
    return rendered


def store_report(con: duckdb.DuckDBPyConnection, period: ReportPeriod, figures: list[Figure], sentences: list[Sentence]) -> None:
    """Replace this period's rows of ``report.figures`` and ``report.sentences``; other periods stay."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("CREATE SCHEMA IF NOT EXISTS report")
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS report.figures (
            period VARCHAR NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL,
            scope VARCHAR NOT NULL, key VARCHAR NOT NULL, value DOUBLE NOT NULL,
            unit VARCHAR NOT NULL, label_vi VARCHAR NOT NULL, computed_at TIMESTAMP NOT NULL,
            PRIMARY KEY (period, scope, key)
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS report.sentences (
            period VARCHAR NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL,
            key VARCHAR NOT NULL, title_vi VARCHAR NOT NULL, text_vi VARCHAR NOT NULL,
            computed_at TIMESTAMP NOT NULL, PRIMARY KEY (period, key)
        )
        """
    )
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM report.figures WHERE period = ?", [period.label])
    con.execute("DELETE FROM report.sentences WHERE period = ?", [period.label])
    figure_rows = [
        [period.label, period.start, period.end, f.scope, f.key, f.value, f.unit, f.label_vi, now] for f in figures if f.published
    ]
    sentence_rows = [[period.label, period.start, period.end, s.key, s.title_vi, s.text_vi, now] for s in sentences]
    if figure_rows:
        con.executemany("INSERT INTO report.figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", figure_rows)
    if sentence_rows:
        con.executemany("INSERT INTO report.sentences VALUES (?, ?, ?, ?, ?, ?, ?)", sentence_rows)
    con.execute("COMMIT")
