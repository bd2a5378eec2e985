"""Built-in summaries and exporters, registered like any plugin's. They live in ``ladder.analysis``.

Each summary declares what it publishes (see ``ladder.analysis.disclosure``), so that ``ladder
summary`` protects it with complementary suppression and not only by hiding small counts.
"""
from __future__ import annotations

from ..analysis.exporters import BUILTIN_EXPORTERS
from ..analysis.summaries import aspect_gap, crosstabs, make_summary, ranking_borda, rungs_per_area
from ..hookspecs import hookimpl


def crosstabs_by_area(frame, survey):
    """Every coded question by area."""
    return crosstabs(frame, survey, by="area")


@hookimpl(trylast=True)
def register_summaries():
    return [
        make_summary("rungs-per-area", {"nl": "Treden per gebied", "en": "Rungs per area"}, rungs_per_area,
                     counts=("count",), derived={"share": "count"}, groups=("area",), categories=("rung",),
                     split=("aspect",)),
        make_summary("aspect-gap", {"nl": "Verschil tussen twee aspecten per gebied (bijv. nu en gewenst)",
                                    "en": "Gap between two aspects per area (e.g. current and wanted)"}, aspect_gap,
                     counts=("more", "same", "less", "n"), derived={"mean_difference": "n", "weighted_n": "n"},
                     groups=("area",), split=("first", "second"), size="n"),
        make_summary("ranking-borda", {"nl": "Rangordes per gebied (Borda-punten)",
                                       "en": "Rankings per area (Borda points)"}, ranking_borda,
                     counts=("points", "first", "ranked", "n"), derived={"mean_points": "points"},
                     groups=("area",), categories=("choice",), split=("question",), size="n"),
        make_summary("crosstab-area", {"nl": "Antwoorden per gebied", "en": "Answers per area"}, crosstabs_by_area,
                     counts=("count",), derived={"share": "count"}, groups=("area",), categories=("value",),
                     split=("question",)),
    ]


@hookimpl(trylast=True)
def register_exporters():
    return list(BUILTIN_EXPORTERS)
