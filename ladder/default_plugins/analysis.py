"""Built-in summaries and exporters, registered like any plugin's. They live in ``ladder.analysis``.

Each summary declares what it publishes (see ``ladder.analysis.disclosure``), so that ``ladder
summary`` protects it with complementary suppression and not only by hiding small counts.
"""
from __future__ import annotations

import importlib

from ..analysis.plugin_types import Exporter, make_summary
from ..hookspecs import hookimpl


def _on_call(module: str, name: str):
    """The function ``name`` of ``ladder.analysis.<module>``, imported when first called: every app and
    ``ladder`` command registers these, few run one, and their modules import pandas."""
    def call(*args, **kwargs):
        return getattr(importlib.import_module(f"ladder.analysis.{module}"), name)(*args, **kwargs)
    call.__name__ = call.__qualname__ = name
    return call


rungs_per_area = _on_call("summaries", "rungs_per_area")
aspect_gap = _on_call("summaries", "aspect_gap")
ranking_borda = _on_call("summaries", "ranking_borda")
crosstabs = _on_call("summaries", "crosstabs")


def crosstabs_by_area(frame, survey):
    """Every coded question by area."""
    return crosstabs(frame, survey, by="area")


BUILTIN_EXPORTERS = (
    Exporter("csv", "csv", "text/csv", _on_call("exporters", "write_csv"), options=("dialect", "labels")),
    Exporter("json", "json", "application/json", _on_call("exporters", "write_json"), options=("labels",)),
    Exporter("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             _on_call("exporters", "write_xlsx"), options=("labels",)),
    Exporter("parquet", "parquet", "application/vnd.apache.parquet", _on_call("exporters", "write_parquet")),
    Exporter("sav", "sav", "application/x-spss-sav", _on_call("exporters", "write_sav")),
)


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
