"""The one table shape every renderer reads: ``/r/``, its JSON, the verslag, ``ladder report`` and
``ladder summary`` format these tables and compute nothing.

A cell holds the published number (``None`` when it is hidden). Texts (titles, row and column labels)
are locale tables (``{"nl": ..., "fy": ..., "en": ...}``) so one publication serves every language.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Text = dict[str, str] | str  # a survey's text (locale -> text), or interface text (a Dutch message id)


@dataclass
class Column:
    id: str
    heading: Text
    kind: str = "count"  # count, share, low, high, points


@dataclass
class Row:
    id: str | None
    label: Text
    cells: dict[str, float | int | None] = field(default_factory=dict)


@dataclass
class Table:
    """``id`` is stable (``areas``, ``ladder:<aspect>``, ``ladder-by-area:<aspect>``, ``question:<id>``);
    ``total`` is a row of its own, published like any other (not the sum of the rows shown)."""

    id: str
    kind: str  # areas, ladder, ladder-by-area, question, ranking
    title: Text
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    note: str = ""  # interface text (message id) with ``params``
    params: dict[str, Any] = field(default_factory=dict)

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def row(self, row_id) -> Row:
        return next(r for r in self.rows if r.id == row_id)


@dataclass
class Publication:
    """Everything that leaves the staff area for one survey, at one moment."""

    survey: str
    made_at: str  # ISO 8601, UTC
    responses: int | None
    method: dict[str, Any]
    tables: list[Table]
    period: list[str | None] = field(default_factory=lambda: [None, None])  # first and last day answers came in
    represent: float | None = None  # representativeness index (0-100), when the installation has population figures

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Publication:
        def row(r):
            return None if r is None else Row(r["id"], r["label"], r["cells"])
        tables = [Table(t["id"], t["kind"], t["title"], [Column(**c) for c in t["columns"]],
                        [row(r) for r in t["rows"]], row(t.get("total")), t.get("note") or "", t.get("params") or {})
                  for t in data["tables"]]
        return cls(data["survey"], data["made_at"], data["responses"], data["method"], tables,
                   data.get("period") or [None, None], data.get("represent"))
