"""A question may depend on an earlier question of its own page (issue 13).

Without JavaScript the question is on the page with its condition in words, and its answer is dropped
when the condition does not hold, as the API drops it; with JavaScript it is hidden until the
condition holds and revealed in place (conditional.js, GOV.UK's conditional reveal).
"""
from __future__ import annotations

import re

import pytest

from ladder import BUILTIN_TYPES, SurveyFileError, load_survey
from ladder.answers import validate
from ladder.testing import submit_api, submit_form

SLUG = "hondendorp-inspraak"
SURVEY = '''
slug = "hondendorp-inspraak"
municipality = "Gemeente Hondendorp"
title = "Honden in het park"
intro = "Een vragenlijst over het park."
purpose = "Om te testen."
retention = "Tot het einde van de test."

[[pages]]
id = "park"
title = "Het park"

[[pages.questions]]
id = "hond"
type = "single_choice"
label = "Heeft u een hond?"
choices = [ { value = "ja", label = "Ja" }, { value = "nee", label = "Nee" } ]

[[pages.questions]]
id = "uitlaten"
type = "scale"
label = "Hoe vaak laat u de hond in het park uit?"
show_if = { question = "hond", equals = "ja" }

[[pages.questions]]
id = "mening"
type = "short_text"
label = "Wat vindt u van het park?"
required = false

[[pages]]
id = "slot"
title = "Tot slot"

[[pages.questions]]
id = "opmerking"
type = "short_text"
label = "Nog iets?"
required = false
'''
PLUGIN = '''
from pathlib import Path
from ladder import hookimpl, load_survey

@hookimpl
def register_surveys():
    return [load_survey(Path(__file__).with_name("hondendorp.toml"))]
'''
TYPES = {t.name: t for t in BUILTIN_TYPES}


@pytest.fixture
def survey_path(tmp_path):
    path = tmp_path / "plugin" / "hondendorp.toml"
    path.parent.mkdir()
    path.write_text(SURVEY)
    (path.parent / "hondendorp_plugin.py").write_text(PLUGIN)
    return path


@pytest.fixture
def ladder_config(survey_path, monkeypatch):
    monkeypatch.syspath_prepend(str(survey_path.parent))
    return {"EXTRA_PLUGINS": ["hondendorp_plugin"]}


# --------------------------------------------------------------------------------------------- engine
def test_a_condition_on_an_earlier_question_of_the_same_page_loads(survey_path):
    survey = load_survey(survey_path, question_types=TYPES)
    assert survey.question("uitlaten").show_if == {"question": "hond", "equals": "ja"}


@pytest.mark.parametrize("condition", ['{ question = "mening", answered = true }',  # later on the page
                                       '{ question = "uitlaten", answered = true }'])  # itself
def test_a_condition_on_a_later_question_or_itself_is_refused(tmp_path, condition):
    text = SURVEY.replace('show_if = { question = "hond", equals = "ja" }', f"show_if = {condition}")
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(SurveyFileError, match=r"pages\[0\]\.questions\[1\]\.show_if.*not asked before"):
        load_survey(path, question_types=TYPES)


def test_the_engine_keeps_or_drops_the_answer_by_the_same_pages_answer(survey_path):
    survey = load_survey(survey_path, question_types=TYPES)
    answers, errors = validate(survey, {"hond": "ja", "uitlaten": 4}, TYPES)
    assert (answers, errors) == ({"hond": "ja", "uitlaten": 4}, {})
    answers, errors = validate(survey, {"hond": "nee", "uitlaten": 4}, TYPES)
    assert (answers, errors) == ({"hond": "nee"}, {})
    answers, errors = validate(survey, {"hond": "ja"}, TYPES)
    assert set(errors) == {"uitlaten"}  # shown, so required


def test_the_api_drops_it_too(ladder_client):
    stored = submit_api(ladder_client, SLUG, {"hond": "nee", "uitlaten": 4})
    assert stored["id"]
    response = ladder_client.post(f"/api/v1/surveys/{SLUG}/responses", json={"answers": {"hond": "ja"}})
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"uitlaten"}


# ------------------------------------------------------------------------------------------ form path
def _first_page(client):
    """Start the survey as a resident without JavaScript; return the first page's URL and HTML."""
    from ladder.testing import _token
    start = client.get(f"/s/{SLUG}")
    started = client.post(f"/s/{SLUG}", data={"csrf_token": _token(start.data), "action": "start"})
    url = started.headers["Location"]
    return url, client.get(url).get_data(as_text=True)


def test_the_page_shows_the_question_with_its_condition_in_words(ladder_client):
    _url, page = _first_page(ladder_client)
    assert "Alleen invullen als u bij ‘Heeft u een hond?’ ‘Ja’ koos." in page
    block = re.search(r'<div class="conditional" id="conditional-uitlaten" data-condition="([^"]+)">', page)
    assert block and "&#34;question&#34;: &#34;hond&#34;" in block.group(1)
    assert 'name="uitlaten"' in page.split('id="conditional-uitlaten"', 1)[1]
    assert "/static/conditional.js" in page and "<script>" not in page


