"""The submit path does no work it does not need (issue 10's bench ratio), and still answers the same.

A valid submission translates no message (a Flask-Babel lookup per valid scale answer was a measurable
share of a submission); a wrong answer still gets its message in the resident's language; the
survey's version is the hash of its definition, worked out once.
"""
import hashlib
import json

from ladder import messages

URL = "/api/v1/surveys/testdorp-inspraak/responses"
VALID = {"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4,
         "thema": ["groen"], "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}


def test_a_valid_submission_translates_no_message(sqlite_app, monkeypatch):
    client = sqlite_app.test_client()
    client.post(URL, json={"answers": VALID, "locale": "fy"})  # warm-up: the first request loads the catalogue
    translated = []
    real = messages._translate
    monkeypatch.setattr(messages, "_translate", lambda text: translated.append(text) or real(text))
    response = client.post(URL, json={"answers": VALID, "locale": "fy"})
    assert response.status_code == 201, response.get_json()
    assert translated == []


def test_a_wrong_scale_answer_still_gets_its_message(sqlite_app):
    client = sqlite_app.test_client()
    for wrong in (9, "x", True, 2.5):
        response = client.post(URL, json={"answers": {**VALID, "gewenst": wrong}})
        assert response.status_code == 422, wrong
        assert response.get_json()["errors"]["gewenst"] == "Kies een getal van 1 tot en met 6.", wrong


def test_the_stored_version_is_the_hash_of_the_definition(sqlite_app):
    client = sqlite_app.test_client()
    first = client.post(URL, json={"answers": VALID}).get_json()
    second = client.post(URL, json={"answers": VALID}).get_json()
    with sqlite_app.app_context():
        from ladder.registry import registry
        survey = registry().surveys["testdorp-inspraak"]
        blob = json.dumps(survey.definition, sort_keys=True, default=str, ensure_ascii=False)
    assert first["survey_version"] == second["survey_version"] == hashlib.sha256(blob.encode()).hexdigest()[:12]


def test_the_cookie_session_signer_is_made_once_per_key_not_per_request(sqlite_app):
    sessions = sqlite_app.session_interface
    first = sessions.get_signing_serializer(sqlite_app)
    assert sessions.get_signing_serializer(sqlite_app) is first
    client = sqlite_app.test_client()
    client.get("/?lang=fy")  # a cookie signed with the key
    assert b'<html lang="fy"' in client.get("/").data
    sqlite_app.secret_key = "another-secret"  # a new key is still honoured: the old cookie no longer counts
    assert sessions.get_signing_serializer(sqlite_app) is not first
    assert b'<html lang="nl"' in client.get("/").data


def test_the_hooks_get_every_stored_value_of_the_response(app, monkeypatch):
    """The ``Response`` that ``response_saved`` receives is made from the inserted row's values (no ORM
    constructor): each column holds what the database holds, on SQLite and PostgreSQL."""
    from sqlalchemy import select

    from ladder import db, submit
    from ladder.models import Response
    seen = []
    real = submit.notify
    monkeypatch.setattr(submit, "notify", lambda registry, response, survey: seen.append(response)
                        or real(registry, response, survey))
    answer = app.test_client().post(URL, json={"answers": {**VALID, "opmerking": "Meer bankjes."}, "locale": "fy"})
    assert answer.status_code == 201, answer.get_json()
    [given] = seen
    assert isinstance(given, Response) and given.id == answer.get_json()["id"]
    with app.app_context():
        stored = db.session().scalar(select(Response).where(Response.id == given.id))
        columns = [c.key for c in Response.__table__.columns if c.key != "created_at"]
        assert {c: getattr(given, c) for c in columns} == {c: getattr(stored, c) for c in columns}
        # the same day; SQLite gives it back without its time zone (UTC)
        assert given.created_at.replace(tzinfo=None) == stored.created_at.replace(tzinfo=None)
        assert given.created_at.tzinfo is not None
    assert given.locale == "fy" and given.channel == "api" and given.answers["opmerking"] == "Meer bankjes."
    assert given.placements and given.placement_status == "placed" and given.withdrawn_at is None


def test_a_json_submission_reads_no_form_but_a_form_field_is_still_checked(sqlite_app, monkeypatch):
    """The input guard reads form fields only from a form body: a JSON body has none (werkzeug leaves
    ``request.form`` empty for it), and parsing it for nothing was ≈ 50 µs of each API submission."""
    from flask import Request
    parsed = []
    real = Request._load_form_data
    monkeypatch.setattr(Request, "_load_form_data", lambda self: parsed.append(self.mimetype) or real(self))
    client = sqlite_app.test_client()
    assert client.post(URL, json={"answers": VALID}).status_code == 201
    assert parsed == []
    refused = client.post("/api/v1/surveys/testdorp-inspraak/responses", data={"naam\x01": "x"})
    assert refused.status_code == 422  # the form's field name, checked before the view (which wants JSON)
    assert parsed == ["application/x-www-form-urlencoded"]
