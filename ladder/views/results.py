"""Reporting back: the public results page of a survey, once staff publish it.

Every number on the page goes through disclosure control (``ladder.analysis.disclosure``): counts
under the threshold are hidden, and so are enough other numbers (areas, rungs, answers) that no
hidden one can be worked out from totals, shares or the rest. Staff see exact numbers on the
dashboard, not here.
"""
from __future__ import annotations

import pandas as pd
from flask import Blueprint, current_app, redirect, render_template, url_for
from markupsafe import Markup

from .. import lifecycle, outcomes, report_back
from ..filters import number
from ..i18n import _
from ..text import pick
from ..analysis.disclosure import PROTECTION, layout_of, protect, protect_counts
from ..i18n import current_locale
from . import registry, survey_or_404

bp = Blueprint("results", __name__)
_protected: dict[int, tuple] = {}


def hidden(count: int, threshold: int) -> int | None:
    """The count, or None when it is small enough to point at people (primary suppression only)."""
    return None if 0 < count < threshold else count


def question_table(summary, threshold: int, protection: float = PROTECTION):
    """A question's summary table, protected: its counts, shares, points and means as declared."""
    table = summary.table
    counts = [c for c in summary.counts if c in table.columns]
    derived = {d: ("points" if d == "mean_points" and "points" in table.columns else s)
               for d, s in dict(summary.derived).items() if d in table.columns}
    fields = {"size": "n"} if "n" in counts else {}
    layout = layout_of(table, counts=counts, derived=derived, groups=(), categories=("value",), split=(), **fields)
    return protect(table, layout, threshold, protection)


def protected(found, survey, ladder, threshold: int, protection: float = PROTECTION) -> dict:
    """Everything ``/r/`` publishes of ``found`` (an ``outcomes.Outcomes``), protected together."""
    from ..analysis.charts import protected_rungs
    key = id(found)
    if key in _protected and _protected[key][0] is found and _protected[key][1] == (threshold, protection):
        return _protected[key][2]
    rungs = protected_rungs(found.rungs, survey, ladder, threshold, protection=protection) \
        if found.rungs is not None and len(found.rungs) else None
    counts = {code: n for code, n in found.per_area}
    per_area = protect_counts(counts, threshold, protection)
    table: dict[str, dict[str | None, dict[str, int | None]]] = {}
    if rungs is not None:
        # an area whose row total the rung table hides is hidden in the list of areas too
        lost = set(rungs.loc[rungs["area_n"].isna(), "area"])
        for code in lost & {c for c in counts if c is not None and per_area.get(c) is not None}:
            per_area[code] = None
        if lost:
            forced = {c: n for c, n in counts.items()}
            per_area = _protect_with(forced, {c for c, v in per_area.items() if v is None}, threshold, protection)
        for row in rungs.itertuples(index=False):
            cell = None if pd.isna(row.count) else int(row.count)
            table.setdefault(row.aspect, {}).setdefault(row.area, {})[row.rung] = cell
        table = {aspect: {area: cells for area, cells in by_area.items() if counts.get(area, 0)}
                 for aspect, by_area in table.items()}
    questions = [(s, question_table(s, threshold, protection)) for s in found.questions if s.public]
    result = {"per_area": per_area, "table": table, "questions": questions}
    if len(_protected) > 64:
        _protected.clear()
    _protected[key] = (found, (threshold, protection), result)
    return result


def _protect_with(counts: dict, forced: set, threshold: int, protection: float) -> dict:
    """:func:`protect_counts` with some counts hidden from the start."""
    from ..analysis.disclosure import Cells, solve
    keys = list(counts)
    cells = Cells()
    ids = [cells.add(counts[k]) for k in keys]
    cells.equation(cells.add(sum(counts.values()), fixed=True), ids)
    for k, i in zip(keys, ids):
        if k in forced:
            cells.hide(i)
    solve(cells, threshold, protection)
    return {k: None if cells.hidden[i] else counts[k] for k, i in zip(keys, ids)}


def chart_rows(summary, table, hidden_label):
    """(label, value, shown) per row of a question's (protected) table, for :func:`bar_rows_svg`."""
    column = summary.chart
    if column is None or column not in table.columns:
        return []
    rows = []
    for record in table.to_dict("records"):
        value = record[column]
        missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
        rows.append((str(record.get("label", record.get("value", ""))), None if missing else float(value),
                     hidden_label if missing else number(value)))
    return rows


