"""The one path a response takes, from the form and the API alike: validate, place, commit, notify."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from . import db, invites, lifecycle, metrics
from .answers import validate
from .codes import code_hash, new_code, normalise, seal, unseal
from .models import CHANNELS, Draft, Response, SubmittedDraft, utcday
from .placing import Outcome, place
from .plugins import Registry
from .survey import Survey

log = logging.getLogger(__name__)


class InvalidAnswers(ValueError):
    """The answers do not satisfy the survey; nothing was stored."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(f"{len(errors)} answer(s) not accepted: {', '.join(sorted(errors))}")


class SurveyClosed(RuntimeError):
    """The survey takes no answers now."""


class InviteRequired(PermissionError):
    """An invite-only survey needs an unused invite code."""


class AlreadySubmitted(RuntimeError):
    """This draft was submitted a moment ago (a second click, a second tab): nothing new was stored.

    ``response_id`` and ``receipt`` are the first submission's, so the resident sees that result again."""

    def __init__(self, response_id: int, receipt: str):
        self.response_id, self.receipt = response_id, receipt
        super().__init__(f"draft already submitted as response {response_id}")


class DraftGone(LookupError):
    """The draft is no longer there and was not submitted recently (deleted, purged): nothing was stored."""


# A submitted draft's marker lives until the day after tomorrow (UTC): long enough for a second click,
# a reload or a second tab; the day only, like the response's own time.
MARKER_DAYS = 1


@dataclass(frozen=True)
class Submitted:
    response: Response
    receipt: str  # shown to the resident once; only its hash is stored
    outcome: Outcome


def _counted(store):
    """Count each submission in the metrics, accepted or by why it was refused (see ladder.metrics)."""
    @functools.wraps(store)
    def counted(registry, survey, raw_answers, *, channel="form", **options):
        try:
            done = store(registry, survey, raw_answers, channel=channel, **options)
        except Exception as error:
            if channel in CHANNELS:  # an unknown channel is the caller's mistake, not a submission
                metrics.submission(survey.slug, channel, _refusal(error))
            raise
        metrics.submission(survey.slug, channel, metrics.ACCEPTED)
        return done
    return counted


REFUSALS = ((InvalidAnswers, "invalid"), (SurveyClosed, "closed"), (InviteRequired, "invite_required"),
            (AlreadySubmitted, "already_submitted"), (DraftGone, "draft_gone"))


def _refusal(error: Exception) -> str:
    return next((reason for kind, reason in REFUSALS if isinstance(error, kind)), "error")


@_counted
def submit(registry: Registry, survey: Survey, raw_answers: Mapping[str, Any], *, locale: str = "nl",
           channel: str = "form", draft_code: str | None = None, invite_code: str | None = None,
           invite_key: bytes | None = None,
           before_commit: Callable[[Response, str, Outcome], None] | None = None) -> Submitted:
    """Check, place and store one response in a single transaction, then tell the plugins.

    With ``draft_code`` the draft is consumed exactly once: a conditional DELETE of the draft, in the same
    transaction as the insert, decides; a submit that deletes nothing stores nothing and raises
    ``AlreadySubmitted`` (with the first one's response id and receipt) or ``DraftGone``.
    ``invite_key`` is the key invite codes are hashed with (default: the app's, see ``invites.secret``).
    ``before_commit(response, receipt, outcome)`` may add rows to the same transaction (the API's
    idempotency key); if it or the commit fails, nothing is stored.
    """
    if channel not in CHANNELS:  # paper and assisted answers are keyed in by staff (ladder/views/entry.py)
        raise ValueError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    state = lifecycle.of(survey)
    if not state.is_open():
        raise SurveyClosed(survey.slug)
    if state.invite_only and not (invite_code and invites.find_unused(survey, invite_code, invite_key)):
        if draft_code:
            _raise_if_submitted(draft_code)
        raise InviteRequired(survey.slug)
    answers, errors = validate(survey, raw_answers, registry.question_types)
    if errors:
        raise InvalidAnswers(errors)
    if locale not in survey.locales:
        locale = "nl"
    outcome = place(survey, answers, registry.ladders[survey.ladder], locale)
    area_q = registry.area_question(survey)
    receipt = new_code()
    response = Response(
        survey_slug=survey.slug, survey_version=survey.version, locale=locale, channel=channel,
        area=answers.get(area_q.id) if area_q else None, answers=answers,
        placements=[p.to_dict() for p in outcome.placements], advice=[a.to_dict() for a in outcome.advice],
        placement_status=outcome.status, placement_error=outcome.error, receipt_hash=code_hash(receipt),
    )
    session = db.session()
    try:
        if draft_code:
            # First, so that a second submit of this draft waits here (PostgreSQL: the row lock; SQLite: the
            # write lock) until the first commits, and then deletes nothing.
            consumed = session.execute(delete(Draft).where(Draft.code_hash == code_hash(draft_code))
                                       .execution_options(synchronize_session=False)).rowcount
            if consumed != 1:
                raise _NotConsumed
        # The code is only marked used (the day only); the response keeps no reference to it.
        if state.invite_only and not invites.use(survey, invite_code, invite_key):
            raise InviteRequired(survey.slug)  # used by a racing submission a moment ago
        session.add(response)
        session.flush()
        if draft_code:
            today = utcday().date()
            session.execute(delete(SubmittedDraft).where(SubmittedDraft.day < today - timedelta(days=MARKER_DAYS)))
            session.add(SubmittedDraft(code_hash=code_hash(draft_code), survey_slug=survey.slug,
                                       response_id=response.id, sealed_receipt=seal(receipt, normalise(draft_code)),
                                       day=today))
        if before_commit is not None:
            before_commit(response, receipt, outcome)
        session.commit()
    except _NotConsumed:
        session.rollback()
        _raise_if_submitted(draft_code)
        raise DraftGone(survey.slug) from None
    except Exception:
        session.rollback()
        raise
    notify(registry, response, survey)
    return Submitted(response=response, receipt=receipt, outcome=outcome)


class _NotConsumed(Exception):
    pass


def submitted(draft_code: str) -> tuple[int, str] | None:
    """The response id and receipt of a draft submitted recently, or None."""
    marker = db.session().scalar(select(SubmittedDraft).where(SubmittedDraft.code_hash == code_hash(draft_code)))
    if marker is None:
        return None
    return marker.response_id, unseal(marker.sealed_receipt, normalise(draft_code))


def _raise_if_submitted(draft_code: str) -> None:
    found = submitted(draft_code)
    if found is not None:
        raise AlreadySubmitted(*found)


def notify(registry: Registry, response: Response, survey: Survey) -> None:
    """Call ``response_saved`` through pluggy; a failing plugin is logged and the rest still run."""
    registry.notify("response_saved", response=response, survey=survey)
