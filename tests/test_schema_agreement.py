"""The published answer schema and the API give the same verdict on the same answers (issue 13).

For every bundled survey, hypothesis builds answer sets from the survey's own definition: right
answers, and the near misses a client makes (duplicates, too few or too many choices, a value not
in the list, an area the survey does not have, numbers out of range or of the wrong type, text too
long, a missing required question, answers to questions the skip logic hides, unknown question
ids, a locale the survey does not offer). Each body is validated with jsonschema against the
request body schema of ``/api/v1/openapi.json`` and posted to the API: valid by the schema must
be 201, invalid must be 422.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conftest import examples
from ladder import load_registry

EXAMPLES = examples("AGREEMENT", 200)
AGREEMENT = settings(max_examples=EXAMPLES,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.data_too_large, HealthCheck.filter_too_much])
SLUGS = sorted(load_registry({}).surveys)
# words that are close to real values: other choices' values, empty, case and space variants
NEAR_TEXT = st.sampled_from(["", " ", "ja", "Ja", "nee", "x", "onbekend", "\u00a0", "a\u0000b", "3", "²"])
ANY_SCALAR = st.none() | st.booleans() | st.integers(-3, 20) | st.floats(allow_nan=False) | NEAR_TEXT


def _choice_values(question):
    return [c.value for c in question.choices]


def _good(question, survey):
    """A strategy for a right value of one question, from the survey file's settings."""
    kind, opts = question.type, question.options
    values = _choice_values(question)
    if kind == "single_choice":
        return st.sampled_from(values)
    if kind == "area":
        kinds = opts.get("kinds")
        return st.sampled_from([a.code for a in survey.areas if not kinds or a.kind in kinds])
    if kind == "multiple_choice":
        low = opts.get("min_choices") or (1 if question.required else 0)
        return st.lists(st.sampled_from(values), min_size=low, max_size=opts.get("max_choices", len(values)),
                        unique=True)
    if kind == "ranking":
        top = opts.get("top", len(values))
        return st.permutations(values).map(lambda order: order[:top])
    if kind == "scale":
        return st.integers(opts.get("min", 1), opts.get("max", 5))
    if kind == "number":
        low, high = opts.get("min", -10**6), opts.get("max", 10**6)
        return st.integers(low, high) if opts.get("integer", True) else st.floats(low, high, allow_nan=False)
    if kind in ("short_text", "long_text"):
        limit = int(opts.get("max_length", 200 if kind == "short_text" else 2000))
        return st.text(alphabet="abcdeé ,.!?-019", min_size=1, max_size=min(limit, 20)).filter(str.strip)
    return ANY_SCALAR  # a plugin's own type: anything


def _near_miss(question, survey):
    """A strategy for what a client gets wrong about one question (some of it still right)."""
    kind, opts = question.type, question.options
    values = _choice_values(question) or [a.code for a in survey.areas] or ["x"]
    any_value = st.sampled_from(values)
    if kind in ("multiple_choice", "ranking"):
        size = len(values) + 2
        return st.one_of(st.lists(any_value, min_size=2, max_size=size),  # duplicates likely
                         st.lists(any_value, max_size=size, unique=True),  # too few or too many
                         st.lists(any_value | NEAR_TEXT | st.integers(0, 3), max_size=size),
                         any_value, ANY_SCALAR)
    if kind in ("scale", "number"):
        low, high = opts.get("min", 1 if kind == "scale" else -10), opts.get("max", 5 if kind == "scale" else 100)
        near = st.integers(low - 2, high + 2)
        # numbers in text ("1.000,50", "€ 15") are the form's input, which the API also reads; their
        # range cannot be said in JSON Schema, so the schema says number and they are not sent here
        texts = near.map(lambda n: f" 0{n}" if n >= 0 else str(n)) | near.map(str) if kind == "scale" else st.nothing()
        return st.one_of(near, st.floats(low - 1, high + 1, allow_nan=False), texts,
                         st.just(float(low)), st.integers(-10**20, 10**20), ANY_SCALAR.filter(
                             lambda v: kind == "scale" or not isinstance(v, str) or not v.strip()))
    if kind in ("short_text", "long_text"):
        limit = int(opts.get("max_length", 200 if kind == "short_text" else 2000))
        return st.one_of(st.just("a" * limit), st.just("a" * (limit + 1)), st.just("é" * limit), st.just(" " * 3),
                         st.text(alphabet=st.characters(codec="utf-8"), max_size=12), ANY_SCALAR)
    # single choice, area, a plugin's type
    return st.one_of(any_value.map(str.upper), any_value.map(lambda v: v + " "), st.lists(any_value, max_size=2),
                     ANY_SCALAR)


@st.composite
def bodies(draw, survey):
    """Right answers to every question, then up to three mistakes; sometimes a wrong locale."""
    answers = {q.id: draw(_good(q, survey)) for q in survey.questions}
    ids = [q.id for q in survey.questions]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        question = survey.question(draw(st.sampled_from(ids)))
        if draw(st.integers(0, 3)) == 0:
            answers.pop(question.id, None)  # missing
        else:
            answers[question.id] = draw(_near_miss(question, survey))
    if draw(st.integers(0, 19)) == 0:
        answers[draw(st.sampled_from(["onbekend", "Woonplaats", "x"]))] = "ja"
    body = {"answers": answers}
    locale = draw(st.sampled_from(["nl"] * 12 + ["fy", "en", "de", "NL", None, "absent", "absent"]))
    if locale != "absent":
        body["locale"] = locale
    return body


@pytest.fixture
def ladder_config():
    return {"RESULTS_MIN_COUNT": 1}  # the bundled plugins only: installed entry points


def _body_validator(client, slug):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"][f"/api/v1/surveys/{slug}/responses"]["post"]
    schema = dict(operation["requestBody"]["content"]["application/json"]["schema"])
    schema["components"] = document["components"]  # so "#/components/schemas/..." resolves
    return Draft202012Validator(schema)


@pytest.mark.parametrize("slug", SLUGS)
def test_schema_and_api_agree(ladder_app, ladder_client, slug):
    registry = ladder_app.extensions["ladder"]
    survey = registry.surveys[slug]
    validator = _body_validator(ladder_client, slug)
    seen = {True: 0, False: 0}

    @AGREEMENT
    @given(body=bodies(survey))
    def agree(body):
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}" for e in validator.iter_errors(body)]
        response = ladder_client.post(f"/api/v1/surveys/{slug}/responses", json=body)
        assert response.status_code in (201, 422), (response.status_code, response.get_data(as_text=True))
        accepted = response.status_code == 201
        seen[accepted] += 1
        assert accepted == (not errors), (
            f"schema says {'invalid: ' + '; '.join(errors) if errors else 'valid'}, API answered "
            f"{response.status_code}: {response.get_json().get('errors') if not accepted else ''}; body: {body}")

    agree()
    # both verdicts were tried often enough to mean something
    assert seen[True] >= EXAMPLES // 50 and seen[False] >= EXAMPLES // 50, seen


def test_a_locale_the_survey_does_not_offer_is_refused_by_both(ladder_client):
    slug = "molenwaard-dorpsoverleg"  # offered in Dutch only
    validator = _body_validator(ladder_client, slug)
    body = {"answers": {}, "locale": "en"}
    assert any(list(e.absolute_path) == ["locale"] for e in validator.iter_errors(body))
    response = ladder_client.post(f"/api/v1/surveys/{slug}/responses", json=body)
    assert response.status_code == 422 and "locale" in response.get_json()["errors"]
    assert "nl" in response.get_json()["errors"]["locale"]
