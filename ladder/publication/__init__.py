"""The publication: everything about a survey's responses that leaves the staff area, made once per
publication moment and protected as a whole (see docs/privacy.rst).

- :mod:`.cellkey`: the cell-key method (every count perturbed by who it counts);
- :mod:`.build`: every published table from the response frame, and how the tables hang together;
- :mod:`.audit`: a linear program over everything published; hides what it can pin down;
- :mod:`.ranking`, :mod:`.weighted`, :mod:`.caution`: numbers computed from the published cells only
  (how sure a ranking's order is, the ladder weighted to the inhabitants per area, many areas at once);
- :mod:`.store`: publication moments (snapshots in the database);
- :mod:`.tables`: the one table shape that ``/r/``, its JSON, the verslag and the commands format.
"""
from __future__ import annotations

from ..config import RESULTS_PROTECTION as PROTECTION
from .tables import Column, Publication, Row, Table

# The modules that compute (numpy, pandas, HiGHS) are imported by the functions that use them: every app and
# ``ladder`` command imports this package (the results pages, the plans' texts), few make a publication.


def make(survey, registry, frame, seed: str, protection: float = PROTECTION, margins_path=None) -> Publication:
    """The protected publication of ``frame`` (a response frame read with ``include_id=True``); with
    ``margins_path`` (CBS-shaped population figures) also the representativeness index."""
    from . import audit, weighted
    from .build import build
    from .represent import representativeness
    publication, structure = build(survey, registry, frame, seed)
    publication.represent = representativeness(survey, frame, margins_path)
    hidden = audit.protect(structure, protection)
    hide(publication, structure, hidden)
    derive(publication, weighted.populations(margins_path))
    publication.method.update(protection=protection, hidden=len(hidden), counts=len(structure.counted),
                              documentation="docs/privacy.rst, section 'Published results'")
    return publication


def derive(publication: Publication, population: dict[str, float]) -> None:
    """What is computed from the published (perturbed, audited) cells alone, never from the responses: how
    sure each ranking's order is, the ladder weighted to the inhabitants per area (with ``population``),
    and the caution on tables that compare many areas."""
    from . import caution, ranking, weighted
    for table in publication.tables:
        if table.kind == "ranking":
            ranking.certainty(table)
    publication.tables += weighted.weighted_ladders(publication, population)
    caution.many_areas(publication)


def hide(publication: Publication, structure, hidden: set[int]) -> None:
    """Blank the cells the audit hid, and every share or interval computed from them."""
    for number in hidden:
        cell = structure.counted[number]
        table = publication.table(cell.table)
        row = table.total if cell.row is None else next(r for r in table.rows if r.id == _row_id(cell.row))
        row.cells[cell.column] = None
        if cell.column in ("count", "points"):
            for derived in ("share", "low", "high"):
                if derived in row.cells:
                    row.cells[derived] = None
        if cell.row is None and cell.column == "count":  # a hidden total: no share can be computed
            for r in table.rows:
                for derived in ("share", "low", "high"):
                    if derived in r.cells:
                        r.cells[derived] = None
    for table in publication.tables:  # the per-area ladder's total row repeats the whole-survey ladder
        if table.kind == "ladder-by-area":
            whole = publication.table("ladder:" + table.id.split(":", 1)[1])
            table.total.cells = {**{r.id: r.cells["count"] for r in whole.rows}, "total": whole.total.cells["count"]}
    for table in publication.tables:  # a ranking by its published points, hidden ones last; ties in survey order
        if table.kind == "ranking":
            table.rows.sort(key=lambda r: (r.cells["points"] is None, -(r.cells["points"] or 0)))
    areas = publication.table("areas")
    if areas is not None:
        publication.responses = areas.total.cells["count"]


def _row_id(value):
    return value if value is None or isinstance(value, str) else str(value)


__all__ = ["Column", "PROTECTION", "Publication", "Row", "Table", "derive", "hide", "make"]
