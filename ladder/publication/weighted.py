"""The whole-survey ladder weighted to the number of inhabitants per area, from published counts only.

Small villages answer as loudly as large ones in the plain table when their residents take part more
often. Where the installation has population figures per area (``SURVEY_MARGINS``: the column
``AantalInwoners`` of a CBS-shaped margins file, see :mod:`ladder.analysis.weights` and ``ladder
margins``), each aspect's ladder is also published **post-stratified by area**: the share of a rung in
each area (its published count over the area's published total) weighted by the area's share of the
inhabitants,

    weighted share = Σ_a (N_a / N) · count_a / total_a

over the areas with a published, non-zero total and every count of their row published (areas left
out are named, and the weights are over the areas used). Its standard error is the stratified design's
(areas as strata, as :mod:`ladder.analysis.design` and R's ``survey`` compute it for a stratified
sample with a finite population correction):

    se² = Σ_a (N_a/N)² (1 - total_a/N_a) p_a (1 - p_a) / (total_a - 1)

(an area of one answer adds nothing, R's ``lonely.psu = "certainty"``), and its interval the same logit
interval as every other weighted share (Wilson at Kish's effective size where a share is 0 or 1). Every number comes from the publication's own cells and the
population figures (public), so the audit's protection carries over: nothing new about a person.

Questions are published over all areas only (no per-area counts), so they get no weighted version.
"""
from __future__ import annotations

from ..analysis.design import logit_interval
from .build import msg
from .tables import Column, Publication, Row, Table

POPULATION = "AantalInwoners"


def populations(margins_path) -> dict[str, float]:
    """Inhabitants per area code from a margins file (empty when there is none or it has no inhabitants)."""
    if not margins_path:
        return {}
    from ..analysis.weights import read_margins
    try:
        margins = read_margins(margins_path)
    except (OSError, ValueError):
        return {}
    if POPULATION not in margins.columns:
        return {}
    return {str(area): float(n) for area, n in margins[POPULATION].items() if n == n and n > 0}


def weighted_ladders(publication: Publication, population: dict[str, float]) -> list[Table]:
    """One ``weighted:<aspect>`` table per per-area ladder of ``publication``, when ``population`` is known."""
    if not population:
        return []
    return [t for t in (_weighted(table, publication.table("ladder:" + table.id.split(":", 1)[1]), population)
                        for table in publication.tables if table.kind == "ladder-by-area") if t is not None]


def _weighted(by_area: Table, whole: Table, population: dict[str, float]) -> Table | None:
    rungs = [r.id for r in whole.rows]
    used, left_out = [], []
    for row in by_area.rows:
        total = row.cells.get("total")
        known = row.id in population and total and all(row.cells.get(r) is not None for r in rungs)
        (used if known else left_out).append(row)
    if not used:
        return None
    everyone = sum(population[row.id] for row in used)
    weight = {row.id: population[row.id] / everyone for row in used}
    # Kish's effective size (each area with its finite population correction): the interval where a share is 0 or 1
    spread = sum(weight[row.id] ** 2 * max(1 - row.cells["total"] / population[row.id], 0.0) / row.cells["total"]
                 for row in used)
    effective = 1 / spread if spread > 0 else float("inf")
    rows = []
    for rung in whole.rows:
        parts = {row.id: min(row.cells[rung.id] / row.cells["total"], 1.0) for row in used}
        share = sum(weight[area] * part for area, part in parts.items())
        variance = sum(weight[row.id] ** 2 * max(1 - row.cells["total"] / population[row.id], 0.0)
                       * parts[row.id] * (1 - parts[row.id]) / (row.cells["total"] - 1)
                       for row in used if row.cells["total"] > 1)
        if effective == float("inf"):
            low = high = share
        else:
            lows, highs = logit_interval(share, variance ** 0.5, kish_n=effective)
            low, high = float(lows[0]), float(highs[0])
        rows.append(Row(rung.id, rung.label, {"weighted": share, "weighted_low": low, "weighted_high": high}))
    aspect = by_area.id.split(":", 1)[1]
    return Table(f"weighted:{aspect}", "weighted", whole.title,
                 [Column("weighted", msg("Gewogen deel"), "share"), Column("weighted_low", msg("Ten minste"), "low"),
                  Column("weighted_high", msg("Ten hoogste"), "high")], rows,
                 note=msg("Gewogen naar het aantal inwoners per gebied."),
                 params={"areas": [row.id for row in used], "left_out": [row.id for row in left_out],
                         "inhabitants": int(everyone)})
