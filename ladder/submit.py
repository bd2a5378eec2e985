"""The one path a response takes, from the form and the API alike: validate, place, commit, notify."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import class_mapper

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

    The survey's lifecycle is checked in the INSERT itself (``lifecycle.taking_answers``), so a survey closed
    a moment before is refused and nothing falls between the check and the write. A plain submission (no
    draft, invite code or ``before_commit``) is that one statement alone: one round trip on PostgreSQL.
    With ``draft_code`` the draft is consumed exactly once: a conditional DELETE of the draft, in the same
    transaction as the insert, decides; a submit that deletes nothing stores nothing and raises
    ``AlreadySubmitted`` (with the first one's response id and receipt) or ``DraftGone``.
    ``invite_key`` is the key invite codes are hashed with (default: the app's, see ``invites.secret``).
    ``before_commit(response, receipt, outcome)`` may add rows to the same transaction (the API's
    idempotency key); if it or the commit fails, nothing is stored.
    """
    if channel not in CHANNELS:  # paper and assisted answers are keyed in by staff (ladder/web/views/entry.py)
        raise ValueError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    alone = draft_code is None and invite_code is None and before_commit is None
    if not alone:
        _admit(survey, draft_code, invite_code, invite_key)
    answers, errors = validate(survey, raw_answers, registry.question_types)
    if errors:
        if alone:  # a closed survey is refused before its answers are judged, as on the other paths
            _admit(survey, draft_code, invite_code, invite_key)
        raise InvalidAnswers(errors)
    if locale not in survey.locales:
        locale = "nl"
    outcome = place(survey, answers, registry.ladders[survey.ladder], locale)
    area_q = registry.area_question(survey)
    receipt = new_code()
    row = dict(
        survey_slug=survey.slug, survey_version=survey.version, locale=locale, channel=channel,
        area=answers.get(area_q.id) if area_q else None, answers=answers,
        placements=[p.to_dict() for p in outcome.placements], advice=[a.to_dict() for a in outcome.advice],
        placement_status=outcome.status, placement_error=outcome.error, receipt_hash=code_hash(receipt),
        created_at=utcday(),
    )
    response = _response(row)
    values = {**row, **lifecycle.taking_answers_values(survey)}
    if alone:
        response.id = _store_alone(values)
        if response.id is None:  # not taking answers: say why (or, reopened a moment ago, store it below)
            _admit(survey, draft_code, invite_code, invite_key)
    if response.id is None:
        _store_in_transaction(survey, response, receipt, outcome, values, draft_code, invite_code, invite_key,
                              before_commit)
    notify(registry, response, survey)
    return Submitted(response=response, receipt=receipt, outcome=outcome)


def _admit(survey: Survey, draft_code: str | None, invite_code: str | None, invite_key: bytes | None) -> None:
    """Raise what refuses this submission before its answers are looked at: closed, or no unused invite."""
    state = lifecycle.of(survey)
    if not state.is_open():
        raise SurveyClosed(survey.slug)
    if state.invite_only and not (invite_code and invites.find_unused(survey, invite_code, invite_key)):
        if draft_code:
            _raise_if_submitted(draft_code)
        raise InviteRequired(survey.slug)


def _response(row: dict) -> Response:
    """The ``Response`` the caller and the ``response_saved`` hooks get: the row's values, as if read back.

    The row is written by a Core statement, not by a session, so the ORM has no changes to track: the values
    go straight into the object's state (as a query's result would), which costs about a twentieth of
    ``Response(**row)``'s attribute events (≈ 1 µs against ≈ 24 µs)."""
    response = class_mapper(Response).class_manager.new_instance()  # (class_mapper: the mappers are set up)
    inspect(response).dict.update(row)
    return response


# The response's columns as the INSERT takes them (``id`` comes back; ``withdrawn_at`` stays empty).
_STORED_COLUMNS = ("survey_slug", "survey_version", "locale", "channel", "area", "answers", "placements", "advice",
                   "placement_status", "placement_error", "receipt_hash", "created_at")


def _insert(invite_checked: bool):
    """INSERT ... SELECT <the values> WHERE <the survey takes answers> RETURNING id: built once, values bound."""
    table = Response.__table__
    row = select(*(bindparam(c, type_=table.c[c].type) for c in _STORED_COLUMNS))
    return (insert(table).from_select(_STORED_COLUMNS, row.where(lifecycle.taking_answers(invite_checked)))
            .returning(table.c.id))


_INSERT = {False: _insert(False), True: _insert(True)}


def _store_alone(values: dict) -> int | None:
    """Store the row with one statement in a transaction of its own; its id, or None if the survey is closed.

    On PostgreSQL the statement runs in autocommit: one round trip, no BEGIN or COMMIT. A connection found
    dropped (a database restart) is retried once on a new one. The statement may have been carried out
    before the connection went; the receipt hash (unique) tells, so a retry never stores an answer twice.
    """
    try:
        return _run_alone(_INSERT[False], values)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        log.warning("database connection lost during a submission; trying once more: %s", exc.orig)
    try:
        new_id = _run_alone(_INSERT[False], values)
    except IntegrityError:  # the receipt is there: the first attempt was written after all
        new_id = None
    if new_id is None:
        new_id = _run_alone(_ID_OF_RECEIPT, values)
    return new_id


_ID_OF_RECEIPT = select(Response.id).where(Response.receipt_hash == bindparam("receipt_hash"),
                                           Response.survey_slug == bindparam("survey_slug"))


def _run_alone(statement, values: dict) -> int | None:
    engine = db.engine()
    if engine.dialect.name == "sqlite":  # in-process: no round trips to save; one short write transaction
        with engine.begin() as conn:
            return conn.execute(statement, values).scalar()
    with db.autocommit_engine().connect() as conn:
        return conn.execute(statement, values).scalar()


def _store_in_transaction(survey, response, receipt, outcome, values, draft_code, invite_code, invite_key,
                          before_commit) -> None:
    """Store the row with the draft, the invite code and ``before_commit``'s rows: all of them or none."""
    state = lifecycle.of(survey)
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
        response.id = session.execute(_INSERT[state.invite_only], values).scalar()
        if response.id is None:
            raise SurveyClosed(survey.slug)  # closed since the state was read: nothing is stored
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
