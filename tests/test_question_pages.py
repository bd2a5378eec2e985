"""Question pages the GOV.UK way, over HTTP: an error per question type that says what to do, scale points with
names, short area lists as radios and long ones grouped by district, ranking order and the row in error, a
character count tied to text fields, one question per page, and change links that come back to the check page."""
from __future__ import annotations

import re
from html import unescape

import pytest
from conftest import make_app

from ladder.survey_file import SurveyFileError, survey_from_dict

SLUG = "testdorp-inspraak"


def token(html: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()


def start(client, slug=SLUG):
    page = client.get(f"/s/{slug}")
    assert page.status_code == 200
    started = client.post(f"/s/{slug}", data={"csrf_token": token(page.data), "action": "start"})
    assert started.status_code == 302
    return started.headers["Location"]


def post(client, url, data, action="volgende"):
    page = client.get(url)
    return client.post(url, data={"csrf_token": token(page.data), "action": action, **data})


def errors_of(response) -> dict[str, str]:
    """The error summary as {link target: text}."""
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return {href: unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for href, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary, re.S)}


def message_of(text: str) -> str:
    """A summary line without its question: "Waar woont u? Kies ..." or "Uw naam: Vul ..." -> "Kies ..."."""
    return re.sub(r"^.*?[?:]\s+", "", text, count=1)


