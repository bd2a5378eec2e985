"""A survey's lifecycle: draft, open (optionally within dates) or closed, as staff set it.

The survey file gives the starting state; once staff change it, the database row wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g, has_app_context
from sqlalchemy import select

from . import db
from .models import SurveyState
from .survey import Survey

STATUSES = ("draft", "open", "closed")


@dataclass(frozen=True)
class Lifecycle:
    """The effective state of one survey."""

    status: str
    opens_on: date | None
    closes_on: date | None
    invite_only: bool
    published: bool

    def is_open(self, today: date | None = None) -> bool:
        today = today or date.today()
        if self.status != "open":
            return False
        if self.opens_on and today < self.opens_on:
            return False
        return not (self.closes_on and today > self.closes_on)


def _rows() -> dict[str, SurveyState]:
    # One query per request for every survey's state, shared by the index and the survey pages.
    if has_app_context() and "survey_states" in g:
        return g.survey_states
    rows = {row.slug: row for row in db.session().scalars(select(SurveyState))}
    if has_app_context():
        g.survey_states = rows
    return rows


def row(slug: str) -> SurveyState | None:
    return _rows().get(slug)


def of(survey: Survey) -> Lifecycle:
    """The survey's effective lifecycle."""
    state = row(survey.slug)
    if state is None:
        return Lifecycle(survey.status, survey.opens, survey.closes, False, False)
    return Lifecycle(state.status, state.opens_on, state.closes_on, state.invite_only,
                     state.results_published_at is not None)


def is_open(survey: Survey) -> bool:
    return of(survey).is_open()


def editable_row(survey: Survey) -> SurveyState:
    """The survey's state row, created from the survey file's values on first change."""
    state = db.session().get(SurveyState, survey.slug)
    if state is None:
        state = SurveyState(slug=survey.slug, status=survey.status, opens_on=survey.opens,
                            closes_on=survey.closes, invite_only=False)
        db.session().add(state)
    g.pop("survey_states", None)
    return state
