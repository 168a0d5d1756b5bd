"""The names a report uses for its reporting unit, read from the unit dimension (marts.dim_admin_unit).

A report speaks of its unit in several forms: the issuing body in the header ("ỦY BAN NHÂN DÂN /
THÀNH PHỐ LAI CHÂU"), the committee in sentences ("UBND thành phố"), the level of its own bodies
("Cấp thành phố") and of the units below it ("cấp xã, phường"). They all follow from the unit's kind
and its subunits' kinds in the dimension, so a ward's, a city's and a province's report each read
right without any name written into the code.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.periods import Period

# Kinds whose Vietnamese name is lower-cased inside a sentence ("UBND thành phố", "cấp phường").
_KIND_VI = {
    "province": "tỉnh",
    "municipality": "thành phố",
    "city": "thành phố",
    "town": "thị xã",
    "urban_district": "quận",
    "rural_district": "huyện",
    "ward": "phường",
    "commune": "xã",
    "township": "thị trấn",
    "special_zone": "đặc khu",
}
# The tier a subunit kind belongs to, and the order tiers are named in ("cấp huyện", "cấp xã, phường").
_TIER = {
    "city": ("huyện", 0),
    "town": ("huyện", 0),
    "urban_district": ("huyện", 0),
    "rural_district": ("huyện", 0),
    "commune": ("xã", 1),
    "ward": ("phường", 2),
    "township": ("thị trấn", 3),
    "special_zone": ("đặc khu", 4),
}


@dataclass(frozen=True)
class UnitNames:
    """How a report names its unit (examples for the former city of Lai Châu)."""

    code: str
    name: str  # Lai Châu
    full_name: str  # Thành phố Lai Châu
    kind: str  # city (dim_admin_unit.unit_kind)
    kind_vi: str  # thành phố
    subunit_kinds: tuple[str, ...] = ()  # kinds of the units directly below it during the period
    # (kind, short name) of those units, in the report's order ("Đoàn Kết", "Tân Phong", ...)
    subunits: tuple[tuple[str, str], ...] = ()

    @property
    def committee(self) -> str:
        """In sentences: "UBND thành phố", "UBND phường", "UBND tỉnh"."""
        return f"UBND {self.kind_vi}"

    @property
    def committee_named(self) -> str:
        """ "UBND thành phố Lai Châu"."""
        return f"UBND {self.kind_vi} {self.name}"

    @property
    def issuer_lines(self) -> list[str]:
        """The issuing body at the top left of a Decree 30/2020 document."""
        return ["ỦY BAN NHÂN DÂN", f"{self.kind_vi} {self.name}".upper()]

    @property
    def own_level(self) -> str:
        """The unit's own bodies as a reception sentence names them: "Cấp thành phố"."""
        return f"Cấp {self.kind_vi}"

    @property
    def subunit_level(self) -> str | None:
        """The units below it: "cấp xã, phường" (None when it has none, as a ward)."""
        tiers = sorted({_TIER[k] for k in self.subunit_kinds if k in _TIER}, key=lambda t: t[1])
        if not tiers:
            return None
        if tiers[0][0] == "huyện":
            return "cấp huyện"
        return "cấp " + ", ".join(name for name, _ in tiers)

    @property
    def kind_title(self) -> str:
        """The kind starting a sentence: "Thành phố", "Phường", "Tỉnh"."""
        return self.kind_vi[:1].upper() + self.kind_vi[1:]

    def _names_of(self, kind: str) -> str | None:
        names = [name for k, name in self.subunits if k == kind]
        return ", ".join(names) or None

    @property
    def ward_names(self) -> str | None:
        """ "Đoàn Kết, Tân Phong, Đông Phong, Quyết Tiến, Quyết Thắng" (None: no ward below it)."""
        return self._names_of("ward")

    @property
    def commune_names(self) -> str | None:
        """ "Sùng Phài, San Thàng" (None: no commune below it)."""
        return self._names_of("commune")

    @property
    def place(self) -> str:
        """The place on the date line: a province by its name ("Lai Châu"), any other unit by its
        full name ("Thành phố Lai Châu", as the 2023 report writes it)."""
        return self.name if self.kind in ("province", "municipality") else self.full_name


def read_unit_names(con: duckdb.DuckDBPyConnection, unit_id: str, period: Period) -> UnitNames:
    """The unit's names and the kinds of its subunits that existed during the period."""
    row = con.execute(
        "select official_code, unit_name, unit_full_name, unit_kind from marts.dim_admin_unit where unit_id = ?",
        [unit_id],
    ).fetchone()
    if row is None:
        raise LookupError(f"unit {unit_id!r} is not in marts.dim_admin_unit")
    code, name, full_name, kind = row
    below = con.execute(
        """
        select unit_kind, unit_name from marts.dim_admin_unit
        where parent_unit_id = ? and unit_kind <> 'city_body'
          and valid_from <= ? and coalesce(valid_to, date '9999-12-31') >= ?
        order by report_order nulls last, unit_name
        """,
        [unit_id, period.end, period.start],
    ).fetchall()
    return UnitNames(
        code=code or "",
        name=name,
        full_name=full_name,
        kind=kind,
        kind_vi=_KIND_VI.get(kind, kind),
        subunit_kinds=tuple(sorted({kind for kind, _ in below})),
        subunits=tuple((kind, name) for kind, name in below),
    )
