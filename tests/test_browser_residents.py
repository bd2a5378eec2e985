"""What a resident stumbled on (issue 23), one browser test per finding: the area picker, the language of survey
text on the index, the Start button on a phone, code fields that keep what was typed, and the result page's next
steps."""
from __future__ import annotations

import re

import pytest
from browser_support import axe_violations, click_and_load, describe_violations, path_of
from test_browser_bundled import bundled_live  # noqa: F401  (fixture)
from test_browser_promise import stored_result
from test_bundled_surveys import BUNDLED

pytestmark = pytest.mark.browser


def assert_axe_clean(page, what):
    violations = axe_violations(page)
    assert not violations, f"axe-core on {what}:\n{describe_violations(violations)}"


def to_wijk(page, live):
    page.goto(live.url("/s/rotterdam-buurt-bestuurt"))
    click_and_load(page, "button[value=start]")
    assert path_of(page).endswith("/vraag/wijk"), page.url


# ---------------------------------------------------------------- the area picker

def test_the_area_picker_shows_how_it_works_and_wijken_with_their_gebied(new_context, bundled_live):
    _app, live = bundled_live
    page = new_context().new_page()
    to_wijk(page, live)
    hint = page.locator("#q-wijk-instructions")
    assert hint.is_visible()
    assert hint.inner_text() == "Typ de eerste letters en kies uit de lijst. Met pijltje omlaag ziet u de hele lijst."
    page.locator("#q-wijk").focus()
    page.keyboard.type("stadsd")
    assert page.locator("#q-wijk-list [role=option]").all_inner_texts() == ["Stadsdriehoek (Centrum)"]
    page.fill("#q-wijk", "")
    page.keyboard.press("ArrowDown")  # an empty box and arrow down: the whole list
    assert page.locator("#q-wijk-list [role=option]").count() == 80
    assert "Ergens anders in Centrum" in page.locator("#q-wijk-list [role=option]").all_inner_texts()
    assert_axe_clean(page, "area picker with the whole list open")


def test_a_wijk_typed_without_hyphen_or_capitals_is_taken(new_context, bundled_live):
    app, live = bundled_live
    page = new_context().new_page()
    to_wijk(page, live)
    page.locator("#q-wijk").focus()
    page.keyboard.type("cs kwartier")
    page.keyboard.press("Escape")  # no suggestion chosen: the server finds it by name
    click_and_load(page, "button[value=volgende]")
    assert not path_of(page).endswith("/vraag/wijk"), page.locator(".error-summary").all_inner_texts()


def test_a_name_that_is_no_wijk_stays_in_the_box_beside_its_error(new_context, bundled_live):
    _app, live = bundled_live
    page = new_context().new_page()
    to_wijk(page, live)
    page.locator("#q-wijk").focus()
    page.keyboard.type("Nergenshuizen")
    click_and_load(page, "button[value=volgende]")
    assert path_of(page).endswith("/vraag/wijk")
    assert page.locator("#q-wijk").input_value() == "Nergenshuizen"
    assert page.locator("#q-wijk-error").inner_text().endswith(
        "We vinden geen wijk met de naam ‘Nergenshuizen’. Controleer de naam, of kies uit de lijst.")
    assert_axe_clean(page, "area picker with a name it does not know")


def test_without_javascript_the_groups_are_gebieden(new_context, bundled_live):
    _app, live = bundled_live
    page = new_context(java_script_enabled=False).new_page()
    to_wijk(page, live)
    labels = page.eval_on_selector_all("#q-wijk optgroup", "gs => gs.map(g => g.label)")
    assert labels[:2] == ["Centrum", "Charlois"] and not [g for g in labels if g.startswith("Andere")]


def test_thirteen_places_are_a_plain_select(new_context, bundled_live):
    _app, live = bundled_live
    page = new_context().new_page()
    page.goto(live.url("/s/molenwaard-dorpsoverleg"))
    click_and_load(page, "button[value=start]")
    page.goto(live.url("/s/molenwaard-dorpsoverleg/vraag/woonplaats"))
    assert page.locator("select#q-woonplaats").is_visible()
    assert page.locator("[role=combobox]").count() == 0


# ---------------------------------------------------------------- language of parts

@pytest.mark.parametrize("lang", ["fy", "en"])
def test_dutch_survey_text_on_the_index_is_marked_dutch_and_kept_apart(new_context, bundled_live, lang):
    app, live = bundled_live
    page = new_context().new_page()
    page.goto(live.url(f"/?lang={lang}"))
    dutch_only = [s for s in app.extensions["ladder"].surveys.values()
                  if app.extensions["ladder"].owners[("surveys", s.slug)] in BUNDLED and lang not in s.title]
    assert dutch_only
    for survey in dutch_only:
        item = page.locator("li", has=page.locator(f'a[href="/s/{survey.slug}"]'))
        lang_of = "el => el.closest('[lang]').getAttribute('lang')"
        assert item.locator(f'a[href="/s/{survey.slug}"] > span').evaluate(lang_of) == "nl"
        minutes = item.locator("p", has_text={"fy": "minuten", "en": "minutes"}[lang])
        assert minutes.evaluate(lang_of) == lang, minutes.inner_html()
        assert survey.audience["nl"] not in minutes.inner_text()


