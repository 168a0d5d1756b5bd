"""Reads a report's figures from the report schema (dbt computes them: models/report/rpt_figures) and
renders its sentences from them."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from ingestion.registry import load_sources
from pipeline.periods import Period
from reporting.unit_names import UnitNames

CATALOGUE = Path(__file__).resolve().parent / "catalogue.yml"
# {key}, {key@scope}, {unit.<name>} (the unit's names), {period_phrase}, {period_year}, {value} and
# {label} (inside a choice list), with an optional format: {key|round} a whole number ("đạt 99%"),
# {key|above} "trên 97" when the rate is strictly above its whole part and below 100, else the
# whole number ("đạt 97%", "đạt 100%"), {key|plain} a count without thousands dots ("2111 lượt").
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)(?:@([a-z_]+))?(?:\|(round|above|plain))?\}")
# A condition: [not] <figure or unit name> [<op> <figure or number>]
_CONDITION = re.compile(
    r"^\s*(not\s+)?([a-z_]+(?:\.[a-z_]+)*(?:@[a-z_]+)?)\s*(?:(==|!=|<=|>=|<|>)\s*([a-z_.@]+|-?\d+(?:\.\d+)?))?\s*$"
)
_OPERATORS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}
# Units whose whole values are counts of things or people: the ones padded to two digits.
COUNT_UNITS = {"count", "people"}


@dataclass(frozen=True)
class Figure:
    key: str
    scope: str
    value: float
    unit: str
    label_vi: str
    # False for details that only sentences use (breakdowns the report's figures file does not key)
    published: bool = True
    # The last day the figure's counted data report on (dbt: int_report_figures.data_runs_to)
    data_runs_to: dt.date | None = None


@cache
def load_catalogue(path: Path = CATALOGUE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def read_figures(con: duckdb.DuckDBPyConnection, reporting_unit_code: str, start: dt.date, end: dt.date) -> list[Figure]:
    """The figures dbt wrote for one request (reporting unit and period): report.figures, then the
    details only sentences use (report.figure_details, ``published=False``). Empty when dbt was
    not asked for that request. A figure's value is in ``value`` (BIGINT: counts, people, VND) or
    ``value_decimal`` (DECIMAL: pct, ha); Figure.value is either, as a float."""
    figures = []
    for table, published in (("figures", True), ("figure_details", False)):
        rows = con.execute(
            f"""
            select key, scope, coalesce(value::double, value_decimal::double) as value, unit, label_vi, data_runs_to
            from report.{table}
            where reporting_unit_code = ? and period_start = ? and period_end = ?
            order by key, scope
            """,
            [reporting_unit_code, start, end],
        ).fetchall()
        figures += [Figure(key, scope, value, unit, label, published, to) for key, scope, value, unit, label, to in rows]
    return figures


def format_vi(value: float) -> str:
    """Vietnamese number style: ``1.214``, ``9.687,9``."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    whole, _, decimals = text.partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{decimals}" if decimals else whole


def period_phrase(period: Period) -> str:
    if (period.start.month, period.start.day) == (1, 1):
        return "Từ đầu năm"
    return f"Từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Sentence:
    key: str
    title_vi: str
    file: str
    text_vi: str


def format_count(value: float, thousands: bool = True) -> str:
    """The one rule for whole counts in running text: 1 to 9 with two digits as administrative
    documents write them ("05 cuộc", "01 người"), 0 as "0" (a sentence rarely shows it: its zero
    variant or the dropped clause says "none" instead), 10 and above in Vietnamese style ("1.214"),
    or without thousands dots when ``thousands`` is false ("2111 lượt", the report's one exception)."""
    if not float(value).is_integer():
        return format_vi(value)
    whole = int(value)
    if 0 < whole < 10:
        return f"{whole:02d}"
    return format_vi(whole) if thousands else str(whole)


def format_above(value: float) -> str:
    """ "trên 97" for 97.4, "97" for exactly 97, "100" at (or, by a slip, over) 100: a rate is
    said to be above a whole number only when it strictly is."""
    if value >= 100:
        return "100"
    whole = math.floor(value)
    return f"trên {whole}" if value > whole else str(whole)


def in_sentence(label: str) -> str:
    """A choice label as it reads after a noun ("viên chức giáo dục"): its first letter lower-cased,
    unless it names a body by an abbreviation ("Ban QLDA", "UBND cấp xã"), which keeps its
    capitals as the name of an organisation does."""
    if any(len(word) >= 2 and word.isupper() for word in re.split(r"[\s,&()-]+", label)):
        return label
    return label[:1].lower() + label[1:]


@cache
def choice_labels(source_id: str, column: str) -> tuple[tuple[str, str], ...]:
    """(code, label) of a registry choice column, in the registry's order: the labels clerks pick
    are the names sentences use for them (ingestion/sources/<source>.yml)."""
    source = next(s for s in load_sources() if s.id == source_id)
    choices = next(c for c in source.columns if c.name == column).choices
    first = {}
    for label, code in choices.items():
        first.setdefault(code, label)
    return tuple(first.items())


class _Missing(Exception):
    """A figure (or unit name) a sentence needs is not there: the sentence is not rendered."""


