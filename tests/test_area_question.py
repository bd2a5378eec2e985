"""The area question as a resident meets it (issue 23): options read as real names, a plain select for a list
that fits one, a name typed loosely still counts and a wrong one stays in the box, messages in the survey's own
area word."""
from __future__ import annotations

import re
from html import unescape

import pytest
from conftest import make_app
from test_question_pages import errors_of, start, token


@pytest.fixture
def bundled(tmp_path):
    from conftest import skip_or_fail
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, EXTRA_PLUGINS=[])
    if "rotterdam-buurt-bestuurt" not in app.extensions["ladder"].surveys:
        skip_or_fail("bundled plugins not installed (make install)")
    return app


def area_page(app, slug, qid, lang="nl"):
    """A client on the page asking ``qid``, its URL and its HTML."""
    survey = app.extensions["ladder"].survey(slug)
    page = next(p for p in survey.pages if any(q.id == qid for q in p.questions))
    client = app.test_client()
    client.get(f"/s/{slug}?lang={lang}")
    start(client, slug)
    url = f"/s/{slug}/vraag/{page.id}"
    return client, url, client.get(url).get_data(as_text=True)


def select_of(html, qid):
    return re.search(rf'<select class="select" id="q-{qid}".*?</select>', html, re.S).group(0)


def options_of(select):
    return {value: unescape(text).strip() for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>',
                                                                          select)}


def test_rotterdam_groups_are_gebied_names_and_a_gebied_reads_as_somewhere_else_in_it(bundled):
    _client, _url, html = area_page(bundled, "rotterdam-buurt-bestuurt", "wijk")
    select = select_of(html, "wijk")
    groups = [unescape(g) for g in re.findall(r'<optgroup label="([^"]+)">', select)]
    assert groups[:3] == ["Centrum", "Charlois", "Delfshaven"] and len(groups) == 14
    options = options_of(select)
    assert options["stadsdriehoek"] == "Stadsdriehoek"
    assert options["gebied-centrum"] == "Ergens anders in Centrum"
    assert not [t for t in options.values() if "Andere wijk" in t]
    # in its group the gebied itself comes last, after its wijken; the picker shows a wijk with its gebied
    centrum = re.search(r'<optgroup label="Centrum">(.*?)</optgroup>', select, re.S).group(1)
    assert re.findall(r'value="([^"]+)"', centrum)[-1] == "gebied-centrum"
    assert re.search(r'value="stadsdriehoek" data-group="Centrum"', select)
    assert not re.search(r'value="gebied-centrum"[^>]*data-group', select)


def test_a_list_that_fits_a_select_is_a_plain_select_without_the_typing_picker(bundled):
    _client, _url, html = area_page(bundled, "molenwaard-dorpsoverleg", "woonplaats")
    select = select_of(html, "woonplaats")
    assert "data-area-picker" not in select and "<optgroup" not in select
    assert len(options_of(select)) == 14  # 13 places and the empty first choice
    assert options_of(select)[""] == "Kies een plaats"


def test_the_kompas_says_deel_van_rotterdam_in_its_messages_and_has_no_whole_city_group(bundled):
    client, url, html = area_page(bundled, "rotterdam-participatiekompas", "gebied")
    select = select_of(html, "gebied")
    assert "<optgroup" not in select and options_of(select)["rotterdam"] == "Heel Rotterdam (de hele stad)"
    sent = client.post(url, data={"csrf_token": token(html.encode()), "action": "volgende", "gebied": ""})
    assert errors_of(sent)["q-gebied"] == "Voor welk deel van Rotterdam is het plan? Kies een deel van Rotterdam."


def test_a_survey_without_a_word_in_the_page_language_uses_the_general_word(bundled):
    """Molenwaard says "plaats" in Dutch only: a Frisian page says the general Frisian word, not a Dutch one."""
    survey = bundled.extensions["ladder"].survey("molenwaard-dorpsoverleg")
    area = bundled.extensions["ladder"].question_types["area"]
    question = survey.question("woonplaats")
    with bundled.test_request_context("/?lang=fy"):
        assert area.word(question, "nl") == "plaats"
        assert area.word(question, "fy") == "doarp, wyk of buert"
        assert area.required_message(question) == "Kies in doarp, wyk of buert."


