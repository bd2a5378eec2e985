"""Built-in summaries and exporters, registered like any plugin's. They live in ``ladder.analysis``."""
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
        make_summary("rungs-per-area", {"nl": "Treden per gebied", "en": "Rungs per area"}, rungs_per_area),
        make_summary("aspect-gap", {"nl": "Verschil tussen twee aspecten per gebied (bijv. nu en gewenst)",
                                    "en": "Gap between two aspects per area (e.g. current and wanted)"}, aspect_gap),
        make_summary("ranking-borda", {"nl": "Rangordes per gebied (Borda-punten)",
                                       "en": "Rankings per area (Borda points)"}, ranking_borda),
        make_summary("crosstab-area", {"nl": "Antwoorden per gebied", "en": "Answers per area"}, crosstabs_by_area),
    ]


@hookimpl(trylast=True)
def register_exporters():
    return list(BUILTIN_EXPORTERS)