class _Renderer:
    """Renders one sentence spec of the catalogue from the request's figures and names.

    A spec (or each of its ``variants``, the first whose ``when`` holds) has either a
    ``template_vi`` or ``sentences``: a list of parts, each a template or a mapping, joined into
    sentences ("A; B. C") that are capitalised and end with a full stop (``stop`` to change it).
    A part mapping has ``text_vi`` (its head), ``parts`` (joined by ``join``, "; " unless said,
    each placed after its own ``sep`` when it sets one), ``brackets`` (the parts in parentheses
    after the head), ``choices`` (one part per choice of a registry column whose figure is not
    zero: ``figure`` names its key with {code}, ``item_vi`` uses {value} and {label}) and
    ``when``. A part whose counts are all zero is left out (rates and amounts are always said),
    so is a part whose parts are all left out; ``none_vi`` is said when nothing is left."""

    def __init__(self, values: dict[tuple[str, str], tuple[float, str]], period: Period, names: UnitNames | None):
        self.values = values
        self.period = period
        self.names = names

    # values -------------------------------------------------------------------------------
    def figure(self, key: str, scope: str = "total") -> tuple[float, str]:
        if (key, scope) not in self.values:
            raise _Missing(key)
        return self.values[(key, scope)]

    def unit_name(self, attribute: str) -> str | None:
        if self.names is None:
            raise _Missing(f"unit.{attribute}")
        return getattr(self.names, attribute)

    def operand(self, text: str) -> object:
        if re.fullmatch(r"-?\d+(?:\.\d+)?", text):
            return float(text)
        if text.startswith("unit."):
            return self.unit_name(text.removeprefix("unit."))
        key, _, scope = text.partition("@")
        return self.figure(key, scope or "total")[0]

    def holds(self, when: str | list[str] | None) -> bool:
        """Every condition of ``when`` holds ("schools.after_merger < schools.before_merger",
        "unit.subunit_level", "not unit.subunit_level", "petition.received == 0")."""
        for condition in [when] if isinstance(when, str) else when or []:
            match = _CONDITION.match(condition)
            if not match:
                raise ValueError(f"catalogue: cannot read the condition {condition!r}")
            negate, left, op, right = match.groups()
            value = self.operand(left)
            result = _OPERATORS[op](value, self.operand(right)) if op else bool(value)
            if result == bool(negate):
                return False
        return True

    # text ---------------------------------------------------------------------------------
    def fill(self, template: str, extra: dict[str, str] | None = None) -> tuple[str, list[float]]:
        """The template with its placeholders filled, and the figures it showed (to leave a part
        whose figures are all zero out)."""
        shown: list[float] = []

        def one(match: re.Match) -> str:
            name, scope, spec = match.groups()
            if extra and name in extra:
                return extra[name]
            if name == "period_phrase":
                return period_phrase(self.period)
            if name == "period_year":
                return str(self.period.end.year)
            if name.startswith("unit."):
                text = self.unit_name(name.removeprefix("unit."))
                if not text:
                    raise _Missing(name)
                return str(text)
            value, unit = self.figure(name, scope or "total")
            if unit in COUNT_UNITS:  # a rate of 0% is said; a count of none leaves its part out
                shown.append(value)
            if spec == "round":  # half up, as people round (Python's round() would say 98% for 98.5)
                return format_vi(float(math.floor(value + 0.5)))
            if spec == "above":
                return format_above(value)
            if unit in COUNT_UNITS:
                return format_count(value, thousands=spec != "plain")
            return format_vi(value)

        return _PLACEHOLDER.sub(one, " ".join(template.split())), shown

    def part(self, spec: str | dict) -> str:
        """One part, or "" when it is left out."""
        if isinstance(spec, str):
            spec = {"text_vi": spec}
        if not self.holds(spec.get("when")):
            return ""
        head, shown = self.fill(spec["text_vi"]) if "text_vi" in spec else ("", [])
        if shown and not any(shown) and "when" not in spec:
            return ""
        items = self.choice_parts(spec) if "choices" in spec else [(p, self.part(p)) for p in spec.get("parts", [])]
        body = ""
        for item, text in items:
            if text:
                sep = item.get("sep", spec.get("join", "; ")) if isinstance(item, dict) else spec.get("join", "; ")
                body += (sep if body else "") + text
        if "parts" in spec or "choices" in spec:
            if not body:
                return ""
            if not head:
                return body
            return f"{head} ({body})" if spec.get("brackets") else f"{head} {body}"
        return head

    def choice_parts(self, spec: dict) -> list[tuple[dict, str]]:
        source_id, _, column = spec["choices"].partition(".")
        items = []
        for code, label in choice_labels(source_id, column):
            value, _ = self.figure(spec["figure"].format(code=code))
            if value:
                text, _ = self.fill(spec["item_vi"], {"value": format_count(value), "label": in_sentence(label)})
                items.append(({}, text))
        return items

    def body(self, variant: dict) -> str:
        if "template_vi" in variant:
            return self.fill(variant["template_vi"])[0]
        sentences = [self.part(p) for p in variant["sentences"]]
        text = ". ".join(s[:1].upper() + s[1:] for s in sentences if s)
        if not text:
            return self.fill(variant["none_vi"])[0] if "none_vi" in variant else ""
        return text + variant.get("stop", ".")

    def render(self, spec: dict) -> str:
        for variant in spec.get("variants", [spec]):
            if self.holds(variant.get("when")):
                return self.body(variant)
        raise ValueError(f"catalogue: no variant of {spec['key']} applies")


def render_sentences(
    figures: list[Figure], period: Period, names: UnitNames | None = None, catalogue: dict | None = None
) -> list[Sentence]:
    """The report's sentences with the figures and the unit's names (reporting.unit_names, read
    from the unit dimension) filled in. A sentence whose figures are missing, or that names the
    unit when ``names`` is None, is left out rather than written with blanks or another unit's names."""
    catalogue = catalogue or load_catalogue()
    renderer = _Renderer({(f.key, f.scope): (f.value, f.unit) for f in figures}, period, names)
    rendered = []
    for spec in catalogue.get("sentences", []):
        try:
            text = renderer.render(spec)
        except _Missing:
            continue
        if text:
            rendered.append(Sentence(spec["key"], spec["title_vi"], spec["file"], text))
    return rendered
