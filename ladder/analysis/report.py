"""``ladder report``: one self-contained, accessible HTML page in Dutch with a survey's results.

Everything is inside the page: charts are SVG in ``data:`` URIs, the style sheet is inline, there is
no script and nothing is fetched from the network. Every chart has a text alternative that points to
the table with the same numbers. Every table goes through disclosure control
(``ladder.analysis.disclosure``): counts under the threshold are hidden, and what would give them away.
The template is rendered with a standalone Jinja2 environment (autoescaping on), not Flask's.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape

from ..text import municipality_name, pick
from .charts import gap_chart, rung_chart
from .disclosure import protect_counts
from .frame import resolve_ladder
from .design import DESIGN, from_weights
from .intervals import Z95, effective_n, wilson
from .summaries import aspect_gap, ranking_borda, ranking_questions, rungs_per_area, suppress
from .weights import (VARIABLE_LABELS, representativeness, representativeness_index, survey_demographics,
                      survey_weights, weight_summary)

TEMPLATES = Path(__file__).parent / "templates"
HIDDEN = "verborgen"


def dutch_date(value) -> str:
    """A day the Dutch way, by Babel: 5 maart 2026."""
    if value is None or (not isinstance(value, (date, datetime)) and pd.isna(value)):
        return ""
    return format_date(value, format="long", locale="nl")


def number(value, decimals: int = 0) -> str:
    """Dutch notation by Babel: 1.234 and 0,5; missing (suppressed) becomes ``verborgen``."""
    if value is None or pd.isna(value):
        return HIDDEN
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(float(value), format=pattern, locale="nl")


def percent(value, decimals: int = 0) -> str:
    """A share as a Dutch percentage by Babel: 0.125 is 12,5% (without the space Babel's nl puts before %)."""
    if value is None or pd.isna(value):
        return HIDDEN
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(float(value), format=pattern, locale="nl")


def _missing(value) -> bool:
    if isinstance(value, Undefined):
        return True
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(number=number, percent=percent, dutch_date=dutch_date)
    env.tests["missing"] = _missing
    return env


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@dataclass
class Report:
    """The rendered page and the tables behind it (for tests and for reuse)."""

    html: str
    tables: dict
    warnings: list = field(default_factory=list)  # the raking's RakeWarning list, when weighted

    def write(self, path) -> None:
        Path(path).write_text(self.html, encoding="utf-8")


def _participation(frame, survey, threshold, margins):
    """People per area, protected with their published total (``protect_counts``): a hidden area
    cannot be worked out as the total minus the others."""
    names = {a.code: pick(a.name) for a in survey.areas}
    counts = frame["area"].astype(object).value_counts()
    unknown = int(frame["area"].isna().sum())
    numbers = {code: int(counts.get(code, 0)) for code in names}
    if unknown:
        numbers[None] = unknown
    shown = protect_counts(numbers, threshold) if threshold > 0 else dict(numbers)
    rows = []
    for code, name in names.items():
        n = numbers[code]
        row = {"area": code, "name": name, "n": n, "hidden": shown[code] is None}
        if margins is not None and code in margins.index and "AantalInwoners" in margins.columns:
            inhabitants = float(margins.loc[code, "AantalInwoners"])
            row["inhabitants"] = inhabitants
            row["per_1000"] = n / inhabitants * 1000 if inhabitants else np.nan
        rows.append(row)
    return rows, (unknown if not unknown or shown.get(None) is not None else None)


def _rung_tables(chart, survey, intervals=None):
    """Per aspect: header (rung titles) and rows (area name, n, cells of (share, count, ci_low,
    ci_high)). ``intervals`` is a ``rungs_per_area`` table; an interval is shown only where the
    chart's table shows the share (disclosure control decided there)."""
    table = chart.table
    bounds, sizes = {}, {}
    if intervals is not None and len(intervals):
        bounds = {(r.area, r.aspect, r.rung): (r.ci_low, r.ci_high) for r in intervals.itertuples()}
        sizes = intervals.attrs.get("sizes", {})
    out = []
    for aspect in dict.fromkeys(table["aspect"]):
        part = table[table["aspect"] == aspect]
        rungs = list(dict.fromkeys(part["rung_title"]))
        rows = []
        for area in dict.fromkeys(part["area"]):
            cells = part[part["area"] == area]
            rows.append({"name": cells["area_name"].iloc[0], "n": cells["area_n"].iloc[0],
                         "cells": [(share, count) + (None, None) if _missing(share) else
                                   (share, count) + bounds.get((area, aspect, rung), _nobody(sizes.get((area, aspect))))
                                   for share, count, rung in zip(cells["share"], cells["count"], cells["rung"])]})
        out.append({"aspect": aspect, "label": part["aspect_label"].iloc[0], "rungs": rungs, "rows": rows})
    return out


def _rankings(frame, survey, threshold):
    """Per ranking question: all areas together, then each area; the areas protected as one table
    (a hidden cell cannot be worked out from the overall table minus the other areas)."""
    out = []
    for qid in ranking_questions(frame, survey):
        question = survey.question(qid)
        labels = {c.value: pick(c.label) for c in question.choices}
        k = len(ranking_questions(frame, survey)[qid])
        overall = ranking_borda(frame.assign(area="alle"), survey, question=qid)
        per_area = ranking_borda(frame, survey, question=qid)
        per_area = suppress(per_area, threshold) if threshold > 0 else per_area
        names = {a.code: pick(a.name) for a in survey.areas}
        groups = [("Alle gebieden samen", suppress(overall, threshold) if threshold > 0 else overall)]
        for code in names:
            part = per_area[per_area["area"] == code]
            if len(part):
                groups.append((names[code], part))
        tables = []
        for name, part in groups:
            n = part["n"].iloc[0] if len(part) else 0
            tables.append({"name": name, "n": n, "rows": [
                {"choice": labels.get(r.choice, r.choice), "points": r.points, "first": r.first,
                 "mean": r.mean_points, **_margin(r.mean_points, r.se)} for r in part.itertuples()]})
        out.append({"question": qid, "label": pick(question.label), "top": k, "tables": tables})
    return out


def _nobody(n) -> tuple:
    """The interval of a rung nobody reached among ``n`` (effective) people: 0 to the Wilson bound."""
    if n is None or not n > 0:
        return (None, None)
    low, high = wilson(0.0, n)
    return (float(low[0]), float(high[0]))


def _rung_intervals(frame, survey, weighted):
    """``rungs_per_area`` with the (effective) number placed per area and aspect in ``attrs["sizes"]``,
    for the interval of a rung nobody reached (which that table leaves out)."""
    table = rungs_per_area(frame, survey, weighted=weighted)
    weights = frame["weight"].astype("float64") if weighted is not False and "weight" in frame.columns else None
    sizes = {}
    for col in [c for c in frame.columns if c.startswith("rung_")]:
        placed = frame[col].notna()
        for area, rows in frame[placed].groupby(frame.loc[placed, "area"].astype(str), sort=False).groups.items():
            sizes[(area, col.removeprefix("rung_"))] = (effective_n(weights.loc[rows]) if weights is not None
                                                       else float(len(rows)))
    table.attrs["sizes"] = sizes
    return table


def _margin(mean, se) -> dict:
    """The 95 % interval of a mean from its standard error (missing when either is hidden)."""
    if _missing(mean) or _missing(se):
        return {"low": None, "high": None}
    return {"low": float(mean) - Z95 * float(se), "high": float(mean) + Z95 * float(se)}


def _gap_margins(frame, survey, gap_table, weighted):
    """Area -> interval of the mean difference, where the gap chart's table shows the mean."""
    found = aspect_gap(frame, survey, weighted=weighted)
    se = dict(zip(found["area"], found["se"]))
    return {r.area: _margin(r.mean_difference, se.get(r.area)) for r in gap_table.itertuples()}


def _representativeness(frame, survey, margins, threshold, weights, bounds):
    questions, categories = survey_demographics(survey, margins)
    table = representativeness(frame, margins, questions, categories)
    index = representativeness_index(table)
    weighted_index = None
    if weights is not None:
        after = representativeness(frame, margins, questions, categories, weights=weights)
        table["weighted_share"] = after["sample_share"].to_numpy()
        weighted_index = representativeness_index(after)
    from .disclosure import hidden_areas, layout_of
    shown = suppress(table, threshold, layout=layout_of(
        table, counts=["sample_n"], split=("variable",), groups=("area",), categories=("category",),
        derived={"sample_share": "sample_n", "difference": "sample_n",
                 **({"weighted_share": "sample_n"} if weights is not None else {})}, public=("population_share",)))
    people = frame.groupby(frame["area"].astype(object)).size()
    hidden = hidden_areas(people, threshold) if threshold > 0 else set()
    names = {a.code: pick(a.name) for a in survey.areas}
    choice_labels = {var: {c.value: pick(c.label) for c in survey.question(qid).choices}
                     for var, qid in questions.items()}
    index_by_area = dict(zip(index["area"], index["index"]))
    weighted_by_area = dict(zip(weighted_index["area"], weighted_index["index"])) if weighted_index is not None else {}
    areas = []
    for code in [c for c in names if c in set(shown["area"])]:
        part = shown[shown["area"] == code]
        n = int((frame["area"] == code).sum())
        hidden_area = code in hidden
        rows = [{"variable": VARIABLE_LABELS.get(r.variable, r.variable),
                 "category": choice_labels[r.variable].get(r.category, r.category),
                 "n": r.sample_n, "sample": r.sample_share, "population": r.population_share,
                 "weighted": getattr(r, "weighted_share", None)} for r in part.itertuples()]
        areas.append({"code": code, "name": names[code], "n": n, "hidden": hidden_area, "rows": rows,
                      "index": np.nan if hidden_area else index_by_area.get(code),
                      "weighted_index": np.nan if hidden_area else weighted_by_area.get(code)})
    summary = None
    if weights is not None:
        summary = weight_summary(frame, weights, bounds)
        summary = summary[(summary["respondents"] >= 1) & ~summary["area"].isin(hidden)]
        summary["name"] = summary["area"].map(lambda a: names.get(a, a))
    return {"areas": areas, "questions": questions, "table": table, "index": index,
            "weights": summary}


def build_report(frame: pd.DataFrame, survey, *, ladder=None, registry=None, threshold: int = 5, margins=None,
                 weighted: bool = False, bounds=(0.25, 4.0), generated: datetime | None = None,
                 scope: str = "area") -> Report:
    """Render the report of ``survey`` from its response ``frame``.

    ``margins`` (from ``read_margins``) adds the representativeness section; ``weighted=True`` also
    rakes weights to them (``scope`` as in :func:`ladder.analysis.weights.rake`) and weights the rung,
    gap and ranking results; what the weights could not do is listed in the report and in
    ``Report.warnings``. ``threshold`` is the small-cell limit. Every share has its 95 % interval.
    """
    lad = resolve_ladder(survey, ladder, registry)
    frame = frame.copy()
    weights = None
    warnings = []
    if weighted:
        if margins is None:
            raise ValueError("weighted=True needs margins")
        weights = survey_weights(frame, survey, margins, bounds=bounds, scope=scope)
        warnings = list(weights.attrs.get("warnings", []))
        design = from_weights(frame, weights)  # the weighted shares' intervals are design-based
        weights = pd.Series(weights.to_numpy(), index=frame.index, name="weight")
        frame["weight"] = weights
        frame.attrs[DESIGN] = design
    use_weights = None if weighted else False
    rungs = rung_chart(frame, survey, lad, threshold=threshold, weighted=use_weights)
    pair = survey.now_and_wanted()
    gap = gap_chart(frame, survey, threshold=threshold, weighted=use_weights) if pair else None
    participation, unknown_area = _participation(frame, survey, threshold, margins)
    created = frame["created_at"].dropna() if "created_at" in frame.columns else pd.Series(dtype="datetime64[ns, UTC]")
    versions = frame["survey_version"].astype(object).fillna("onbekend").value_counts() \
        if "survey_version" in frame.columns else pd.Series(dtype=int)
    repr_section = _representativeness(frame, survey, margins, threshold, weights, bounds) \
        if margins is not None and survey.demographics else None
    aspects = [(a, pick(label)) for a, label in survey.aspects.items()]
    context = {
        "survey": survey, "title": pick(survey.title), "municipality": municipality_name(survey.municipality),
        "audience": pick(survey.audience), "opens": survey.opens, "closes": survey.closes,
        "first": created.min() if len(created) else None, "last": created.max() if len(created) else None,
        "total": len(frame), "unknown_area": unknown_area, "threshold": threshold,
        "participation": participation, "has_inhabitants": any("inhabitants" in r for r in participation),
        "rungs": rungs, "rungs_uri": _data_uri(rungs.svg),
        "rung_tables": _rung_tables(rungs, survey, _rung_intervals(frame, survey, use_weights)),
        "gap": gap, "gap_uri": _data_uri(gap.svg) if gap else None,
        "gap_margins": _gap_margins(frame, survey, gap.table, use_weights) if gap else {},
        "warnings": warnings, "scope": scope,
        "gap_first": pick(survey.aspects[pair[0]]) if pair else "", "gap_second": pick(survey.aspects[pair[1]]) if pair else "",
        "rankings": _rankings(frame, survey, threshold), "repr": repr_section, "weighted": weights is not None,
        "bounds": bounds, "ladder": lad, "ladder_title": pick(lad.title), "aspects": aspects,
        "versions": list(versions.items()), "demographics_declared": bool(survey.demographics),
        "margins_given": margins is not None,
        "generated": generated or datetime.now(timezone.utc), "pick": pick,
    }
    html = _environment().get_template("report.html").render(**context)
    tables = {"rungs": rungs.table, "gap": gap.table if gap else None,
              "participation": pd.DataFrame(participation),
              "representativeness": repr_section["table"] if repr_section else None}
    return Report(html, tables, warnings)
