"""Reporting back: the public results page of a survey and its JSON, once staff publish it.

Both show the survey's latest publication (``ladder.publication``): tables computed once, at a
publication moment, and protected as a whole. This module only formats them. Staff see exact numbers
on the dashboard, not here.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from markupsafe import Markup

from ... import db, lifecycle, report_back
from ..filters import label, number
from ...i18n import _, current_locale
from ...publication import store
from ...text import pick
from . import survey_or_404
from ...registry import registry

bp = Blueprint("results", __name__)


def current_publication(survey):
    """The publication ``/r/`` shows, or None while results are not public (not published, or sealed).
    The first view after results became public makes the first snapshot (the same numbers whoever makes
    it: the cell keys fix the noise)."""
    state = lifecycle.row(survey.slug)
    if state is None or state.results_published_at is None or report_back.sealed(survey, lifecycle.of(survey)):
        return None
    found = store.latest(survey)
    if found is None:
        found = store.publish_with(survey, registry(), current_app.config, min_changes=0).publication
        db.session().commit()
    return found


def chart(table, value_column: str, fills=None) -> Markup:
    """A table's bars (inline SVG) with the same numbers as the table beside it."""
    from ...analysis.charts import bar_rows_svg
    hidden = _("verborgen")
    rows = [(str(label(r.label)), r.cells.get(value_column), hidden if r.cells.get(value_column) is None
             else number(r.cells[value_column])) for r in table.rows]
    return Markup(bar_rows_svg(rows, pick(table.title, current_locale()) if isinstance(table.title, dict)
                               else str(label(table.title)), hidden, fills=fills))


def rung_fills(count: int) -> list[str]:
    from ...analysis.charts import RAMP
    return [RAMP[min(i, len(RAMP) - 1)] for i in range(count)]


@bp.app_context_processor
def _report_back_globals():
    """``results_expected(survey)`` for the result and closed pages (results/_expected.html)."""
    return {"results_expected": report_back.results_expected}


@bp.get("/r/<slug>")
def show(slug):
    survey = survey_or_404(slug)
    publication = current_publication(survey)
    expected = report_back.results_expected(survey)
    if publication is None:
        return render_template("results/not_yet.html", survey=survey, expected=expected)
    state = lifecycle.row(slug)
    reg = registry()
    ladder = reg.ladder_of(survey)
    next_rung = ladder.rung(state.next_rung) if state.next_rung and state.next_rung in ladder else None
    ladders = [(publication.table(f"ladder:{a}"), publication.table(f"ladder-by-area:{a}"),
                publication.table(f"weighted:{a}"))
               for a in survey.aspects if publication.table(f"ladder:{a}") is not None]
    questions = [t for t in publication.tables if t.kind in ("question", "ranking")]
    return render_template("results/show.html", survey=survey, state=state, publication=publication,
                           ladder=ladder, ladders=ladders, questions=questions, next_rung=next_rung,
                           chart=chart, fills=rung_fills(len(ladder.rungs)), max_noise=publication.method["max_noise"],
                           made_on=date.fromisoformat(publication.made_at[:10]),
                           items=report_back.items(survey), expected=expected)


@bp.get("/r/<slug>.json")
def show_json(slug):
    """The same publication as the page, for machines: every table, the method and its parameters."""
    survey = survey_or_404(slug)
    publication = current_publication(survey)
    if publication is None:
        response = jsonify({"title": "Not published", "status": 404,
                            "detail": "The results of this survey are not public (yet)."})
        response.status_code = 404
        response.mimetype = "application/problem+json"
        return response
    return jsonify(publication.to_json())


@bp.get("/s/<slug>/uitnodiging")
def invitation(slug):
    """Where the link and QR code of an invitation letter lead: a form with the code filled in by script."""
    survey = survey_or_404(slug)
    if not lifecycle.is_open(survey):
        return redirect(url_for("resident.start", slug=slug))
    return render_template("results/invitation.html", survey=survey)