def to_initiatief(client):
    url = start(client)
    post(client, url, {"woonplaats": "testdorp", "betrokken": "soms"})
    post(client, f"/s/{SLUG}/vraag/inspraak", {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen"]})
    return f"/s/{SLUG}/vraag/initiatief"


# ---------------------------------------------------------------- errors per type

def test_each_question_type_says_what_to_do_when_left_empty(sqlite_app):
    client = sqlite_app.test_client()
    url = start(client)
    first = {k: message_of(v) for k, v in errors_of(post(client, url, {})).items()}
    assert first == {"q-woonplaats": "Kies een kern, wijk of buurt.", "q-betrokken": "Kies één antwoord."}
    post(client, url, {"woonplaats": "testdorp", "betrokken": "soms"})
    second = {k: message_of(v) for k, v in errors_of(post(client, f"/s/{SLUG}/vraag/inspraak", {})).items()}
    assert second["q-gewenst"] == "Kies een getal van 1 tot en met 6."
    assert second["q-thema"] == "Kies 1 tot 2 antwoorden."  # max_choices = 2 in testdorp.toml
    post(client, f"/s/{SLUG}/vraag/inspraak", {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen"]})
    third = {k: message_of(v) for k, v in errors_of(post(client, f"/s/{SLUG}/vraag/initiatief", {})).items()}
    assert third["q-kosten"] == "Vul een bedrag in euro's in, bijvoorbeeld 1500."  # unit = "euro"
    assert third["q-prioriteiten"] == "Geef de 2 belangrijkste onderwerpen een plaats."  # top = 2
    for response in (first, second, third):
        assert not any("Beantwoord deze vraag" in text for text in response.values())


def test_too_many_choices_says_how_many(sqlite_app):
    client = sqlite_app.test_client()
    url = start(client)
    post(client, url, {"woonplaats": "testdorp", "betrokken": "soms"})
    found = errors_of(post(client, f"/s/{SLUG}/vraag/inspraak",
                           {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen", "verkeer", "spelen"]}))
    assert found["q-thema"].endswith("Kies 1 tot 2 antwoorden.")


# ---------------------------------------------------------------- scale

def test_every_scale_point_has_a_name_and_the_ends_carry_their_words(sqlite_app):
    client = sqlite_app.test_client()
    url = start(client)
    post(client, url, {"woonplaats": "testdorp", "betrokken": "soms"})
    html = client.get(f"/s/{SLUG}/vraag/inspraak").get_data(as_text=True)
    labels = {for_id: " ".join(unescape(re.sub(r"<[^>]+>", "", inner)).split())
              for for_id, inner in re.findall(r'<label for="(q-gewenst(?:-\d)?)">(.*?)</label>', html, re.S)}
    assert len(labels) == 6
    survey = sqlite_app.extensions["ladder"].survey(SLUG)
    low_words, high_words = (survey.question("gewenst").options[k] for k in ("min_label", "max_label"))
    assert labels["q-gewenst"] == f"1 van 6, {low_words}"
    assert labels["q-gewenst-3"] == "3 van 6"
    assert labels["q-gewenst-6"] == f"6 van 6, {high_words}"
    assert "scale-ends" not in html  # the end words are no longer a separate line above the points


# ---------------------------------------------------------------- area

def test_a_short_area_list_is_radios(sqlite_app):
    client = sqlite_app.test_client()
    html = client.get(start(client)).get_data(as_text=True)
    assert '<select class="select" id="q-woonplaats"' not in html
    assert re.search(r'type="radio" id="q-woonplaats" name="woonplaats" value="testdorp"', html)
    assert re.search(r'type="radio" id="q-woonplaats-2" name="woonplaats" value="proefwijk"', html)


@pytest.fixture
def bundled(tmp_path):
    from conftest import skip_or_fail
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, EXTRA_PLUGINS=[])
    if "rotterdam-buurt-bestuurt" not in app.extensions["ladder"].surveys:
        skip_or_fail("bundled plugins not installed (make install)")
    return app


def _page_with(app, slug, qid):
    """The HTML of the page that asks ``qid`` (walked to with the test client, earlier pages answered via the API's
    sample answers)."""
    survey = app.extensions["ladder"].survey(slug)
    page = next(p for p in survey.pages if any(q.id == qid for q in p.questions))
    client = app.test_client()
    start(client, slug)
    return client.get(f"/s/{slug}/vraag/{page.id}").get_data(as_text=True), survey


def test_a_long_area_list_is_a_select_grouped_by_district_with_the_picker(bundled):
    html, survey = _page_with(bundled, "rotterdam-buurt-bestuurt", "wijk")
    select = re.search(r'<select class="select" id="q-wijk".*?</select>', html, re.S).group(0)
    assert "data-area-picker" in select
    groups = {unescape(k): v for k, v in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)}
    assert len(groups) >= 10
    question = survey.question("wijk")
    offered = bundled.extensions["ladder"].question_types["area"].offered(question, survey.areas)
    # every wijk sits in the group of its own gebied, by name; a gebied that is offered itself, in its own group
    parents = {a.parent for a in offered if a.parent}
    for area in offered:
        group = survey.area(area.parent) if area.parent else area
        assert area.parent or area.code in parents, area
        assert f'value="{area.code}"' in groups[group.name["nl"]]
    assert 'src="/static/area-picker.js?v=' in html


def test_zwijndrecht_two_places_are_radios(bundled):
    html, _survey = _page_with(bundled, "zwijndrecht-dorpsraad-heerjansdam", "woonplaats")
    assert html.count('name="woonplaats"') == 2 and 'type="radio" id="q-woonplaats"' in html


# ---------------------------------------------------------------- ranking

def test_ranking_shows_the_order_and_marks_the_row_in_error(sqlite_app):
    client = sqlite_app.test_client()
    url = to_initiatief(client)
    # bankjes, bloembakken, aed: both bankjes and bloembakken on place 1
    response = post(client, url, {"kosten": "100", "prioriteiten": ["1", "1", ""]})
    assert response.status_code == 422
    assert errors_of(response) == {
        "q-prioriteiten-2": "Wat moet als eerste? Plaats 1 staat bij ‘Bankjes’ en bij ‘Bloembakken’. "
                            "Elke plaats mag maar één keer voorkomen."}
    html = response.get_data(as_text=True)
    rows = re.findall(r'<div class="ranking-item( ranking-item--error)?">(?:(?!</div>).)*?<select id="(q-prioriteiten(?:-\d)?)"',
                      html, re.S)
    assert rows == [("", "q-prioriteiten"), (" ranking-item--error", "q-prioriteiten-2"), ("", "q-prioriteiten-3")]
    assert re.search(r'id="q-prioriteiten-2"[^>]*aria-invalid="true"', html)
    # a good answer is listed in its order after saving
    post(client, url, {"kosten": "100", "prioriteiten": ["2", "", "1"]})
    html = client.get(url).get_data(as_text=True)
    order = re.search(r'<ol class="ranking-order"[^>]*>(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", order) == ["Een AED", "Bankjes"]


def test_a_place_out_of_range_names_its_row(sqlite_app):
    client = sqlite_app.test_client()
    url = to_initiatief(client)
    found = errors_of(post(client, url, {"kosten": "100", "prioriteiten": ["1", "", "3"]}))
    assert found == {"q-prioriteiten-3": "Wat moet als eerste? Geef ‘Een AED’ een van de plaatsen 1 tot en met 2."}


# ---------------------------------------------------------------- character count

def test_text_fields_are_tied_to_their_character_count(sqlite_app):
    client = sqlite_app.test_client()
    html = client.get(to_initiatief(client)).get_data(as_text=True)
    field = re.search(r'<textarea[^>]*id="q-toelichting"[^>]*>', html).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert "q-toelichting-count" in described
    count = re.search(r'<p class="hint character-count" id="q-toelichting-count"[^>]*>(.*?)</p>', html, re.S)
    limit = sqlite_app.extensions["ladder"].survey(SLUG).question("toelichting").options.get("max_length", 2000)
    assert count.group(1).strip() == f"Hoogstens {limit} tekens."
    assert 'src="/static/character-count.js?v=' in html


# ---------------------------------------------------------------- one question per page

def _definition(**page_options):
    question = {"type": "multiple_choice", "required": False, "choices": [{"value": "a", "label": "A"}]}
    return {"slug": "split", "title": "T", "municipality": "M", "intro": "I", "purpose": "P", "retention": "R",
            "pages": [{"id": "eerst", "title": "Eerst", "questions": [{"id": "rol", **question, "label": "Rol?"}]},
                      {"id": "lang", "title": "Lang", "intro": "Kies per rol.", **page_options,
                       "show_if": {"question": "rol", "answered": True},
                       "questions": [{"id": "x", **question, "label": "X?"},
                                     {"id": "y", **question, "label": "Y?",
                                      "show_if": {"question": "rol", "contains": "a"}}]}]}


def test_one_question_per_page_splits_a_page_and_keeps_its_conditions():
    survey = survey_from_dict(_definition(one_question_per_page=True))
    assert [p.id for p in survey.pages] == ["eerst", "lang-1", "lang-2"]
    assert [[q.id for q in p.questions] for p in survey.pages] == [["rol"], ["x"], ["y"]]
    assert [p.intro["nl"] for p in survey.pages[1:]] == ["Kies per rol.", "Kies per rol."]
    assert [p.id for p in survey.visible_pages({})] == ["eerst"]
    assert [p.id for p in survey.visible_pages({"rol": ["a"]})] == ["eerst", "lang-1", "lang-2"]
    assert [p.id for p in survey_from_dict(_definition()).pages] == ["eerst", "lang"]


def test_one_question_per_page_must_be_true_or_false():
    with pytest.raises(SurveyFileError, match=r"pages\[1\]\.one_question_per_page: must be true or false"):
        survey_from_dict(_definition(one_question_per_page="ja"))


def test_no_bundled_page_asks_more_than_twenty_options_at_once(bundled):
    """Haarlemmermeer's 40 check boxes on one page were too many: the longest pages are split."""
    worst = {}
    for slug, survey in bundled.extensions["ladder"].surveys.items():
        for page in survey.pages:
            worst[f"{slug}/{page.id}"] = sum(max(len(q.choices), 1) for q in page.questions
                                             if q.type != "area")
    assert max(worst.values()) <= 20, sorted(worst.items(), key=lambda kv: -kv[1])[:3]


# ---------------------------------------------------------------- check answers

def test_check_page_has_a_change_link_per_question_that_comes_back(sqlite_app):
    client = sqlite_app.test_client()
    url = to_initiatief(client)
    post(client, url, {"kosten": "100", "prioriteiten": ["2", "", "1"]})
    done = post(client, f"/s/{SLUG}/vraag/afsluiting", {"opmerking": ""})
    assert done.headers["Location"].endswith("/controleren")
    html = client.get(f"/s/{SLUG}/controleren").get_data(as_text=True)
    links = re.findall(r'<dd class="summary-change"><a href="([^"]+)">', html)
    assert len(links) == len(re.findall(r'<div class="summary-row">', html)) >= 8
    assert f"/s/{SLUG}/vraag/inspraak?terug=controleren#q-gewenst" in [unescape(link) for link in links]
    # change an answer from the check page: saving goes back to the check page, with the new answer
    back = post(client, f"/s/{SLUG}/vraag/inspraak?terug=controleren",
                {"huidig": "raadplegen", "gewenst": "5", "thema": ["groen"]})
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/s/{SLUG}/controleren")
    assert "5" in client.get(back.headers["Location"]).get_data(as_text=True)


def test_a_change_that_opens_a_skipped_page_goes_there_first(sqlite_app):
    client = sqlite_app.test_client()
    url = start(client)
    post(client, url, {"woonplaats": "testdorp", "betrokken": "nooit"})  # skips 'initiatief'
    post(client, f"/s/{SLUG}/vraag/inspraak", {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen"]})
    post(client, f"/s/{SLUG}/vraag/afsluiting", {"opmerking": ""})
    back = post(client, f"/s/{SLUG}/vraag/over-u?terug=controleren", {"woonplaats": "testdorp", "betrokken": "soms"})
    assert back.headers["Location"].endswith(f"/s/{SLUG}/vraag/initiatief?terug=controleren")
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Opslaan en terug naar controleren" in page



def test_the_error_summary_puts_no_colon_after_a_question_mark(sqlite_app):
    # "Waar woont u?: Kies ..." reads as a typo; after a question mark the message simply follows
    client = sqlite_app.test_client()
    shown = errors_of(post(client, start(client), {}))
    assert shown and not any("?:" in text for text in shown.values()), shown
    assert any("? " in text for text in shown.values()), shown  # a label that is a question: the case is exercised