def question_charts(questions, title_of, hidden_label):
    """[(summary, table, svg markup or None)] for the questions shown."""
    from ..analysis.charts import bar_rows_svg
    out = []
    for summary, table in questions:
        rows = chart_rows(summary, table, hidden_label)
        svg = Markup(bar_rows_svg(rows, title_of(summary), hidden_label)) if rows and summary.answered else None
        out.append((summary, table, svg))
    return out


def rung_totals(table: dict, ladder) -> dict[str, list[tuple[object, int | None]]]:
    """Per aspect, per rung the number over every area shown; hidden when any of its cells is hidden
    (so the total gives nothing away that the table does not already show)."""
    out = {}
    for aspect, by_area in table.items():
        out[aspect] = []
        for rung in ladder.rungs:
            cells = [cells.get(rung.id) for cells in by_area.values()]
            out[aspect].append((rung, None if any(c is None for c in cells) else sum(cells)))
    return out


def rung_charts(totals: dict, ladder, aspect_label, hidden_label) -> dict[str, Markup]:
    from ..analysis.charts import RAMP, bar_rows_svg
    fills = [RAMP[min(i, len(RAMP) - 1)] for i in range(len(ladder.rungs))]
    return {aspect: Markup(bar_rows_svg([(f"{r.level}. {pick(r.title)}", n, hidden_label if n is None else number(n))
                                         for r, n in rows], aspect_label(aspect), hidden_label, fills=fills))
            for aspect, rows in totals.items()}


def _name(areas, code, locale):
    return pick(areas[code].name, locale) if code in areas else code


@bp.app_context_processor
def _report_back_globals():
    """``results_expected(survey)`` for the result and closed pages (results/_expected.html)."""
    return {"results_expected": report_back.results_expected}


@bp.get("/r/<slug>")
def show(slug):
    survey = survey_or_404(slug)
    state = lifecycle.row(slug)
    expected = report_back.results_expected(survey)
    if state is None or state.results_published_at is None or report_back.sealed(survey, lifecycle.of(survey)):
        return render_template("results/not_yet.html", survey=survey, expected=expected)
    reg = registry()
    threshold = current_app.config["RESULTS_MIN_COUNT"]
    protection = current_app.config.get("RESULTS_PROTECTION", PROTECTION)
    locale = current_locale()
    found = outcomes.of(survey, reg, threshold, locale, merge=True)
    ladder = reg.ladder_of(survey)
    areas = {a.code: a for a in survey.areas}
    shown = protected(found, survey, ladder, threshold, protection)
    per_area = [(areas.get(code), shown["per_area"].get(code)) for code, n in found.per_area]
    table = shown["table"]
    aspects = [a for a in survey.aspects if a in table] + sorted(set(table) - set(survey.aspects))
    next_rung = ladder.rung(state.next_rung) if state.next_rung and state.next_rung in ladder else None
    hidden_label = _("verborgen")
    merged: dict[str, list[str]] = {}
    for small, into in found.merged.items():
        merged.setdefault(_name(areas, into, locale), []).append(_name(areas, small, locale))

    def aspect_label(aspect):
        return pick(survey.aspects.get(aspect), locale) or aspect
    totals = rung_totals(table, ladder)
    return render_template("results/show.html", survey=survey, state=state, total=hidden(found.responses, threshold),
                           per_area=per_area, aspects=aspects, table=table, ladder=ladder, areas=areas,
                           threshold=threshold, next_rung=next_rung, locale=locale, merged=merged,
                           questions=question_charts(shown["questions"], lambda s: pick(s.question.label, locale),
                                                     hidden_label),
                           rung_charts=rung_charts(totals, ladder, aspect_label, hidden_label),
                           items=report_back.items(survey), expected=expected)


@bp.get("/s/<slug>/uitnodiging")
def invitation(slug):
    """Where the link and QR code of an invitation letter lead: a form with the code filled in by script."""
    survey = survey_or_404(slug)
    if not lifecycle.is_open(survey):
        return redirect(url_for("resident.start", slug=slug))
    return render_template("results/invitation.html", survey=survey)