def test_the_form_refuses_a_missing_answer_when_the_condition_holds(ladder_client):
    from ladder.testing import _token
    url, page = _first_page(ladder_client)
    posted = ladder_client.post(url, data={"csrf_token": _token(page.encode()), "action": "volgende", "hond": "ja"})
    assert posted.status_code == 422
    assert "conditional-uitlaten" in posted.get_data(as_text=True)


def test_the_form_drops_the_answer_when_the_condition_does_not_hold(ladder_client):
    # "uitlaten" is required and its value would be valid: neither matters when "hond" is "nee"
    result = submit_form(ladder_client, SLUG, {"park": {"hond": "nee", "uitlaten": "4", "mening": "Mooi"}})
    assert result["channel"] == "form"
    assert _stored_answers(ladder_client) == {"hond": "nee", "mening": "Mooi"}


@pytest.mark.parametrize("uitlaten", ["99", None], ids=["invalid", "required-but-empty"])
def test_an_invalid_or_missing_answer_to_a_dropped_question_does_not_block_the_page(ladder_client, uitlaten):
    submit_form(ladder_client, SLUG, {"park": {"hond": "nee", "uitlaten": uitlaten}})
    assert _stored_answers(ladder_client) == {"hond": "nee"}


def test_the_form_keeps_it_when_the_condition_holds(ladder_client):
    submit_form(ladder_client, SLUG, {"park": {"hond": "ja", "uitlaten": "5"}})
    assert _stored_answers(ladder_client) == {"hond": "ja", "uitlaten": 5}


def _stored_answers(client):
    from sqlalchemy import select

    from ladder import db
    from ladder.models import Response
    with client.application.app_context():
        (response,) = db.session().scalars(select(Response).where(Response.survey_slug == SLUG)).all()
        return response.answers


# -------------------------------------------------------------------------------------------- browser
@pytest.fixture
def chromium(browser):
    """The run's one Chromium (conftest): Playwright's sync API cannot start a second one in this thread."""
    return browser


@pytest.fixture
def live(ladder_app):
    from browser_support import LiveServer
    server = LiveServer(ladder_app).start()
    yield server
    server.stop()


def _open_first_page(chromium, live, javascript):
    from browser_support import click_and_load, record_csp_violations
    context = chromium.new_context(java_script_enabled=javascript)
    csp = record_csp_violations(context)
    page = context.new_page()
    page.goto(live.url(f"/s/{SLUG}"))
    click_and_load(page, "button[value=start]")
    return context, page, csp


@pytest.mark.browser
def test_with_javascript_the_question_is_revealed_in_place(chromium, live):
    from browser_support import assert_no_csp_violations, axe_violations, click_and_load, describe_violations
    context, page, csp = _open_first_page(chromium, live, javascript=True)
    try:
        block = page.locator("#conditional-uitlaten")
        assert block.is_hidden()
        yes = page.locator("input[name=hond][value=ja]")
        assert yes.get_attribute("aria-controls") == "conditional-uitlaten"
        assert yes.get_attribute("aria-expanded") is None  # not allowed on a radio (axe: aria-allowed-attr)
        # by keyboard: focus the first radio, choose "ja" with the space bar
        page.focus("input[name=hond][value=ja]")
        page.keyboard.press("Space")
        assert block.is_visible()
        assert page.evaluate("document.activeElement.id") == yes.get_attribute("id")  # focus stays put
        assert page.locator("#when-uitlaten").is_hidden()  # the sentence is for pages without JavaScript
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
        page.check("input[name=hond][value=nee]")
        assert block.is_hidden()
        page.check("input[name=hond][value=ja]")
        page.check("input[name=uitlaten][value='2']")
        click_and_load(page, "button[value=volgende]")
        assert "/vraag/slot" in page.url
        assert_no_csp_violations(csp)
    finally:
        context.close()


@pytest.mark.browser
def test_without_javascript_the_question_is_shown_with_its_condition(chromium, live):
    from browser_support import assert_no_csp_violations, click_and_load
    context, page, csp = _open_first_page(chromium, live, javascript=False)
    try:
        assert page.locator("#conditional-uitlaten").is_visible()
        assert page.locator("#when-uitlaten").inner_text() == "Alleen invullen als u bij ‘Heeft u een hond?’ ‘Ja’ koos."
        page.check("input[name=hond][value=nee]")
        page.check("input[name=uitlaten][value='3']")
        click_and_load(page, "button[value=volgende]")
        assert "/vraag/slot" in page.url
        assert_no_csp_violations(csp)
    finally:
        context.close()
    assert _stored_draft_has_no_uitlaten(live)


def _stored_draft_has_no_uitlaten(live):
    from sqlalchemy import select

    from ladder import db
    from ladder.models import Draft
    with live.app.app_context():
        drafts = db.session().scalars(select(Draft).where(Draft.survey_slug == SLUG)).all()
        return len(drafts) == 1 and drafts[0].answers == {"hond": "nee"}  # "uitlaten" dropped