@pytest.mark.parametrize("typed, code", [("groot ammers", "groot-ammers"), ("GROOT-AMMERS", "groot-ammers"),
                                         ("cs kwartier", "cs-kwartier"), ("Ergens anders in centrum", "gebied-centrum")])
def test_a_name_typed_without_choosing_a_suggestion_still_counts(bundled, typed, code):
    slug = "molenwaard-dorpsoverleg" if "ammers" in typed.lower() else "rotterdam-buurt-bestuurt"
    qid = "woonplaats" if "ammers" in typed.lower() else "wijk"
    client, url, html = area_page(bundled, slug, qid)
    others = {"kent_dorpsoverleg": "lid"} if qid == "woonplaats" else {}  # the other question on Molenwaard's page
    sent = client.post(url, data={"csrf_token": token(html.encode()), "action": "volgende", qid: "",
                                  f"{qid}-typed": typed, **others})
    assert sent.status_code == 302, errors_of(sent)
    with bundled.app_context():
        from ladder import db
        from ladder.models import Draft
        assert [d.answers[qid] for d in db.session().query(Draft)] == [code]


def test_a_name_that_is_no_area_is_refused_by_name_and_kept_for_the_box(bundled):
    client, url, html = area_page(bundled, "rotterdam-buurt-bestuurt", "wijk")
    sent = client.post(url, data={"csrf_token": token(html.encode()), "action": "volgende", "wijk": "",
                                  "wijk-typed": "Nergenshuizen"})
    assert sent.status_code == 422
    assert errors_of(sent)["q-wijk"] == ("In welke wijk woont u? We vinden geen wijk met de naam ‘Nergenshuizen’. "
                                         "Controleer de naam, of kies uit de lijst.")
    assert 'data-typed="Nergenshuizen"' in select_of(sent.get_data(as_text=True), "wijk")


def test_empty_is_asked_for_in_the_survey_word(bundled):
    client, url, html = area_page(bundled, "rotterdam-buurt-bestuurt", "wijk")
    sent = client.post(url, data={"csrf_token": token(html.encode()), "action": "volgende", "wijk": ""})
    assert errors_of(sent)["q-wijk"] == "In welke wijk woont u? Kies een wijk."


def test_a_radio_does_not_repeat_a_larger_area_its_name_already_says(bundled):
    survey = bundled.extensions["ladder"].survey("haarlemmermeer-rollen-dorps-en-wijkraden")
    area = bundled.extensions["ladder"].question_types["area"]
    question = next(q for p in survey.pages for q in p.questions if q.type == "area")
    with bundled.test_request_context():
        assert area.label(survey.area("hoofddorp-floriande"), survey, "nl", question) == "Hoofddorp - Floriande"
        assert area.label(survey.area("hoofddorp"), survey, "nl", question) == "Ergens anders in Hoofddorp"


def test_an_area_hint_names_only_choices_the_page_shows(bundled):
    """Hints pointed at choices nobody saw ("Kies dan de laatste keuze", "Kies 'Andere wijk in'"): every name an
    area question's hint quotes is an option or a label on its page, and none says "de laatste keuze"."""
    reg = bundled.extensions["ladder"]
    checked = 0
    for slug, survey in sorted(reg.surveys.items()):
        for q in survey.questions:
            if q.type != "area" or not q.help:
                continue
            for lang in survey.locales:
                _client, _url, html = area_page(bundled, slug, q.id, lang)
                found = re.search(rf'<div class="hint" id="q-{q.id}-hint">(.*?)</div>', html, re.S)
                hint = unescape(found.group(1))
                assert "laatste keuze" not in hint, (slug, lang, hint)
                rest = unescape(re.sub(r"<[^>]+>", "\n", html.replace(found.group(0), "")))
                shown = {" ".join(line.split()) for line in rest.splitlines()}
                for quoted in re.findall(r"['‘“\"]([^'’”\"]{3,})['’”\"]", hint):
                    assert quoted in shown, (slug, lang, quoted)
                checked += 1
    assert checked

