"""Reporting back: the public results page of a survey, once staff publish it."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from .. import lifecycle
from . import registry, survey_or_404
from ..charts_inline import rung_chart_uri
from ..dashboard import aspect_order, numbers, suppressed

bp = Blueprint("results", __name__)


@bp.get("/r/<slug>")
def show(slug):
    survey = survey_or_404(slug)
    state = lifecycle.row(slug)
    if state is None or state.results_published_at is None:
        return render_template("results/not_yet.html", survey=survey)
    threshold = current_app.config["RESULTS_MIN_COUNT"]
    counted = numbers(survey)
    ladder = registry().ladders[survey.ladder]
    areas = {a.code: a for a in survey.areas}
    per_area = [(areas.get(code), suppressed(n, threshold)) for code, n in counted.per_area]
    aspects = aspect_order(survey, counted)
    table = {aspect: {area: {rung.id: suppressed(counted.rungs.get((aspect, area, rung.id), 0), threshold)
                             for rung in ladder.rungs} for _a, area, _r in counted.rungs if _a == aspect}
             for aspect in aspects}
    next_rung = ladder.rung(state.next_rung) if state.next_rung and state.next_rung in ladder else None
    return render_template("results/show.html", survey=survey, state=state, total=suppressed(counted.responses, threshold),
                           per_area=per_area, aspects=aspects, table=table, ladder=ladder, areas=areas,
                           threshold=threshold, next_rung=next_rung,
                           chart=rung_chart_uri(survey, registry(), threshold) if counted.responses else None)
