"""The publication as plain text and CSV, for ``ladder summary``: the same numbers as ``/r/<slug>.json``."""
from __future__ import annotations

import csv
import io

from ..text import pick
from .tables import Publication


def _words(value, locale: str = "nl") -> str:
    return value if isinstance(value, str) else pick(value, locale)


def _cell(value) -> str:
    if value is None:
        return "verborgen"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def as_text(publication: Publication) -> str:
    """Every table: a title line, then one line per row with its cells (the total last)."""
    lines = [f"{publication.survey}: {_cell(publication.responses)} responses (published {publication.made_at}; "
             f"counts perturbed by at most {publication.method['max_noise']}, see docs/privacy.rst)", ""]
    for table in publication.tables:
        lines.append(f"== {table.id}: {_words(table.title)}")
        heads = [c.id for c in table.columns]
        lines.append("\t".join(["row", *heads]))
        for row in [*table.rows, *([table.total] if table.total else [])]:
            lines.append("\t".join([_words(row.label), *(_cell(row.cells.get(h)) for h in heads
                                                           if h in row.cells or row is not table.total)]))
        lines.append("")
    return "\n".join(lines)


def as_csv(publication: Publication) -> str:
    """One line per published cell: table, row, column, value (empty when hidden)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    for table in publication.tables:
        for row in [*table.rows, *([table.total] if table.total else [])]:
            for column, value in row.cells.items():
                writer.writerow([table.id, "total" if row is table.total else row.id, column,
                                 "" if value is None else value])
    return out.getvalue()
