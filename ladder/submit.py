"""The one path a response takes, from the form and the API alike: validate, place, commit, notify."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete

from . import db, invites, lifecycle
from .answers import validate
from .codes import code_hash, new_code
from .models import Draft, Response
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


@dataclass(frozen=True)
class Submitted:
    response: Response
    receipt: str  # shown to the resident once; only its hash is stored
    outcome: Outcome


def submit(registry: Registry, survey: Survey, raw_answers: Mapping[str, Any], *, locale: str = "nl",
           channel: str = "form", draft_code: str | None = None, invite_code: str | None = None) -> Submitted:
    """Check, place and store one response in a single transaction, then tell the plugins."""
    state = lifecycle.of(survey)
    if not state.is_open():
        raise SurveyClosed(survey.slug)
    if state.invite_only and not (invite_code and invites.find_unused(survey, invite_code)):
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
        if state.invite_only:
            response.invite_code_id = invites.use(survey, invite_code)
            if response.invite_code_id is None:  # used by a racing submission a moment ago
                raise InviteRequired(survey.slug)
        session.add(response)
        if draft_code:
            session.execute(delete(Draft).where(Draft.code_hash == code_hash(draft_code)))
        session.commit()
    except Exception:
        session.rollback()
        raise
    notify(registry, response, survey)
    return Submitted(response=response, receipt=receipt, outcome=outcome)


def notify(registry: Registry, response: Response, survey: Survey) -> None:
    """Call ``response_saved`` through pluggy; a failing plugin is logged and the rest still run."""
    registry.notify("response_saved", response=response, survey=survey)
