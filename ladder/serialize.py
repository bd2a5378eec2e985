"""Plain-data views of surveys and ladders, shared by the JSON API and the CLI."""
from __future__ import annotations

from typing import Any

from . import lifecycle
from .ladders import Ladder
from .survey import Survey


def ladder_dict(ladder: Ladder) -> dict[str, Any]:
    return {"id": ladder.id, "title": dict(ladder.title), "description": dict(ladder.description),
            "rungs": [{"id": r.id, "level": r.level, "title": dict(r.title), "municipality": dict(r.municipality),
                       "resident": dict(r.resident), "expectation": dict(r.expectation)} for r in ladder.rungs]}


def survey_summary(survey: Survey) -> dict[str, Any]:
    state = lifecycle.of(survey)
    return {"slug": survey.slug, "title": dict(survey.title), "municipality": survey.municipality,
            "open": state.is_open(), "invite_only": state.invite_only, "version": survey.version, "locales": list(survey.locales),
            "minutes": survey.minutes, "ladder": survey.ladder}


def survey_dict(survey: Survey, ladder: Ladder, question_types) -> dict[str, Any]:
    """The full definition: pages, questions with type, labels, choices, required, skip logic."""
    return {
        **survey_summary(survey),
        "intro": dict(survey.intro), "purpose": dict(survey.purpose), "retention": dict(survey.retention),
        "next_steps": dict(survey.next_steps), "aspects": {k: dict(v) for k, v in survey.aspects.items()},
        # JSON objects are unordered to many clients; the list says which aspect comes first (the gap's sign)
        "aspect_order": list(survey.aspects),
        "opens": _iso(lifecycle.of(survey).opens_on), "closes": _iso(lifecycle.of(survey).closes_on),
        "areas": [{"code": a.code, "name": dict(a.name), "kind": a.kind, "parent": a.parent} for a in survey.areas],
        "pages": [{
            "id": p.id, "title": dict(p.title), "intro": dict(p.intro), "show_if": p.show_if,
            "questions": [{
                "id": q.id, "type": q.type, "label": dict(q.label), "help": dict(q.help), "required": q.required,
                "choices": [{"value": c.value, "label": dict(c.label)} for c in q.choices],
                "show_if": q.show_if, "options": dict(q.options), "schema": question_types[q.type].schema(q, survey),
            } for q in p.questions],
        } for p in survey.pages],
        "ladder_definition": ladder_dict(ladder),
        # who answers, and the rung the municipality offers (None for officials' surveys such as the Kompas)
        "respondents": survey.respondents,
        "offer": None if survey.offer is None else {
            "rung": survey.offer.rung, "promise": dict(survey.offer.promise),
            "compare": None if survey.offer.compare is None else list(survey.offer.compare),
            "aspects": {a: {"rung": o.rung, "promise": dict(o.promise)} for a, o in survey.offer.aspects.items()}},
    }


def _iso(day):
    return day.isoformat() if day else None
