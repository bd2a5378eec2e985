"""Analysis of a survey's responses without a running app: frames, summaries, exports, weights.

    from ladder.analysis import load_registry, response_frame, summarize, export
    reg = load_registry("postgresql+psycopg://ladder@db/ladder")
    survey = reg.survey("testdorp-inspraak")
    frame = response_frame("postgresql+psycopg://ladder@db/ladder", survey, registry=reg)
    summarize(frame, survey, "rungs-per-area", registry=reg)
    export(frame, survey, "xlsx", "antwoorden.xlsx", registry=reg)
    rung_chart(frame, survey, registry=reg).save("treden.svg")
    build_report(frame, survey, registry=reg, margins=read_margins("kerncijfers.csv")).write("rapport.html")

See docs/analysts.rst.
"""
from __future__ import annotations

from .export import export, exporters, frame_codebook, sav_frame, write_sav
from .frame import codebook, load_registry, resolve_ladder, response_frame, value_labels
from .summaries import aspect_gap, crosstab, crosstabs, ranking_borda, rungs_per_area, suppress
from .weights import (rake, read_margins, representativeness, representativeness_index, survey_demographics,
                      survey_weights, weight_summary)
from .charts import Chart, gap_chart, rung_chart  # noqa: E402  (after frame/summaries: imports them)
from .report import Report, build_report  # noqa: E402

__all__ = [
    "load_registry", "response_frame", "codebook", "value_labels", "resolve_ladder",
    "rungs_per_area", "aspect_gap", "ranking_borda", "crosstab", "crosstabs", "suppress",
    "read_margins", "representativeness", "rake", "representativeness_index", "survey_demographics",
    "survey_weights", "weight_summary", "Chart", "rung_chart", "gap_chart", "Report", "build_report",
    "summaries_for", "summarize", "export", "exporters", "frame_codebook", "sav_frame", "write_sav",
]


def summaries_for(survey, registry=None) -> dict:
    """The registered summaries that apply to ``survey`` by name (built-in ones without a registry)."""
    if registry is not None:
        found = registry.summaries
    else:
        from ..default_plugins.summaries import register_summaries
        found = {s.name: s for s in register_summaries(app=None)}
    return {name: s for name, s in found.items() if s.applies_to(survey)}


def summarize(frame, survey, name: str, registry=None, threshold: int = 0):
    """Run the registered summary ``name``; with ``threshold`` > 0 small cells are suppressed."""
    available = summaries_for(survey, registry)
    if name not in available:
        raise KeyError(f"no summary {name!r} for survey {survey.slug!r}; available: {', '.join(sorted(available))}")
    table = available[name].fn(frame, survey)
    return suppress(table, threshold) if threshold else table
