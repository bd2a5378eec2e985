"""A survey's lifecycle: draft, open (optionally within dates) or closed, as staff set it.

The survey file gives the starting state; once staff change it, the database row wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import has_request_context, request
from sqlalchemy import Boolean, Date, and_, bindparam, exists, false, or_, select

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
# The statement is built once, on the table's columns (a plain Core select: no ORM result machinery),
# and only the slug is bound per request; building it anew and the ORM path cost about as much CPU as
# the read itself (docs/benchmarks.rst). The read still happens on every request.
_STATE_OF = select(*(SurveyState.__table__.c[c.key] for c in _COLUMNS)).where(
    SurveyState.__table__.c.slug == bindparam("slug"))


def row(slug: str) -> SurveyState | None:
    """The stored state with its results text, for the pages that show it (and may change it)."""
    _forget()
    return db.session().get(SurveyState, slug)


# Never kept in memory between requests: with several workers or servers, a change made on one must be
# refused on all of them from the next request on. Within one request the state is read once (a
# submission asks for it twice: the 404 check and submit itself); what the read costs is in
# docs/benchmarks.rst.
_MEMO = "ladder.lifecycle"


def of(survey: Survey) -> Lifecycle:
    """The survey's effective lifecycle, as the database has it at the start of this request."""
    memo = request.environ.setdefault(_MEMO, {}) if has_request_context() else {}
    state = memo.get(survey.slug)
    if state is None:
        rows = db.read(_STATE_OF, {"slug": survey.slug})
        state = memo[survey.slug] = _state(survey, rows[0] if rows else None)
    return state


# The columns ``of`` reads, for a statement that reads them beside something else (``ladder.drafts.current``
# reads them with the draft: one statement for both on a question page); ``read_beside`` takes them back.
STATE_COLUMNS = _STATE_OF.selected_columns
STATE_KEY = SurveyState.__table__.c.slug


_STATES_OF = select(STATE_KEY, *STATE_COLUMNS).where(STATE_KEY.in_(bindparam("slugs", expanding=True)))


def read_all(surveys) -> None:
    """Read the state of each of ``surveys`` this request has not read yet, in one statement (the index lists
    them all); ``of`` then takes them from here."""
    if not has_request_context():
        return
    memo = request.environ.setdefault(_MEMO, {})
    wanted = [s for s in surveys if s.slug not in memo]
    if not wanted:
        return
    found = {row[0]: row[1:] for row in db.read(_STATES_OF, {"slugs": [s.slug for s in wanted]})}
    for survey in wanted:
        memo[survey.slug] = _state(survey, found.get(survey.slug))


def read_beside(survey: Survey, found) -> None:
    """Keep ``found`` (the values of ``STATE_COLUMNS``, all None without a row) as this request's state of
    ``survey``, as ``of`` would have read it, unless the request read it already."""
    if has_request_context():
        request.environ.setdefault(_MEMO, {}).setdefault(survey.slug, _state(survey, found))


def _state(survey: Survey, found) -> Lifecycle:
    if found is None or found[0] is None:  # no row (status is never NULL in one): the survey file's state
        return Lifecycle(survey.status, survey.opens, survey.closes, False, False)
    status, opens_on, closes_on, invite_only, published_at = found
    return Lifecycle(status, opens_on, closes_on, invite_only, published_at is not None)


# The same rule as ``Lifecycle.is_open``, in SQL, for the statement that stores a response
# (``ladder.submit``): the check and the write are one statement, so no close can fall between them, and a
# submission needs no read of its own. Bound per statement: ``slug``, ``today`` and ``file_open`` (the
# survey file's own state, which holds while staff have not changed it: no row).
_STATE = SurveyState.__table__.c
_TODAY = bindparam("today", type_=Date)
_STORED = select(_STATE.slug).where(_STATE.slug == bindparam("slug"))
_OPEN = (_STATE.status == "open", or_(_STATE.opens_on.is_(None), _STATE.opens_on <= _TODAY),
         or_(_STATE.closes_on.is_(None), _STATE.closes_on >= _TODAY))


def taking_answers(invite_checked: bool):
    """SQL that is true while the survey takes answers; an invite-only survey only when the invite was checked."""
    rule = _OPEN if invite_checked else (*_OPEN, _STATE.invite_only == false())
    return or_(exists(_STORED.where(*rule)), and_(bindparam("file_open", type_=Boolean), ~exists(_STORED)))


def taking_answers_values(survey: Survey) -> dict:
    """The values ``taking_answers`` is bound with for ``survey``, today."""
    today = date.today()
    file_state = Lifecycle(survey.status, survey.opens, survey.closes, False, False)
    return {"slug": survey.slug, "today": today, "file_open": file_state.is_open(today)}


def _forget() -> None:
    """A change is coming in this request: read the state again after it."""
    if has_request_context():
        request.environ.pop(_MEMO, None)


def is_open(survey: Survey) -> bool:
    return of(survey).is_open()


def editable_row(survey: Survey) -> SurveyState:
    """The survey's state row, created from the survey file's values on first change."""
    _forget()
    state = db.session().get(SurveyState, survey.slug)
    if state is None:
        state = SurveyState(slug=survey.slug, status=survey.status, opens_on=survey.opens,
                            closes_on=survey.closes, invite_only=False)
        db.session().add(state)
    return state
