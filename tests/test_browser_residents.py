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
    verdict = page.locator(".offer-verdict").first.inner_text().replace("\u00ad", "")  # soft hyphens in long words
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


# ---------------------------------------------------------------- long words on a phone

# Each place where the browser broke a word across two lines, and whether a hyphen shows there: a break after a
# hyphen or a soft hyphen (U+00AD, drawn as "-" at the end of the line) is fine, any other is a word cut in two
# ("leefbaarheids|budget"). Measured per character with Range rectangles, as the text is laid out.
SPLIT_WORDS_JS = r"""(root) => {
  const cut = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  // a character's own box is its range's last rectangle: after a soft hyphen where the line breaks, the first
  // one is the hyphen drawn at the end of the line before
  const top = (node, i) => { range.setStart(node, i); range.setEnd(node, i + 1);
                             const r = [...range.getClientRects()].pop(); return r && r.width > 0 ? r.top : null; };
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!el || el.closest('.visually-hidden, script, style, select, textarea, [hidden]')) continue;
    if (!el.getClientRects().length) continue;
    const text = node.data;
    for (const m of text.matchAll(/[^\s\u00a0]{2,}/g)) {
      let last = null;
      for (let i = m.index; i < m.index + m[0].length; i++) {
        const t = top(node, i);
        if (t === null) continue;
        if (last !== null && t > last + 2 && !'-\u00ad/\u2013\u2014'.includes(text[i - 1])) {
          cut.push(m[0].replaceAll('\u00ad', '') + ' cut as ' + text.slice(m.index, i).replaceAll('\u00ad', '')
                   + '|' + text.slice(i, m.index + m[0].length).replaceAll('\u00ad', ''));
        }
        last = t;
      }
    }
  }
  return cut;
}"""


def words_cut(page):
    return page.evaluate(SPLIT_WORDS_JS, page.locator("body").element_handle())


def bundled_surveys(app):
    reg = app.extensions["ladder"]
    return [s for slug, s in sorted(reg.surveys.items()) if reg.owners[("surveys", slug)] in BUNDLED]


def test_no_word_is_cut_without_a_hyphen_on_a_phone(new_context, bundled_live):
    """Every bundled survey at 320 px, in each of its languages: the index, the start page, every question page
    and the result page. Long compounds ("kerncontactfunctionarissen") break at a syllable with a hyphen, as on paper,
    not anywhere ("kerncontactfunctio|narissen"), whether or not the browser has hyphenation patterns."""
    from test_bundled_surveys import sample_answers
    app, live = bundled_live
    reg = app.extensions["ladder"]
    ctx = new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    cut = {}
    for lang in ("nl", "fy", "en"):
        page.goto(live.url(f"/?lang={lang}"))
        if words_cut(page):
            cut[("index", lang)] = words_cut(page)
    for survey in bundled_surveys(app):
        _receipt, cookie = stored_result(app, survey.slug, sample_answers(survey, reg.question_types))
        for lang in survey.locales:
            ctx.clear_cookies()
            page.goto(live.url(f"/s/{survey.slug}?lang={lang}"))
            seen = {"start": words_cut(page)}
            click_and_load(page, "button[value=start]")
            for p in survey.pages:
                page.goto(live.url(f"/s/{survey.slug}/vraag/{p.id}?lang={lang}"))
                seen[p.id] = words_cut(page)
            ctx.add_cookies([{"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": cookie,
                              "url": live.url("/")}])
            page.goto(live.url(f"/s/{survey.slug}/resultaat?lang={lang}"))
            seen["resultaat"] = words_cut(page)
            for where, words in seen.items():
                if words:
                    cut[(survey.slug, lang, where)] = words
    assert not cut, "\n".join(f"{k}: {v}" for k, v in cut.items())


# ---------------------------------------------------------------- scale points

def accessible_name(page, cdp, selector):
    """The name Chromium's accessibility tree gives the element (what a screen reader reads)."""
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    found = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"]
    return " ".join(found[0]["name"]["value"].split())


VISIBLE_TEXT_JS = """el => { const c = el.cloneNode(true); c.querySelectorAll('.visually-hidden').forEach(h => h.remove());
                             return c.textContent.replace(/\\s+/g, ' ').trim(); }"""


@pytest.mark.parametrize("slug, qid, lang, of, low", [
    ("haarlemmermeer-rollen-dorps-en-wijkraden", "tevreden_samenwerking", "nl", "van", "Heel ontevreden"),
    ("haarlemmermeer-rollen-dorps-en-wijkraden", "tevreden_samenwerking", "en", "of", "Very dissatisfied"),
    ("sudwest-fryslan-belangen", "coordinator_tevreden", "fy", "fan", "Hiel ûntefreden"),
])
def test_every_scale_point_is_named_on_screen_and_to_a_screen_reader(new_context, bundled_live, slug, qid, lang, of,
                                                                      low):
    """Points 2-4 showed a bare number ("2"): each point says "2 van 5" on screen, and Chromium's accessibility
    tree names each radio the same, the ends with their words."""
    app, live = bundled_live
    survey = app.extensions["ladder"].survey(slug)
    page_id = next(p.id for p in survey.pages if any(q.id == qid for q in p.questions))
    ctx = new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    page.goto(live.url(f"/s/{slug}?lang={lang}"))
    click_and_load(page, "button[value=start]")
    if slug == "sudwest-fryslan-belangen":  # the question is for those in contact with the coordinator
        from test_browser_bundled import fill
        from test_bundled_surveys import sample_answers
        reg = app.extensions["ladder"]
        answers = {**sample_answers(survey, reg.question_types), "coordinator_contact": "vaak"}
        for q in survey.visible_questions(survey.pages[0], answers):
            fill(page, q, answers[q.id], reg.question_types)
        click_and_load(page, "button[value=volgende]")
    page.goto(live.url(f"/s/{slug}/vraag/{page_id}?lang={lang}"))
    cdp = ctx.new_cdp_session(page)
    for n in range(1, 6):
        radio = f"#q-{qid}" + (f"-{n}" if n > 1 else "")
        visible = page.locator(f'label[for="{radio[1:]}"]').evaluate(VISIBLE_TEXT_JS)
        name = accessible_name(page, cdp, radio)
        assert visible.startswith(f"{n} {of} 5"), (n, visible)
        assert name == (f"{n} {of} 5, {low}" if n == 1 else f"{n} {of} 5" if n < 5 else name), (n, name)
        assert name.startswith(visible.split(" ", 3)[0] + f" {of} 5")
    assert_axe_clean(page, f"scale question in {lang}")
