"""Answers in progress, kept server-side and found again by a resume code."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from flask import has_request_context, request, session as cookie
from sqlalchemy import String, and_, bindparam, cast, select, update

from . import db, lifecycle
from .codes import code_hash, new_code
from .models import Draft, utcnow
from .survey import Survey


@dataclass(slots=True)
class Found:
    """A stored draft as read: its row's columns, outside the ORM session (``save`` stores a change)."""

    id: int
    code_hash: str
    survey_slug: str
    survey_version: str
    answers: dict[str, Any]
    page: str | None
    locale: str
    updated_at: datetime


_COLUMNS = tuple(f.name for f in fields(Found))


def current(survey: Survey) -> tuple[str, Found] | None:
    """The draft this browser is working on for ``survey``, with its code."""
    code = cookie.get("drafts", {}).get(survey.slug)
    if not code:
        return None
    read = request.environ.pop(_READ, None) if has_request_context() else None
    draft = read[2] if read is not None and read[:2] == (survey.slug, code) else find(code, survey)
    return (code, draft) if draft else None


def read_with_state(survey: Survey) -> None:
    """Read this browser's draft for ``survey`` and the survey's lifecycle in one statement, for a page that needs
    both: ``lifecycle.of`` and the next ``current`` of this request take them from here. Without a draft code in
    the cookie there is nothing to read beside the lifecycle, which ``lifecycle.of`` then reads on its own."""
    code = cookie.get("drafts", {}).get(survey.slug)
    if not code or not has_request_context():
        return
    (row,) = db.read(_WITH_STATE, {"slug": survey.slug, "code_hash": code_hash(code)})  # always one row
    lifecycle.read_beside(survey, row[:_STATE_WIDTH])
    found = row[_STATE_WIDTH:]
    request.environ[_READ] = (survey.slug, code, Found(*found) if found[0] is not None else None)


# Built once, only the values bound per request: building the statement anew (and its cache key) cost
# about as much CPU as the lookup itself on every question page (docs/benchmarks.rst). A plain Core select on
# the table's columns: the ORM's identity map and loading cost as much again (the draft is only read here; a
# change goes through ``save``'s UPDATE).
_DRAFTS = Draft.__table__
_FIND = select(*(_DRAFTS.c[name] for name in _COLUMNS)).where(_DRAFTS.c.code_hash == bindparam("code_hash"),
                                 _DRAFTS.c.survey_slug == bindparam("slug"))


# The survey's slug as a one-row table, the state and the draft joined to it: one row whatever is stored (the
# state's key and the draft's code hash are unique). The cast tells PostgreSQL the parameter's type.
_SLUG = select(cast(bindparam("slug"), String).label("slug")).subquery("wanted")
_WITH_STATE = select(*lifecycle.STATE_COLUMNS, *(_DRAFTS.c[name] for name in _COLUMNS)).select_from(
    _SLUG.outerjoin(lifecycle.STATE_KEY.table, lifecycle.STATE_KEY == _SLUG.c.slug).outerjoin(
        _DRAFTS, and_(_DRAFTS.c.code_hash == bindparam("code_hash"), _DRAFTS.c.survey_slug == _SLUG.c.slug)))
_STATE_WIDTH = len(lifecycle.STATE_COLUMNS)
_READ = "ladder.drafts.read"  # (slug, code, draft or None) read beside the state, for this request's current()


def find(code: str, survey: Survey) -> Found | None:
    """The draft with resume code ``code`` for ``survey``."""
    found = db.read(_FIND, {"code_hash": code_hash(code), "slug": survey.slug})
    return Found(*found[0]) if found else None


def start(survey: Survey, locale: str) -> tuple[str, Found]:
    """Create a draft and remember its code in this browser's session."""
    code = new_code()
    draft = Draft(code_hash=code_hash(code), survey_slug=survey.slug, survey_version=survey.version,
                  answers={}, page=survey.pages[0].id, locale=locale)
    s = db.session()
    s.add(draft)
    s.commit()
    remember(survey, code)
    return code, Found(*(getattr(draft, name) for name in _COLUMNS))


def remember(survey: Survey, code: str) -> None:
    drafts = dict(cookie.get("drafts", {}))
    drafts[survey.slug] = code
    cookie["drafts"] = drafts


def forget(survey: Survey) -> None:
    drafts = dict(cookie.get("drafts", {}))
    drafts.pop(survey.slug, None)
    cookie["drafts"] = drafts


def save(draft: Found, answers: dict, page: str | None) -> bool:
    """Store the answers so far; False (nothing stored) if the draft is gone, e.g. submitted a moment ago.

    A conditional UPDATE: a draft deleted by a concurrent submit is a row count of 0, not an error."""
    s = db.session()
    now = utcnow()
    saved = s.execute(update(Draft).where(Draft.id == draft.id).values(answers=answers, page=page, updated_at=now)
                      .execution_options(synchronize_session=False)).rowcount == 1
    if not saved:
        s.rollback()
        return False
    s.commit()
    draft.answers, draft.page, draft.updated_at = answers, page, now
    return True
