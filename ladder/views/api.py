"""JSON API v1: the same validation and storage path as the HTML form."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from . import registry, survey_or_404
from ..i18n import _
from ..openapi import openapi_document
from ..serialize import survey_dict, survey_summary
from .. import lifecycle
from ..submit import InvalidAnswers, InviteRequired, SurveyClosed, submit
from ..text import LOCALES

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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


def _error(status, message, **extra):
    return jsonify({"error": message, **extra}), status


@bp.get("/surveys")
def surveys():
    items = [survey_summary(s) for s in registry().surveys.values() if lifecycle.of(s).status != "draft"]
    return jsonify({"surveys": sorted(items, key=lambda s: (s["municipality"], s["slug"]))})


@bp.get("/surveys/<slug>")
def survey(slug):
    s = survey_or_404(slug)
    reg = registry()
    return jsonify(survey_dict(s, reg.ladders[s.ladder], reg.question_types))


@bp.post("/surveys/<slug>/responses")
def create_response(slug):
    s = survey_or_404(slug)
    data = request.get_data(cache=True)
    # Before parsing: Python's parser recurses per level. Few brackets at all: no need to look closer.
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and json_depth(data) > MAX_JSON_DEPTH:
        return _error(400, _("Deze JSON is te diep genest."))
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict):
        return _error(400, _('Stuur JSON met de vorm {"answers": {...}, "locale": "nl"}.'))
    locale = body.get("locale", "nl")
    if locale not in LOCALES:
        return _error(422, _("Onbekende taal."), errors={"locale": _("Gebruik nl, fy of en.")})
    try:
        done = submit(registry(), s, body["answers"], locale=locale, channel="api",
                      invite_code=body.get("invite_code") if isinstance(body.get("invite_code"), str) else None)
    except SurveyClosed:
        return _error(409, _("Deze vragenlijst is gesloten."))
    except InviteRequired:
        return _error(403, _("Voor deze vragenlijst is een geldige, ongebruikte uitnodigingscode nodig."))
    except InvalidAnswers as exc:
        return _error(422, _("Niet alle antwoorden zijn goed."), errors=exc.errors)
    return jsonify({
        "id": done.response.id, "receipt": done.receipt, "survey_version": done.response.survey_version,
        "placement_status": done.outcome.status,
        "placements": [p.to_dict() for p in done.outcome.placements],
        "advice": [a.to_dict() for a in done.outcome.advice],
    }), 201


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(registry()))
