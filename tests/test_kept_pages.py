"""A question page as residents first see it is kept whole with its survey (issue 26, ladder.web.fragments.kept_page).

Only the CSRF token is new per request. Everything else the page shows is in its key, or the page is rendered
anew: each resident's own choices, the language and the language asked for, the path and query (the way back to
the check page), and the conditions that read other pages. A flashed message, a signed-in member of staff, an
error, typed text and a plugin's own question template are never kept.
"""
from __future__ import annotations

import re

import pytest
from flask import template_rendered

from test_page_cost import SLUG, start, token

TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def rendered(app, client, path) -> tuple[str, list[str]]:
    """The page's HTML and the templates rendered for it (none when it was put together from what was kept)."""
    names = []

    def seen(_sender, template, **_extra):
        names.append(template.name)
    with template_rendered.connected_to(seen, app):
        response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True), names


def forget_pages(app, slug=SLUG):
    survey = app.extensions["ladder"].surveys[slug]
    for key in [k for k in survey.fragments if k[0] == "page"]:
        del survey.fragments[key]


def save(client, page, **answers):
    form = client.get(page)
    assert client.post(page, data={"csrf_token": token(form.data), "action": "opslaan", **answers}).status_code == 302


@pytest.mark.parametrize("query", ["", "?lang=en", "?lang=fy", "?terug=controleren"])
def test_a_kept_page_is_the_page_rendered_anew_but_for_its_csrf_token(sqlite_app, query):
    client = sqlite_app.test_client()
    page = start(client)
    save(client, page, woonplaats="proefwijk")
    first, names = rendered(sqlite_app, client, page + query)
    assert names == ["resident/page.html"]
    kept, names = rendered(sqlite_app, client, page + query)
    assert names == []  # put together from what was kept
    forget_pages(sqlite_app)
    anew, names = rendered(sqlite_app, client, page + query)
    assert names == ["resident/page.html"]
    assert TOKEN.sub(r"\1", kept) == TOKEN.sub(r"\1", anew) == TOKEN.sub(r"\1", first)
    assert re.search(r'value="proefwijk"[^>]*checked', kept)


def test_a_kept_pages_token_is_each_requests_own_and_is_accepted(sqlite_app):
    first, second = sqlite_app.test_client(), sqlite_app.test_client()
    page_one, page_two = start(first), start(second)
    assert page_one == page_two
    mine = token(first.get(page_one).data)
    html, names = rendered(sqlite_app, second, page_two)
    assert names == []
    theirs = token(html.encode())
    assert theirs != mine
    assert second.post(page_two, data={"csrf_token": mine, "action": "opslaan"}).status_code == 400
    assert second.post(page_two, data={"csrf_token": theirs, "action": "opslaan"}).status_code == 302


def test_each_resident_sees_only_their_own_choice_on_a_kept_page(sqlite_app):
    clients = [sqlite_app.test_client() for _ in range(3)]
    pages = [start(c) for c in clients]
    for c, page, value in zip(clients, pages, ("proefwijk", "testdorp")):
        save(c, page, woonplaats=value)
    for _ in range(2):
        for c, page, chosen in zip(clients, pages, (["proefwijk"], ["testdorp"], [])):
            html, _names = rendered(sqlite_app, c, page)
            assert re.findall(r'name="woonplaats" value="([^"]+)"\s*checked', html) == chosen


def test_a_flashed_message_is_shown_once_and_never_kept(sqlite_app):
    client = sqlite_app.test_client()
    page = start(client)
    client.get(page)  # kept
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Een bericht voor deze inwoner.")]
    html, names = rendered(sqlite_app, client, page)
    assert "Een bericht voor deze inwoner." in html and names == ["resident/page.html"]
    again, names = rendered(sqlite_app, client, page)
    assert "Een bericht voor deze inwoner." not in again and names == []
    other = sqlite_app.test_client()
    assert "Een bericht" not in rendered(sqlite_app, other, start(other))[0]


