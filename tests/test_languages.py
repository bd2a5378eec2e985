"""The interface language is one the page offers (the survey's, or the site's), every page has a language switch
without JavaScript, and survey text that falls back to Dutch is marked lang="nl" (WCAG 3.1.2)."""
from __future__ import annotations

import re

import pytest
from conftest import make_app

SLUG = "testdorp-inspraak"  # offers nl, fy and en


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def switch_links(response) -> dict[str, str]:
    """The language switch as {lang: href} (the current language is no link)."""
    html = response.get_data(as_text=True)
    nav = re.search(r'<nav class="language"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no language switch on this page"
    return {lang: href.replace("&amp;", "&")
            for href, lang in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav.group(1))}


@pytest.fixture
def bundled(tmp_path):
    from conftest import skip_or_fail
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, EXTRA_PLUGINS=[])
    if "sudwest-fryslan-belangen" not in app.extensions["ladder"].surveys:
        skip_or_fail("bundled plugins not installed (make install)")
    return app


def test_frisian_chosen_on_a_frisian_survey_does_not_leak_into_a_dutch_only_survey(bundled):
    client = bundled.test_client()
    frisian = client.get("/s/sudwest-fryslan-belangen?lang=fy")
    assert html_lang(frisian) == "fy"
    dutch_only = client.get("/s/molenwaard-dorpsoverleg")
    assert "fy" not in bundled.extensions["ladder"].survey("molenwaard-dorpsoverleg").locales
    assert html_lang(dutch_only) == "nl"
    # no Frisian button around Dutch questions; only the notice that the survey has no Frisian (issue 21)
    page = dutch_only.get_data(as_text=True)
    assert page.count('lang="fy"') == 1 and '<p class="notice language-fallback" lang="fy">' in page
    # asking for it in the address does not help either
    assert html_lang(client.get("/s/molenwaard-dorpsoverleg?lang=fy")) == "nl"
    # the choice is kept for where it is offered
    assert html_lang(client.get("/s/sudwest-fryslan-belangen")) == "fy"


def test_off_a_survey_the_site_languages_are_offered(sqlite_app):
    client = sqlite_app.test_client()
    assert html_lang(client.get("/?lang=en")) == "en"
    assert set(switch_links(client.get("/"))) == {"nl", "fy"}  # the current one (en) is not a link
    sqlite_app.config["LOCALES"] = ["nl", "fy"]
    assert html_lang(client.get("/?lang=en")) == "nl"


@pytest.mark.parametrize("path", ["/", f"/s/{SLUG}", "/intrekken", "/toegankelijkheid", "/beheer/inloggen",
                                  f"/s/{SLUG}/hervatten"])
def test_every_page_has_a_language_switch_that_keeps_the_page(sqlite_app, path):
    client = sqlite_app.test_client()
    response = client.get(path)
    assert response.status_code == 200
    links = switch_links(response)
    assert set(links) == {"fy", "en"}
    for lang, href in links.items():
        assert href.split("?")[0] == path
        switched = client.get(href)
        assert switched.status_code == 200 and html_lang(switched) == lang


def test_question_pages_have_the_switch_and_keep_other_query_arguments(sqlite_app):
    client = sqlite_app.test_client()
    page = client.get(f"/s/{SLUG}")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data).group(1).decode()
    url = client.post(f"/s/{SLUG}", data={"csrf_token": token, "action": "start"}).headers["Location"]
    links = switch_links(client.get(url + "?terug=controleren"))
    assert links["fy"] == f"{url}?terug=controleren&lang=fy"


def test_survey_text_without_a_translation_is_marked_dutch(sqlite_app):
    client = sqlite_app.test_client()
    survey = sqlite_app.extensions["ladder"].survey("anderdorp-inspraak")
    untranslated = next(p for p in survey.pages if "fy" not in p.title)
    translated = next(p for p in survey.pages if "fy" in p.title)
    page = client.get("/s/anderdorp-inspraak?lang=fy")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data).group(1).decode()
    client.post("/s/anderdorp-inspraak", data={"csrf_token": token, "action": "start"})
    html = client.get(f"/s/anderdorp-inspraak/vraag/{translated.id}").get_data(as_text=True)
    assert f"<h1>{translated.title['fy']}</h1>" in html
    html = client.get(f"/s/anderdorp-inspraak/vraag/{untranslated.id}").get_data(as_text=True)
    assert html_lang(client.get(f"/s/anderdorp-inspraak/vraag/{untranslated.id}")) == "fy"
    assert f'<h1><span lang="nl">{untranslated.title["nl"]}</span></h1>' in html
    # in Dutch nothing is marked: the page itself is Dutch
    client.get("/s/anderdorp-inspraak?lang=nl")
    html = client.get(f"/s/anderdorp-inspraak/vraag/{untranslated.id}").get_data(as_text=True)
    assert f"<h1>{untranslated.title['nl']}</h1>" in html



def test_the_start_page_marks_survey_text_that_falls_back_to_dutch(sqlite_app):
    client = sqlite_app.test_client()
    survey = sqlite_app.extensions["ladder"].survey("anderdorp-inspraak")  # title and intro in Dutch only
    html = client.get("/s/anderdorp-inspraak?lang=fy").get_data(as_text=True)
    assert html_lang(client.get("/s/anderdorp-inspraak")) == "fy"
    assert f'<h1><span lang="nl">{survey.title["nl"]}</span></h1>' in html
    assert '<div class="prose" lang="nl">' in html
    assert f'<span lang="nl">{survey.purpose["nl"]}</span>' in html
