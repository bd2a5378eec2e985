"""The resident's pages do no per-request work that is not the page's own (issue 26), and still show the same.

A plugin survey's question page reads its lifecycle and the resident's draft, not the stored surveys (no stored
survey can take a plugin's slug; tests/test_stored_surveys.py shows a stored survey still served from the next
request on); a page's form class is made once per survey version, set of questions and
language, never shared across languages; the templates' ``_()`` finds the request's translations once and still
follows ``force_locale`` (the printed form in another language).
"""
from __future__ import annotations

import re

from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import event

from ladder import db

SLUG = "testdorp-inspraak"


def token(html: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()


def start(client) -> str:
    page = client.get(f"/s/{SLUG}")
    started = client.post(f"/s/{SLUG}", data={"csrf_token": token(page.data), "action": "start"})
    assert started.status_code == 302
    return started.headers["Location"]


def test_a_plugin_surveys_question_page_reads_its_state_and_the_draft_and_nothing_else(app):
    client = app.test_client()
    question = start(client)
    assert client.get(question).status_code == 200  # warm-up
    read = []
    event.listen(db.engine(app), "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: read.append(" ".join(statement.split())))
    page = client.get(question)
    assert page.status_code == 200
    assert "Waar woont u?" in page.get_data(as_text=True)
    tables = [re.search(r"\bFROM (\w+)", s).group(1) for s in read]
    assert tables == ["survey_states", "drafts"], read


def test_a_pages_form_class_is_made_once_per_language_and_each_language_keeps_its_own(app, monkeypatch):
    client = app.test_client()
    question = start(client)
    area = app.extensions["ladder"].question_types["area"]
    made = []
    real = area.field
    monkeypatch.setattr(area, "field", lambda q, survey, locale: made.append(locale) or real(q, survey, locale))
    dutch = client.get(question).get_data(as_text=True)
    assert "Waar woont u?" in dutch
    assert client.get(question).status_code == 200
    assert made == ["nl"]  # the second request used the class the first one made
    english = client.get(question + "?lang=en").get_data(as_text=True)
    assert "Where do you live?" in english and "Waar woont u?" not in english
    assert "Frysk" in english  # the language links: the page is the English one, not a cached Dutch one
    assert made == ["nl", "en"]
    again = client.get(question + "?lang=nl").get_data(as_text=True)
    assert "Waar woont u?" in again and "Where do you live?" not in again
    assert made == ["nl", "en"]


def test_two_residents_never_share_a_forms_data(app):
    """One form class, two instances: each resident's page shows only their own stored answer."""
    first, second = app.test_client(), app.test_client()
    page_one, page_two = start(first), start(second)
    form = first.get(page_one)
    saved = first.post(page_one, data={"csrf_token": token(form.data), "action": "opslaan",
                                       "woonplaats": "proefwijk"})
    assert saved.status_code == 302
    assert re.search(r'value="proefwijk"[^>]*checked', first.get(page_one).get_data(as_text=True))
    assert not re.search(r'value="proefwijk"[^>]*checked', second.get(page_two).get_data(as_text=True))


def test_the_templates_follow_a_forced_language_within_one_request(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Volgende') }}") == "Volgende"
        with force_locale("fy"):
            assert render_template_string("{{ _('Volgende') }}") == "Folgjende"
            with force_locale("en"):
                assert render_template_string("{{ _('Volgende') }}") == "Next"
            assert render_template_string("{{ _('Volgende') }}") == "Folgjende"
        assert render_template_string("{{ _('Volgende') }}") == "Volgende"
