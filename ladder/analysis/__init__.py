"""Analysis of a survey's responses without a running app: frames, summaries, exports, weights.

    from ladder.plugins import load_registry
    from ladder.analysis import response_frame, summarize, export
    reg = load_registry()
    survey = reg.survey("testdorp-inspraak")
    frame = response_frame("postgresql+psycopg://ladder@db/ladder", survey, registry=reg)
    summarize(frame, survey, "rungs-per-area", registry=reg)
    export(frame, survey, "xlsx", "antwoorden.xlsx", registry=reg)
    rung_chart(frame, survey, registry=reg).save("treden.svg")
    build_report(frame, survey, registry=reg, margins=read_margins("kerncijfers.csv")).write("rapport.html")

Names load on first use, so ``import ladder.analysis`` does not pull in matplotlib. See docs/analysts.rst.
"""
from __future__ import annotations

import importlib

_WHERE = {
    "response_frame": "frame", "codebook": "frame", "value_labels": "frame", "resolve_ladder": "frame",
    "question_columns": "frame",
    "Summary": "plugin_types", "make_summary": "plugin_types", "question_summaries": "summaries",
    "rungs_per_area": "summaries", "aspect_gap": "summaries", "ranking_borda": "summaries", "crosstab": "summaries",
    "crosstabs": "summaries", "suppress": "summaries",
    "Exporter": "plugin_types", "export": "exporters", "frame_codebook": "exporters", "sav_frame": "exporters",
    "write_sav": "exporters",
    "rake": "weights", "read_margins": "weights", "representativeness": "weights",
    "representativeness_index": "weights", "survey_demographics": "weights", "survey_weights": "weights",
    "weight_summary": "weights", "joint_demographics": "weights", "RakeWarning": "weights",
    "wilson": "intervals", "effective_n": "intervals", "mean_se": "intervals", "add_intervals": "intervals",
    "read_parquet": "exporters", "extraction_query": "frame",
    "Chart": "charts", "gap_chart": "charts", "rung_chart": "charts",
    "Report": "report", "build_report": "report",
}

__all__ = [*_WHERE, "summarize", "load_registry"]


def __getattr__(name: str):
    if name == "load_registry":
        from ..plugins import load_registry
        return load_registry
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def summarize(frame, survey, name: str, registry, threshold: int = 0):
    """Run the registered summary ``name``; with ``threshold`` > 0 small cells are suppressed."""
    from .summaries import suppress
    available = registry.summaries_for(survey)
    if name not in available:
        raise KeyError(f"no summary {name!r} for survey {survey.slug!r}; available: {', '.join(sorted(available))}")
    table = available[name].fn(frame, survey)
    return suppress(table, threshold) if threshold else table