def test_a_signed_in_member_of_staff_sees_their_own_header_and_residents_never_do(sqlite_app):
    from test_staff import signed_in
    staff = signed_in(sqlite_app)
    resident = sqlite_app.test_client()
    resident_page, staff_page = start(resident), start(staff)
    email = "editor-testgemeente@example.org"
    for _ in range(2):
        assert email not in rendered(sqlite_app, resident, resident_page)[0]
        html, names = rendered(sqlite_app, staff, staff_page)
        assert email in html and names == ["resident/page.html"]


def test_a_notice_about_the_language_follows_what_each_resident_asked_for(sqlite_app):
    """The dorpsplein survey has no English: who asked for English reads the Dutch page with a notice in English."""
    from test_survey_languages import NOTICE_EN, publish
    from test_stored_surveys import SLUG as PLEIN
    publish(sqlite_app)
    english, dutch = sqlite_app.test_client(), sqlite_app.test_client()
    english.get("/?lang=en")
    pages = [start_survey(c, PLEIN) for c in (english, dutch)]
    assert pages[0] == pages[1]
    for _ in range(2):
        for c, page, notice in ((english, pages[0], True), (dutch, pages[1], False)):
            html, _names = rendered(sqlite_app, c, page)
            assert '<html lang="nl">' in html and (NOTICE_EN in html) is notice


def start_survey(client, slug):
    page = client.get(f"/s/{slug}")
    started = client.post(f"/s/{slug}", data={"csrf_token": token(page.data), "action": "start"})
    assert started.status_code == 302
    return started.headers["Location"]


def test_a_page_with_a_plugins_own_question_template_is_rendered_each_time(sqlite_url, tmp_path):
    """buurtdorp's question types bring their own templates, which may read anything (tests/plugins/buurtdorp.py)."""
    from conftest import make_app
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "buurtdorp"])
    client = app.test_client()
    page = start_survey(client, "buurtdorp-speeltuin")
    for _ in range(2):
        html, names = rendered(app, client, page)
        assert names == ["resident/page.html"] and "Weet ik niet" in html  # yes_no_unsure's own widget
    assert not [k for k in app.extensions["ladder"].surveys["buurtdorp-speeltuin"].fragments if k[0] == "page"]


PARK = '''
slug = "parkdorp-inspraak"
municipality = "Gemeente Parkdorp"
title = "Het park"
intro = "Een vragenlijst over het park."
purpose = "Om te testen."
retention = "Tot het einde van de test."

[[pages]]
id = "thuis"
title = "Thuis"

[[pages.questions]]
id = "hond"
type = "single_choice"
label = "Heeft u een hond?"
choices = [ { value = "ja", label = "Ja" }, { value = "nee", label = "Nee" } ]

[[pages]]
id = "park"
title = "Het park"

[[pages.questions]]
id = "buiten"
type = "single_choice"
label = "Komt u in het park?"
choices = [ { value = "ja", label = "Ja" }, { value = "nee", label = "Nee" } ]

[[pages.questions]]
id = "uitlaten"
type = "scale"
label = "Hoe vaak laat u de hond in het park uit?"
show_if = { all = [ { question = "hond", equals = "ja" }, { question = "buiten", equals = "ja" } ] }
'''
def test_a_condition_that_reads_another_page_is_in_the_key(sqlite_url, tmp_path):
    """On the park page the dog question's answer (page one) is decided already: who has a dog gets a condition
    that can hold, who has none one that cannot (ladder.conditions.resolve_other_pages)."""
    from test_instance_surveys import app_with
    app = app_with(tmp_path, sqlite_url, {"parkdorp.toml": PARK})
    residents = {"ja": app.test_client(), "nee": app.test_client()}
    for dog, client in residents.items():
        first = start_survey(client, "parkdorp-inspraak")
        form = client.get(first)
        assert client.post(first, data={"csrf_token": token(form.data), "hond": dog}).status_code == 302
    for _ in range(2):
        for dog, client in residents.items():
            html, _names = rendered(app, client, "/s/parkdorp-inspraak/vraag/park")
            condition = re.search(r'id="conditional-uitlaten" data-condition="([^"]+)"', html).group(1)
            assert f"{{&#34;value&#34;: {'true' if dog == 'ja' else 'false'}}}" in condition, (dog, condition)


