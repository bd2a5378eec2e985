"""JSON API v1: the same validation and storage path as the HTML form."""
from __future__ import annotations

import json
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from . import survey_or_404
from ...registry import registry, registry_for
from .errors import problem
from ...i18n import _
from ...openapi import API_VERSION, openapi_document
from ...serialize import survey_dict, survey_summary
from ... import db, lifecycle, plans
from ...codes import derive_key, keyed_text_hash, seal, unseal
from ...models import IdempotencyKey, utcday
from ...submit import InvalidAnswers, InviteRequired, SurveyClosed, submit
from ...text import LOCALES

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_app_request
def api_version(response):
    """The API-Version header (NL API Design Rules) on every response under /api/, errors and unknown paths
    included: the full version of the API, as info.version in the OpenAPI document."""
    if request.path.startswith("/api/"):
        response.headers["API-Version"] = API_VERSION
    return response


# Answers are at most a list inside an object inside the body: depth 3. Some room for clients' extras.
MAX_JSON_DEPTH = 16


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text, brackets inside strings not counted."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _error(status, message, kind, **extra):
    """A problem details response (application/problem+json) of ladder's problem type ``kind``."""
    return problem(status, message, kind, **extra)


@bp.get("/surveys")
def surveys():
    items = [survey_summary(s) for s in registry().surveys.values() if lifecycle.of(s).status != "draft"]
    return jsonify({"surveys": sorted(items, key=lambda s: (s["municipality"], s["slug"]))})


@bp.get("/surveys/<slug>")
def survey(slug):
    s = plans.with_plan_offer(db.session(), survey_or_404(slug))  # a plan's offer wins (issue 20)
    reg = registry()
    return jsonify(survey_dict(s, reg.ladders[s.ladder], reg.question_types))


@bp.post("/surveys/<slug>/responses")
def create_response(slug):
    # The survey's state is not read here: ``submit`` checks it in its INSERT (one round trip). Every other
    # answer first asks survey_or_404, so a survey that staff keep as a draft is still a 404 whatever was sent.
    reg = registry_for(slug)
    s = reg.survey(slug) or survey_or_404(slug)
    data = request.get_data(cache=True)
    # Before parsing: Python's parser recurses per level. Few brackets at all: no need to look closer.
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and json_depth(data) > MAX_JSON_DEPTH:
        return _refuse(slug, 400, _("Deze JSON is te diep genest."), "json-too-deep")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict):
        return _refuse(slug, 400, _('Stuur JSON met de vorm {"answers": {...}, "locale": "nl"}.'), "wrong-body")
    locale = body.get("locale", "nl")
    if locale not in LOCALES or locale not in s.locales:  # only the languages the survey is offered in (issue 13)
        return _refuse(slug, 422, _("Onbekende taal."), "unknown-locale",
                       errors={"locale": _("Gebruik %(locales)s.", locales=_or(s.locales))})
    idem = _Idempotency.from_request(s.slug, body)
    if isinstance(idem, current_app.response_class):  # an error answer (problem details)
        survey_or_404(slug)
        return idem
    if idem is not None:
        earlier = idem.replay()
        if earlier is not None:
            survey_or_404(slug)
            return earlier
    try:
        done = submit(reg, s, body["answers"], locale=locale, channel="api",
                      invite_code=body.get("invite_code") if isinstance(body.get("invite_code"), str) else None,
                      before_commit=idem.remember if idem is not None else None)
    except SurveyClosed:
        return _refuse(slug, 409, _("Deze vragenlijst is gesloten."), "survey-closed")
    except InviteRequired:
        return _refuse(slug, 403, _("Voor deze vragenlijst is een geldige, ongebruikte uitnodigingscode nodig."),
                       "invite-required")
    except InvalidAnswers as exc:
        return _refuse(slug, 422, _("Niet alle antwoorden zijn goed."), "invalid-answers", errors=exc.errors)
    except IntegrityError:
        # A concurrent request with the same Idempotency-Key committed first: answer as it did.
        earlier = idem.replay() if idem is not None else None
        if earlier is None:
            raise
        return earlier
    return jsonify(_created(done.response, done.receipt, done.outcome)), 201


def _refuse(slug, status, message, kind, **extra):
    """A problem details answer, unless the survey is a draft (then 404, as every other page answers)."""
    survey_or_404(slug)
    return _error(status, message, kind, **extra)


def _or(words) -> str:
    """"nl", "nl of fy", "nl, fy of en"."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " " + _("of") + " " + words[-1]


def _created(response, receipt, outcome) -> dict:
    return {
        "id": response.id, "receipt": receipt, "survey_version": response.survey_version,
        "placement_status": outcome.status,
        "placements": [p.to_dict() for p in outcome.placements],
        "advice": [a.to_dict() for a in outcome.advice],
    }


# How long an Idempotency-Key is remembered, and how long it may be.
IDEMPOTENCY_HOURS = 24
IDEMPOTENCY_KEY_MAX = 255


class _Idempotency:
    """One request's Idempotency-Key: stored as an HMAC with the server's key (with the survey), with an HMAC
    of the body, the response id and the answer; the receipt in it sealed with the key. Purged after 24 h."""

    def __init__(self, slug: str, key: str, body: dict):
        secret = derive_key(current_app.config["SECRET_KEY"], "idempotency-keys")
        self.key_hash = keyed_text_hash(f"{slug}\n{key}", secret)
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        self.body_hash = keyed_text_hash(canonical, secret)
        self.sealing = keyed_text_hash(f"receipt\n{slug}\n{key}", secret)

    @classmethod
    def from_request(cls, slug: str, body: dict):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return None
        if not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX or not key.isprintable() or not key.isascii():
            return _error(400, _("De Idempotency-Key moet 1 tot 255 gewone tekens (ASCII) lang zijn."),
                          "invalid-idempotency-key")
        return cls(slug, key, body)

    def replay(self):
        """The first answer for this key, a 409 if the key came with another body, or None (not seen)."""
        session = db.session()
        cutoff = utcday() - timedelta(hours=IDEMPOTENCY_HOURS)  # keys keep the day only
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
        session.commit()
        stored = session.scalar(select(IdempotencyKey).where(IdempotencyKey.key_hash == self.key_hash))
        if stored is None:
            return None
        if stored.body_hash != self.body_hash:
            # 409, not 422: the request itself may be fine; it conflicts with the earlier one under this key.
            return _error(409, _("Deze Idempotency-Key is al gebruikt voor een ander verzoek, met andere gegevens. "
                                 "Gebruik een nieuwe sleutel voor nieuwe antwoorden."), "idempotency-key-reused")
        return jsonify({**stored.body, "receipt": unseal(stored.sealed_receipt, self.sealing)}), stored.status

    def remember(self, response, receipt, outcome) -> None:
        """Called by ``submit`` inside its transaction: the key is stored with the response, or neither."""
        answer = _created(response, receipt, outcome)
        answer["receipt"] = None  # only the client that holds the key may see it again: sealed with the key
        db.session().add(IdempotencyKey(key_hash=self.key_hash, body_hash=self.body_hash, response_id=response.id,
                                        status=201, body=answer, sealed_receipt=seal(receipt, self.sealing)))
        db.session().flush()


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(registry()))