# ---------------------------------------------------------------- the start page on a phone

def test_the_start_button_is_within_two_screens_of_a_phone_on_every_bundled_survey(new_context, bundled_live):
    app, live = bundled_live
    reg = app.extensions["ladder"]
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    far = {}
    for slug, survey in sorted(reg.surveys.items()):
        if reg.owners[("surveys", slug)] not in BUNDLED:
            continue
        for lang in survey.locales:
            page.goto(live.url(f"/s/{slug}?lang={lang}"))
            box = page.locator("button[value=start]").bounding_box()
            if box["y"] + box["height"] > 2 * 640:
                far[(slug, lang)] = round(box["y"])
    assert not far, far


def test_the_contact_is_not_asked_twice(new_context, bundled_live):
    app, live = bundled_live
    page = new_context().new_page()
    for slug in sorted(app.extensions["ladder"].surveys):
        page.goto(live.url(f"/s/{slug}"))
        shown = " ".join(page.locator("main").inner_text().split())
        assert not re.search(r"Vragen\? (Vragen|Heeft u vragen)", shown), slug


# ---------------------------------------------------------------- code fields

def test_an_empty_resume_code_is_asked_for_and_a_wrong_one_kept_to_correct(new_context, bundled_live):
    _app, live = bundled_live
    page = new_context().new_page()
    page.goto(live.url("/s/molenwaard-dorpsoverleg/hervatten"))
    click_and_load(page, "form button[type=submit]")
    assert " ".join(page.locator("#q-code-error").text_content().split()) == "Fout: Vul uw hervatcode in."
    page.fill("#q-code", "K7PM-3QXD-RT9B")
    click_and_load(page, "form button[type=submit]")
    assert page.locator("#q-code").input_value() == "K7PM-3QXD-RT9B"
    assert "kennen we niet" in page.locator("#q-code-error").inner_text()


def test_an_empty_receipt_code_is_asked_for(new_context, bundled_live):
    _app, live = bundled_live
    page = new_context().new_page()
    page.goto(live.url("/intrekken"))
    click_and_load(page, "form button[type=submit]")
    assert " ".join(page.locator("#q-code-error").text_content().split()) == "Fout: Vul uw ontvangstcode in."


# ---------------------------------------------------------------- the result page's next steps

def test_wanting_more_say_comes_with_what_to_do_and_the_page_can_be_printed(new_context, bundled_live):
    app, live = bundled_live
    ctx = new_context()
    _receipt, cookie = stored_result(app, "molenwaard-dorpsoverleg",
                                     {"betrokken_nu": "mening", "betrokken_gewenst": "ideeen"})
    ctx.add_cookies([{"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": cookie, "url": live.url("/")}])
    page = ctx.new_page()
    page.goto(live.url("/s/molenwaard-dorpsoverleg/resultaat"))
    verdict = page.locator(".offer-verdict").first.inner_text()
    assert verdict.startswith("U wilt meer inspraak dan de gemeente bij deze vragenlijst biedt. "
                              "Wilt u meer meedoen? Laat het de gemeente weten.")
    assert "kerncontactfunctionaris" in verdict
    assert page.locator("button[data-print]").is_visible()
    assert "niet opnieuw openen" in page.locator("main").inner_text()
    # each rung says in a few words what it means
    from ladder.ladders import PARTICIPATIELADDER
    coproduceren = page.locator(".rung", has_text="Coproduceren").first
    assert coproduceren.locator(".rung-text").inner_text() == PARTICIPATIELADDER.rung("coproduceren").municipality["nl"]
    assert_axe_clean(page, "result page with next steps")


def test_haarlemmermeer_links_to_its_agreement_page(new_context, bundled_live):
    app, live = bundled_live
    ctx = new_context()
    survey = app.extensions["ladder"].survey("haarlemmermeer-rollen-dorps-en-wijkraden")
    from test_bundled_surveys import sample_answers
    _receipt, cookie = stored_result(app, survey.slug, sample_answers(survey, app.extensions["ladder"].question_types))
    ctx.add_cookies([{"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": cookie, "url": live.url("/")}])
    page = ctx.new_page()
    page.goto(live.url(f"/s/{survey.slug}/resultaat"))
    link = page.locator(".next-links a")
    assert link.get_attribute("href") == "/haarlemmermeer/afspraken"
    click_and_load(page, ".next-links a")
    assert path_of(page) == "/haarlemmermeer/afspraken"



def test_each_ranking_item_reads_its_label_before_its_select_on_a_phone(new_context, bundled_live):
    _app, live = bundled_live
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(live.url("/s/rotterdam-buurt-bestuurt"))
    click_and_load(page, "button[value=start]")
    page.goto(live.url("/s/rotterdam-buurt-bestuurt/vraag/prioriteiten"))
    items = page.locator(".ranking-item")
    assert items.count() == 8
    for i in range(items.count()):
        label, select = items.nth(i).locator("label").bounding_box(), items.nth(i).locator("select").bounding_box()
        assert label["y"] + label["height"] <= select["y"], i
        assert items.nth(i).evaluate("el => el.firstElementChild.tagName") == "LABEL"