def test_the_step_and_the_number_of_steps_are_each_residents_own(sqlite_app):
    """Who takes part now and then gets the initiative page as well (testdorp.toml): four steps instead of three."""
    residents = {"soms": sqlite_app.test_client(), "nooit": sqlite_app.test_client()}
    for involved, client in residents.items():
        first = start(client)
        form = client.get(first)
        assert client.post(first, data={"csrf_token": token(form.data), "woonplaats": "testdorp",
                                         "betrokken": involved}).status_code == 302
    for _ in range(2):
        for involved, client in residents.items():
            html, _names = rendered(sqlite_app, client, f"/s/{SLUG}/vraag/inspraak")
            assert f"stap 2 van {4 if involved == 'soms' else 3}" in html, involved


def test_the_way_back_to_the_check_page_is_in_the_key(sqlite_app):
    """``?terug=controleren`` (a change made from the check page) names its button and keeps its query in the form's
    action; the same page without it does not."""
    client = sqlite_app.test_client()
    page = start(client)
    for _ in range(2):
        plain, _names = rendered(sqlite_app, client, page)
        back, _names = rendered(sqlite_app, client, page + "?terug=controleren")
        assert ">Volgende</button>" in plain and f'action="{page}"' in plain
        assert "Opslaan en terug naar controleren" in back and f'action="{page}?terug=controleren"' in back


def test_a_residents_own_words_are_never_kept(sqlite_app):
    """A page with a stored text answer is rendered each time: the survey keeps choices, positions, areas, blanks."""
    client = sqlite_app.test_client()
    page = start(client).replace("/over-u", "/afsluiting")
    save(client, page, opmerking="Mijn eigen woorden over het dorp")
    for _ in range(2):
        html, names = rendered(sqlite_app, client, page)
        assert "Mijn eigen woorden over het dorp" in html and names == ["resident/page.html"]
    kept = [k for k in sqlite_app.extensions["ladder"].surveys[SLUG].fragments if k[0] == "page"]
    assert not [k for k in kept if "Mijn eigen woorden over het dorp" in repr(k)]
    assert [values for (_page, (page_id, values, *_rest), *_more) in kept if page_id == "afsluiting"] == [
        (("opmerking", sqlite_app.extensions["ladder"].question_types["short_text"], None),)]  # the blank page only


def test_a_page_kept_without_csrf_is_not_served_with_it_on(sqlite_app):
    """With CSRF off (tests, a development setting) the page has no token: kept apart from the page that has one."""
    client = sqlite_app.test_client()
    page = start(client)
    sqlite_app.config["WTF_CSRF_ENABLED"] = False
    for _ in range(2):
        assert 'name="csrf_token"' not in rendered(sqlite_app, client, page)[0]
    sqlite_app.config["WTF_CSRF_ENABLED"] = True
    for _ in range(2):
        assert token(rendered(sqlite_app, client, page)[0].encode())


def test_a_type_keeps_markup_only_where_it_says_so_and_a_subclass_with_its_own_template_does_not():
    """``QuestionType.keeps_markup`` (docs/question_types.rst): the built-in types set it; a subclass that names
    another template or folder is off again unless it says so itself; one that changes neither keeps its parent's."""
    from ladder import BUILTIN_TYPES, QuestionType
    from ladder.question_types import SingleChoice
    assert all(t.keeps_markup for t in BUILTIN_TYPES) and not QuestionType.keeps_markup

    class OwnTemplate(SingleChoice):
        template = "own/choices.html"

    class OwnFolder(SingleChoice):
        template_folder = "/somewhere"

    class SaysSo(SingleChoice):
        template = "own/choices.html"
        keeps_markup = True

    class SameTemplate(SingleChoice):
        name = "same"

    assert [c.keeps_markup for c in (OwnTemplate, OwnFolder, SaysSo, SameTemplate)] == [False, False, True, True]
