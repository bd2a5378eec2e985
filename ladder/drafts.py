"""Answers in progress, kept server-side and found again by a resume code."""
from __future__ import annotations

from flask import session as cookie
from sqlalchemy import select

from . import db
from .codes import code_hash, new_code
from .models import Draft
from .survey import Survey


def current(survey: Survey) -> tuple[str, Draft] | None:
    """The draft this browser is working on for ``survey``, with its code."""
    code = cookie.get("drafts", {}).get(survey.slug)
    if not code:
        return None
    draft = find(code, survey)
    return (code, draft) if draft else None


def find(code: str, survey: Survey) -> Draft | None:
    return db.session().scalar(select(Draft).where(Draft.code_hash == code_hash(code),
                                                   Draft.survey_slug == survey.slug))


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


def save(draft: Draft, answers: dict, page: str | None) -> None:
    draft.answers = answers
    draft.page = page
    db.session().commit()
