"""The result page and its receipt stay in the browser's cookie for minutes, not the whole session, and never
show another resident's response (issue 24)."""
import time

from sqlalchemy import select

from ladder import db
from ladder.models import Response
from ladder.web.views.resident import RESULT_SECONDS
from test_resident import SLUG, post_page, start, token


def _submit_through_the_form(client):
    url = start(client)
    r = post_page(client, url, {"woonplaats": "testdorp", "betrokken": "soms"})
    r = post_page(client, r.headers["Location"], {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen"]})
    r = post_page(client, r.headers["Location"], {"kosten": "4.500", "prioriteiten": ["2", "", "1"]})
    r = post_page(client, r.headers["Location"], {"opmerking": ""})
    check = client.get(r.headers["Location"])
    done = client.post(r.headers["Location"], data={"csrf_token": token(check.data)})
    assert done.status_code == 302
    return done.headers["Location"]


def test_the_result_is_gone_from_the_cookie_after_some_minutes(app, client, monkeypatch):
    result = _submit_through_the_form(client)
    assert client.get(result).status_code == 200
    later = time.time() + RESULT_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    gone = client.get(result)
    assert gone.status_code == 302 and gone.headers["Location"].endswith(f"/s/{SLUG}")
    with client.session_transaction() as cookie:
        assert "result" not in cookie
    monkeypatch.undo()
    assert client.get(result).status_code == 302  # and it does not come back


def test_a_withdrawn_response_never_shows_the_next_residents_result(app, client):
    result = _submit_through_the_form(client)
    with client.session_transaction() as cookie:
        receipt, first_id = cookie["result"]["receipt"], cookie["result"]["id"]
    page = client.get("/intrekken")
    client.post("/intrekken", data={"csrf_token": token(page.data), "code": receipt, "bevestig": "ja"})
    with client.session_transaction() as cookie:  # an old copy of the cookie, from before the withdrawal
        cookie["result"] = {"slug": SLUG, "id": first_id, "receipt": receipt, "until": int(time.time()) + 60}
    other = app.test_client()
    _submit_through_the_form(other)
    with app.app_context():
        next_id = db.session().scalars(select(Response.id)).one()
    assert next_id != first_id  # ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL)
    assert client.get(result).status_code == 302
