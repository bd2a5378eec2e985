"""Reporting back: the public results page of a survey, once staff publish it."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .. import lifecycle, outcomes
from ..analysis.summaries import suppress
from ..i18n import current_locale
from . import registry, survey_or_404

bp = Blueprint("results", __name__)


def hidden(count: int, threshold: int) -> int | None:
    """The count, or None when it is small enough to point at people (shown as "minder dan N")."""
    return None if 0 < count < threshold else count


@bp.get("/r/<slug>")
def show(slug):
    survey = survey_or_404(slug)
    state = lifecycle.row(slug)
    if state is None or state.results_published_at is None:
        return render_template("results/not_yet.html", survey=survey)
    reg = registry()
    threshold = current_app.config["RESULTS_MIN_COUNT"]
    locale = current_locale()
    found = outcomes.of(survey, reg, threshold, locale)
    ladder = reg.ladder_of(survey)
    areas = {a.code: a for a in survey.areas}
    per_area = [(areas.get(code), hidden(n, threshold)) for code, n in found.per_area]
    table: dict[str, dict[str | None, dict[str, int | None]]] = {}
    for row in found.rungs.itertuples(index=False):
        cells = table.setdefault(row.aspect, {}).setdefault(row.area, {r.id: 0 for r in ladder.rungs})
        cells[row.rung] = int(row.count)
    table = {aspect: {area: {rung: hidden(n, threshold) for rung, n in cells.items()} for area, cells in by_area.items()}
             for aspect, by_area in table.items()}
    aspects = [a for a in survey.aspects if a in table] + sorted(set(table) - set(survey.aspects))
    questions = [(s, suppress(s.table, threshold, counts=list(s.counts), derived=dict(s.derived)))
                 for s in found.questions if s.public]
    next_rung = ladder.rung(state.next_rung) if state.next_rung and state.next_rung in ladder else None
    return render_template("results/show.html", survey=survey, state=state, total=hidden(found.responses, threshold),
                           per_area=per_area, aspects=aspects, table=table, ladder=ladder, areas=areas,
                           threshold=threshold, next_rung=next_rung, questions=questions, locale=locale,
                           chart=found.public_chart)
