"""Keeping answers no longer than needed: delete a closed survey's responses after a retention period.

A survey counts as closed from its closing date (``closes_on``) or, when staff closed it by hand,
from the day they did. ``ladder purge`` runs this (daily, e.g. from cron); docs/privacy.rst explains it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from .models import Draft, InviteCode, Response, SurveyState, WithdrawalCount
from .withdrawal import erase_on_commit, erase_traces


@dataclass(frozen=True)
class Purge:
    slug: str
    closed_on: date
    responses: int


def closed_on(state: SurveyState | None, survey, today: date) -> date | None:
    """The day ``survey`` closed, or None while it is not closed."""
    closes_on = state.closes_on if state is not None else survey.closes
    status = state.status if state is not None else survey.status
    if closes_on is not None and closes_on < today:
        return closes_on
    if status == "closed":
        return state.updated_at.date() if state is not None else closes_on or today
    return None


def due(session, surveys, months: int, today: date | None = None) -> list[Purge]:
    """The surveys closed more than ``months`` months ago (30 days a month) that still hold responses."""
    today = today or date.today()
    cutoff = today - timedelta(days=30 * months)
    states = {s.slug: s for s in session.scalars(select(SurveyState))}
    out = []
    for survey in surveys:
        closed = closed_on(states.get(survey.slug), survey, today)
        if closed is None or closed > cutoff:
            continue
        count = session.scalar(select(func.count()).select_from(Response).where(Response.survey_slug == survey.slug))
        drafts = session.scalar(select(func.count()).select_from(Draft).where(Draft.survey_slug == survey.slug))
        if count or drafts:
            out.append(Purge(survey.slug, closed, count))
    return out


def purge(session, slug: str) -> int:
    """Delete every response of survey ``slug`` and all that points at them (drafts, invite codes, the
    withdrawal count, idempotency keys, submit markers), in the caller's transaction; return the
    responses deleted. Used by ``ladder purge`` and by staff's "delete all"."""
    erase_traces(session, slug)
    erase_on_commit(session)
    deleted = session.execute(delete(Response).where(Response.survey_slug == slug)).rowcount
    session.execute(delete(Draft).where(Draft.survey_slug == slug))
    session.execute(delete(InviteCode).where(InviteCode.survey_slug == slug))
    session.execute(delete(WithdrawalCount).where(WithdrawalCount.survey_slug == slug))
    return deleted
