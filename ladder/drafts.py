"""Answers in progress, kept server-side and found again by a resume code."""
from __future__ import annotations

from flask import session as cookie
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from . import db
from .codes import code_hash, new_code
from .models import Draft, utcnow
from .survey import Survey


def current(survey: Survey) -> tuple[str, Draft] | None:
    """The draft this browser is working on for ``survey``, with its code."""
    code = cookie.get("drafts", {}).get(survey.slug)
    if not code:
        return None
    draft = find(code, survey)
    return (code, draft) if draft else None


# Built once, only the values bound per request: building the statement anew (and its cache key) cost
# about as much CPU as the lookup itself on every question page (docs/benchmarks.rst).
_FIND = select(Draft).where(Draft.code_hash == bindparam("code_hash"), Draft.survey_slug == bindparam("slug"))


def find(code: str, survey: Survey) -> Draft | None:
    return db.session().scalar(_FIND, {"code_hash": code_hash(code), "slug": survey.slug})


def start(survey: Survey, locale: str) -> tuple[str, Draft]:
    """Create a draft and remember its code in this browser's session."""
    code = new_code()
    draft = Draft(code_hash=code_hash(code), survey_slug=survey.slug, survey_version=survey.version,
                  answers={}, page=survey.pages[0].id, locale=locale)
    s = db.session()
    s.add(draft)
    s.commit()
    remember(survey, code)
    return code, draft


def remember(survey: Survey, code: str) -> None:
    drafts = dict(cookie.get("drafts", {}))
    drafts[survey.slug] = code
    cookie["drafts"] = drafts


def forget(survey: Survey) -> None:
    drafts = dict(cookie.get("drafts", {}))
    drafts.pop(survey.slug, None)
    cookie["drafts"] = drafts


def save(draft: Draft, answers: dict, page: str | None) -> bool:
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
    for name, value in (("answers", answers), ("page", page), ("updated_at", now)):
        set_committed_value(draft, name, value)
    return True
