"""Realistic responses for the report-back tests and screenshots: a few hundred per survey over several areas.

Answers are drawn from each question's own JSON Schema (``QuestionType.schema``, what the API accepts) with a
fixed random seed and stored through ``ladder.submit.submit``, so they are checked and placed exactly as a
resident's would be. Areas get uneven numbers (a few large, some small), so that small areas are merged into
their parent on the public page and some cells are hidden.
"""
from __future__ import annotations

import random

from ladder import lifecycle
from ladder.submit import InvalidAnswers, submit

FREE_TEXT = ["Meer groen in de straat.", "Een bankje bij de bushalte.", "Betere verlichting op het pad."]


def _draw(schema: dict, rng: random.Random, weights_for=None):
    for key in ("anyOf", "oneOf"):  # e.g. a scale takes 3 or "3": draw from the first form
        if key in schema:
            return _draw(schema[key][0], rng, weights_for)
    kind = schema.get("type")
    if "enum" in schema:
        values = list(schema["enum"])
        weights = weights_for(values) if weights_for else None
        return rng.choices(values, weights=weights)[0]
    if kind == "array":
        items = schema.get("items", {})
        values = list(items.get("enum", []))
        if not values:
            return []
        low = schema.get("minItems", 1)
        high = schema.get("maxItems", len(values))
        if low == high:  # a ranking: exactly this many, in order of preference
            weights = [len(values) - i for i in range(len(values))]
            chosen: list = []
            while len(chosen) < low:
                pick = rng.choices(values, weights=weights)[0]
                if pick not in chosen:
                    chosen.append(pick)
            return chosen
        return rng.sample(values, rng.randint(max(low, 1), max(min(high, len(values)), 1)))
    if kind in ("integer", "number"):
        low = schema.get("minimum", 0)
        high = schema.get("maximum", 10)
        if high - low > 10_000:
            low, high = max(low, 0), min(high, 5000)
        return rng.randint(int(low), int(high))
    if kind == "string":
        return rng.choice(FREE_TEXT)
    return None


def answers_for(registry, survey, rng: random.Random, area: str | None) -> dict:
    area_q = registry.area_question(survey)
    answers = {}
    for question in survey.questions:
        if area_q is not None and question.id == area_q.id:
            answers[question.id] = area
            continue
        schema = registry.type_of(question).schema(question, survey)
        if question.type in ("short_text", "long_text") and rng.random() < 0.7:
            continue
        answers[question.id] = _draw(schema, rng)
    return answers


def area_plan(registry, survey, total: int, rng: random.Random) -> list[str | None]:
    """Which area each of ``total`` responses comes from: a handful of areas, uneven (one small)."""
    area_q = registry.area_question(survey)
    if area_q is None:
        return [None] * total
    codes = list(registry.type_of(area_q).schema(area_q, survey)["enum"])
    rng.shuffle(codes)
    chosen = codes[: min(6, len(codes))]
    weights = [30, 20, 15, 10, 4, 1][: len(chosen)]
    return rng.choices(chosen, weights=weights, k=total)


def seed(app, survey_slug: str, total: int = 240, seed_value: int = 12) -> int:
    """Store ``total`` responses for the survey (opened first); returns how many were stored."""
    from ladder.registry import registry as current_registry
    rng = random.Random(f"{survey_slug}-{seed_value}")
    stored = 0
    with app.test_request_context():
        reg = current_registry()
        survey = reg.survey(survey_slug)
        state = lifecycle.editable_row(survey)
        state.status, state.opens_on, state.closes_on, state.invite_only = "open", None, None, False
        from ladder import db
        db.session().commit()
        for area in area_plan(reg, survey, total, rng):
            raw = answers_for(reg, survey, rng, area)
            for _attempt in range(6):
                try:
                    submit(reg, survey, raw, channel=rng.choice(["form", "form", "form", "api"]))
                    stored += 1
                    break
                except InvalidAnswers as exc:
                    errors = exc.errors
                    for qid in list(errors):  # a rule the schema cannot say (skip logic, a limit): draw again
                        raw.pop(qid, None)
                        question = next((q for q in survey.questions if q.id == qid), None)
                        if question is not None and rng.random() < 0.5:
                            raw[qid] = _draw(reg.type_of(question).schema(question, survey), rng)
    return stored


def set_status(app, survey_slug: str, status: str) -> None:
    """Set a survey's lifecycle status as staff would (results stay sealed while a survey is open)."""
    from ladder import db
    from ladder.registry import registry as current_registry
    with app.test_request_context():
        lifecycle.editable_row(current_registry().survey(survey_slug)).status = status
        db.session().commit()


def publish(app, survey_slug: str, text: str = "We pakken de drie belangrijkste onderwerpen als eerste aan.",
            close: bool = True) -> None:
    """Close the survey (results stay sealed while it is open) and publish its results."""
    from ladder import db
    from ladder.models import utcnow
    from ladder.registry import registry as current_registry
    with app.test_request_context():
        survey = current_registry().survey(survey_slug)
        state = lifecycle.editable_row(survey)
        if close:
            state.status = "closed"
        state.results_text, state.results_published_at = text, utcnow()
        db.session().commit()
