"""'You said, we did' (issue 12): staff write per topic what the municipality does, residents see it on /r/."""
import re

import pytest
from sqlalchemy import select

from ladder import db
from ladder.models import AuditEntry, ReportBackItem
from test_resident import token
from report_back_seed import set_status
from test_staff import MINE, OTHER, signed_in

PAGE = f"/beheer/s/{MINE}/terugkoppeling"


@pytest.fixture
def editor(app):
    return signed_in(app, "editor")


def add(client, **fields):
    data = {"csrf_token": token(client.get(PAGE).data), "question": "", "topic": "Groen",
            "decision": "We planten twintig bomen.", "due_on": "2027-05-01", **fields}
    return client.post(PAGE, data=data)


def entries(app, action="report-back"):
    with app.app_context():
        return [e.detail for e in db.session().scalars(select(AuditEntry).where(AuditEntry.action == action))]


def publish(client, app=None):
    """Staff publish (after closing the survey when ``app`` is given: results stay sealed while it is open)."""
    if app is not None:
        set_status(app, MINE, "closed")
    page = client.get(f"/beheer/s/{MINE}/uitkomsten")
    assert client.post(f"/beheer/s/{MINE}/uitkomsten", data={
        "csrf_token": token(page.data), "results_text": "Dank voor het meedoen.", "next_rung": "raadplegen"}).status_code == 302


def test_an_item_is_shown_on_the_public_page_with_its_date_and_kept_in_the_audit_log(app, editor):
    assert add(editor).status_code == 302
    publish(editor, app)
    html = app.test_client().get(f"/r/{MINE}").get_data(as_text=True)
    assert "We planten twintig bomen." in html
    assert "1 mei 2027" in html and "Bijgewerkt op" in html
    assert any("added item" in d and "Groen" in d for d in entries(app))


def test_a_change_keeps_the_old_text_in_the_audit_log_and_a_removal_too(app, editor):
    add(editor)
    with app.app_context():
        item = db.session().scalars(select(ReportBackItem)).one()
    page = editor.get(f"{PAGE}?item={item.id}")
    assert "We planten twintig bomen." in page.get_data(as_text=True)
    changed = editor.post(f"{PAGE}?item={item.id}", data={
        "csrf_token": token(page.data), "question": "", "topic": "Groen", "decision": "Tien bomen.", "due_on": ""})
    assert changed.status_code == 302
    log = entries(app)
    assert any("changed item" in d and "twintig" in d for d in log)  # the old text is kept
    removed = editor.post(f"{PAGE}/verwijderen", data={"csrf_token": token(editor.get(PAGE).data), "item": item.id})
    assert removed.status_code == 302
    assert any("removed item" in d and "Tien bomen." in d for d in entries(app))
    with app.app_context():
        assert db.session().scalars(select(ReportBackItem)).all() == []


def test_bad_input_says_what_is_wrong_and_stores_nothing(app, editor):
    response = add(editor, topic=" ", due_on="morgen")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vul een onderwerp in." in html and "Schrijf de datum als" in html
    with app.app_context():
        assert db.session().scalars(select(ReportBackItem)).all() == []
    assert entries(app) == []


def test_staff_of_another_municipality_cannot_read_or_write_it(app):
    other = signed_in(app, "editor", "Andergemeente")
    assert other.get(PAGE).status_code in (403, 404)
    assert other.post(PAGE, data={"topic": "x", "decision": "y"}).status_code in (400, 403, 404)


def test_analysts_may_not_write_it(app):
    analyst = signed_in(app, "analyst")
    assert analyst.get(PAGE).status_code == 403


def test_results_expected_shows_on_the_closed_page_and_the_not_yet_page(app, editor):
    page = editor.get(PAGE)
    assert editor.post(f"{PAGE}/instellingen", data={"csrf_token": token(page.data),
                                                   "results_expected": "2027-03-01"}).status_code == 302
    client = app.test_client()
    assert "1 maart 2027" in client.get(f"/r/{MINE}").get_data(as_text=True)
    status = editor.get(f"/beheer/s/{MINE}")
    editor.post(f"/beheer/s/{MINE}/status", data={"csrf_token": token(status.data), "status": "closed"})
    closed = client.get(f"/s/{MINE}").get_data(as_text=True)
    assert "gesloten" in closed and "1 maart 2027" in closed
    assert any("expected 2027-03-01" in d for d in entries(app))


def test_a_date_declared_in_the_survey_file_shows_until_staff_set_another(app, editor, monkeypatch):
    import dataclasses
    from datetime import date
    reg = app.extensions["ladder"]
    monkeypatch.setitem(reg.surveys, MINE, dataclasses.replace(reg.survey(MINE), results_expected=date(2027, 4, 1)))
    client = app.test_client()
    assert "1 april 2027" in client.get(f"/r/{MINE}").get_data(as_text=True)
    page = editor.get(PAGE)
    editor.post(f"{PAGE}/instellingen", data={"csrf_token": token(page.data), "results_expected": "2027-03-01"})
    shown = client.get(f"/r/{MINE}").get_data(as_text=True)
    assert "1 maart 2027" in shown and "1 april 2027" not in shown


def test_every_form_needs_its_csrf_token(app, editor):
    for path in (PAGE, f"{PAGE}/verwijderen", f"{PAGE}/instellingen", f"/beheer/s/{MINE}/opnieuw-berekenen"):
        assert editor.post(path, data={"topic": "x", "decision": "y", "item": "1"}).status_code == 400, path


def test_a_bad_date_for_the_results_is_refused_and_nothing_changes(app, editor):
    page = editor.get(PAGE)
    response = editor.post(f"{PAGE}/instellingen", data={"csrf_token": token(page.data),
                                                       "results_expected": "volgend voorjaar",
                                                       "sealed_until_closed": "ja"}, follow_redirects=True)
    assert "Schrijf de datum als" in response.get_data(as_text=True)
    from ladder.models import ReportBackSettings
    with app.app_context():
        assert db.session().scalars(select(ReportBackSettings)).all() == []
    assert entries(app) == []
