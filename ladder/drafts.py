"""Answers in progress, kept server-side and found again by a resume code."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from flask import session as cookie
from sqlalchemy import bindparam, select, update

from . import db
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
    draft = find(code, survey)
    return (code, draft) if draft else None


# Built once, only the values bound per request: building the statement anew (and its cache key) cost
# about as much CPU as the lookup itself on every question page (docs/benchmarks.rst). A plain Core select on
# the table's columns: the ORM's identity map and loading cost as much again (the draft is only read here; a
# change goes through ``save``'s UPDATE).
_DRAFTS = Draft.__table__
_FIND = select(*(_DRAFTS.c[name] for name in _COLUMNS)).where(_DRAFTS.c.code_hash == bindparam("code_hash"),
                                 _DRAFTS.c.survey_slug == bindparam("slug"))


def find(code: str, survey: Survey) -> Found | None:
    """The draft with resume code ``code`` for ``survey``."""
    found = db.read(_FIND, {"code_hash": code_hash(code), "slug": survey.slug}).first()
    return Found(*found) if found is not None else None


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
