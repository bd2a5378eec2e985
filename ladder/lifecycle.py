"""A survey's lifecycle: draft, open (optionally within dates) or closed, as staff set it.

The survey file gives the starting state; once staff change it, the database row wins.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_app_context
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


_COLUMNS = (SurveyState.status, SurveyState.opens_on, SurveyState.closes_on, SurveyState.invite_only,
            SurveyState.results_published_at)


def row(slug: str) -> SurveyState | None:
    """The stored state with its results text, for the pages that show it."""
    return db.session().get(SurveyState, slug)


# Every submission needs its survey's state. Reading it costs more than the rest of the checks, and
# it changes only when staff act, so each process keeps it a few seconds (LIFECYCLE_CACHE_SECONDS).
# A change in this process clears the cache at once; other workers follow within those seconds.
# Dates are compared on every call, so a survey still closes exactly at the end of its window.
_cache: dict[tuple[str, str], tuple[float, Lifecycle]] = {}


def of(survey: Survey) -> Lifecycle:
    """The survey's effective lifecycle."""
    seconds = current_app.config.get("LIFECYCLE_CACHE_SECONDS", 0) if has_app_context() else 0
    key = (str(db.engine().url), survey.slug)
    hit = _cache.get(key)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1]
    found = db.session().execute(select(*_COLUMNS).where(SurveyState.slug == survey.slug)).first()
    if found is None:
        state = Lifecycle(survey.status, survey.opens, survey.closes, False, False)
    else:
        status, opens_on, closes_on, invite_only, published_at = found
        state = Lifecycle(status, opens_on, closes_on, invite_only, published_at is not None)
    if seconds:
        _cache[key] = (now + seconds, state)
    return state


def is_open(survey: Survey) -> bool:
    return of(survey).is_open()


def editable_row(survey: Survey) -> SurveyState:
    """The survey's state row, created from the survey file's values on first change."""
    state = db.session().get(SurveyState, survey.slug)
    if state is None:
        state = SurveyState(slug=survey.slug, status=survey.status, opens_on=survey.opens,
                            closes_on=survey.closes, invite_only=False)
        db.session().add(state)
    _cache.clear()
    return state
