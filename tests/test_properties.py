"""Property-based tests (issue 9): whatever a client sends, the API and the form answer 2xx/3xx/4xx,
never 5xx; what is stored equals what was accepted; afterwards every page and export still works.

Run against the real app on SQLite and PostgreSQL, with every bundled survey. The number of examples
is bounded for CI (``LADDER_PROPERTY_EXAMPLES``, default 60 per database and channel; the same examples on every run,
see docs/testing.rst).
"""
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from conftest import examples, make_app
from ladder import db
from ladder.models import Response
from test_resident import token
from test_staff import signed_in

EXAMPLES = examples("PROPERTY", 60)
PROPERTY = settings(max_examples=EXAMPLES,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

# Any JSON value, with the text that breaks things: surrogates, NUL, other control characters.
TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)


@pytest.fixture
def property_app(database_url, tmp_path):
    return make_app(database_url, tmp_path, RESULTS_MIN_COUNT=1)


def _surveys(app):
    return sorted(app.extensions["ladder"].surveys.values(), key=lambda s: s.slug)


def _valid_value(qtype, question, survey):
    """A value the question accepts: from its schema's enum, bounds or a plain string."""
    schema = qtype.schema(question, survey)
    for key in ("anyOf", "oneOf"):  # e.g. a scale takes 3 or "3": the first form will do
        if key in schema:
            schema = next(s for s in schema[key] if s.get("type") != "null")
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "array":
        items = schema["items"]["enum"]
        return items[: max(schema.get("minItems", 1), 1)]
    if schema.get("type") in ("integer", "number"):
        return schema.get("minimum", 1)
    return "Een gewone zin."


def _after_the_run_everything_still_works(app, accepted):
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Response)) == accepted  # rows = 201s
    runner = app.test_cli_runner()
    client = app.test_client()
    for survey in _surveys(app):
        editor = signed_in(app, "editor", survey.municipality) if not _signed.get((id(app), survey.municipality)) \
            else _signed[(id(app), survey.municipality)]
        _signed[(id(app), survey.municipality)] = editor
        assert editor.get(f"/beheer/s/{survey.slug}").status_code == 200, survey.slug
        for fmt in sorted(app.extensions["ladder"].exporters):
            assert editor.get(f"/beheer/s/{survey.slug}/export/{fmt}").status_code == 200, (survey.slug, fmt)
        form = editor.get(f"/beheer/s/{survey.slug}/uitkomsten")
        editor.post(f"/beheer/s/{survey.slug}/uitkomsten", data={
            "csrf_token": token(form.data), "results_text": "Dank u.", "next_rung": "raadplegen"})
        assert client.get(f"/r/{survey.slug}").status_code == 200, survey.slug
        result = runner.invoke(args=["report", survey.slug, "-o", os.devnull])
        assert result.exit_code == 0, (survey.slug, result.output)


_signed: dict = {}


def test_any_json_for_any_question_is_never_a_server_error(property_app):
    app = property_app
    client = app.test_client()
    reg = app.extensions["ladder"]
    surveys = _surveys(app)
    seen = {"201": 0, "4xx": 0, "tried": 0}

    @PROPERTY
    @given(data=st.data())
    def send(data):
        survey = data.draw(st.sampled_from(surveys), label="survey")
        answers = {q.id: _valid_value(reg.type_of(q), q, survey) for q in survey.questions}
        question = data.draw(st.sampled_from(survey.questions), label="question")
        valid = answers[question.id]
        answers[question.id] = data.draw(st.one_of(JSON, st.just(valid), st.none()), label="value")
        if data.draw(st.booleans(), label="whole body"):
            body = {"answers": answers, "locale": data.draw(JSON, label="locale")}
        else:
            body = {"answers": answers}
        response = client.post(f"/api/v1/surveys/{survey.slug}/responses", json=body)
        assert response.status_code < 500, (survey.slug, question.id, answers[question.id], response.data[:300])
        seen["tried"] += 1
        seen["201" if response.status_code == 201 else "4xx"] += 1

    send()
    print(f"\nproperty API {app.config['DATABASE_URL'].split(':')[0]}: {seen}")
    assert seen["tried"] >= min(EXAMPLES, 50) and seen["201"] > 0 and seen["4xx"] > 0
    _after_the_run_everything_still_works(app, seen["201"])


def test_any_form_field_values_are_never_a_server_error(property_app):
    app = property_app
    surveys = _surveys(app)
    seen = {"ok": 0, "422": 0, "tried": 0}
    field_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r"), max_size=20)

    @PROPERTY
    @given(data=st.data())
    def send(data):
        survey = data.draw(st.sampled_from(surveys), label="survey")
        client = app.test_client()
        start = client.get(f"/s/{survey.slug}")
        begun = client.post(f"/s/{survey.slug}", data={"csrf_token": token(start.data), "action": "start"})
        assert begun.status_code == 302
        page_url = begun.headers["Location"]
        form = client.get(page_url)
        page = next(p for p in survey.pages if page_url.endswith(f"/{p.id}"))
        fields = {q.id: data.draw(st.lists(field_text, max_size=3), label=q.id) for q in page.questions}
        action = data.draw(st.sampled_from(["volgende", "vorige", "opslaan"]), label="action")
        response = client.post(page_url, data={**fields, "csrf_token": token(form.data), "action": action})
        assert response.status_code in (200, 302, 422), (survey.slug, fields, response.status_code)
        seen["tried"] += 1
        seen["422" if response.status_code == 422 else "ok"] += 1

    send()
    print(f"\nproperty form {app.config['DATABASE_URL'].split(':')[0]}: {seen}")
    assert seen["tried"] >= min(EXAMPLES, 50) and seen["422"] > 0
