"""Issue 11 part A in real Chromium: the offered rung on start and result pages, the saved page (resume link,
print button, a code on one line), withdrawal by post/redirect/get and the accessibility statement; axe-core
on every page, at 320 px and at 1280 px, and no horizontal scroll at 320 px."""
from __future__ import annotations

import pytest
from browser_support import LiveServer, axe_violations, click_and_load, describe_violations, path_of
from conftest import make_app

pytestmark = pytest.mark.browser

BUNDLED = ("molenwaard", "rotterdam", "sudwest_fryslan", "zwijndrecht", "haarlemmermeer")
WIDTHS = (320, 1280)


@pytest.fixture
def bundled_live(tmp_path):
    from conftest import skip_or_fail
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, EXTRA_PLUGINS=[])
    if any(name not in app.extensions["ladder"].plugins for name in BUNDLED):
        skip_or_fail("bundled plugins not installed (make install)")
    server = LiveServer(app).start()
    yield app, server
    server.stop()


def check_page(page, what):
    """axe finds nothing, and at a narrow width nothing scrolls sideways."""
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"
    width = page.viewport_size["width"]
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} at {width} px scrolls {overflow} px sideways"


def stored_result(app, slug, answers):
    """A response placed by the survey's own rung logic, and a session cookie that may see its result page."""
    from ladder import db
    from ladder.codes import code_hash, new_code
    from ladder.models import Response
    survey = app.extensions["ladder"].surveys[slug]
    receipt = new_code()
    with app.app_context():
        row = Response(survey_slug=slug, survey_version=survey.version, locale="nl", channel="form", answers=answers,
                       placements=[p.to_dict() for p in survey.place(answers)],
                       advice=[a.to_dict() for a in survey.advise(answers)] if survey.advise else [],
                       receipt_hash=code_hash(receipt))
        db.session().add(row)
        db.session().commit()
        rid = row.id
    cookie = app.session_interface.get_signing_serializer(app).dumps(
        {"result": {"slug": slug, "id": rid, "receipt": receipt, "until": int(__import__("time").time()) + 600}})
    return receipt, cookie


RESULTS = [
    ("molenwaard-dorpsoverleg", {"betrokken_nu": "mening", "betrokken_gewenst": "ideeen"},
     "U wilt meedenken: trede 3 van 6."),
    ("rotterdam-participatiekompas", {"wet_sluit_uit": "nee", "alleen_uitvoering": "nee", "begroting": "nee",
                                      "doel": "kennis", "wie": ["omwonenden"], "impact": "klein"},
     "Het kompas adviseert voor dit plan: Adviseren, trede 3 van 6."),
    ("sudwest-fryslan-belangen", {"prioriteiten_hoe": "samen", "rol_gemeente": "overlaten",
                                  "plan_soort": "leefbaarheid", "plan_draagvlak": "breed", "plan_beleid": "past",
                                  "plan_kosten": 4000}, "U wilt het zelf regelen: trede 6 van 6."),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_start_and_result_pages_state_the_offer_and_pass_axe(new_context, bundled_live, width):
    app, live = bundled_live
    ctx = new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    page.goto(live.url("/"))
    assert page.locator(".offer-summary").count() >= 5
    check_page(page, "index with the offers")
    for slug in ("molenwaard-dorpsoverleg", "zwijndrecht-dorpsraad-heerjansdam", "sudwest-fryslan-belangen"):
        page.goto(live.url(f"/s/{slug}"))
        assert page.locator("section.offer .offer-lead").first.is_visible()
        check_page(page, f"start page {slug}")
    for slug, answers, sentence in RESULTS:
        _receipt, cookie = stored_result(app, slug, answers)
        ctx.add_cookies([{"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": cookie,
                          "url": live.url("/")}])
        page.goto(live.url(f"/s/{slug}/resultaat"))
        assert path_of(page) == f"/s/{slug}/resultaat"
        assert sentence in " ".join(page.locator(".placement-sentence").all_inner_texts())
        check_page(page, f"result page {slug}")


@pytest.mark.parametrize("width", WIDTHS)
def test_saved_page_resume_link_and_print_button(new_context, bundled_live, width):
    app, live = bundled_live
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(live.url("/s/molenwaard-dorpsoverleg"))
    click_and_load(page, "button[value=start]")
    first = path_of(page)
    click_and_load(page, "button[value=opslaan]")
    assert path_of(page) == "/s/molenwaard-dorpsoverleg/opgeslagen"
    check_page(page, "saved page")
    code = page.locator(".panel .code")
    box = code.bounding_box()
    line = page.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 1.5 * parseFloat(getComputedStyle(el).fontSize)",
                         code.element_handle())
    assert box["height"] < 1.6 * line, f"the code wraps at {width} px ({box['height']} px high)"
    assert page.locator("button[data-print]").is_visible()
    assert not page.locator("[data-print-hint]").is_visible()
    page.reload()  # a GET: Reload shows the same code, no resubmission
    assert page.locator(".panel .code").inner_text().strip() == code.inner_text().strip()

    link = page.locator("a.resume-link").get_attribute("href")
    elsewhere = new_context(viewport={"width": width, "height": 800}).new_page()
    elsewhere.goto(link)
    assert elsewhere.input_value("#q-code") == page.locator(".panel .code").inner_text().strip()
    assert "#" not in elsewhere.url  # taken out of the address bar and the history
    check_page(elsewhere, "resume page from the link")
    click_and_load(elsewhere, "form button[type=submit]")
    assert path_of(elsewhere) == first


def test_saved_page_without_javascript_says_how_to_print(new_context, bundled_live):
    app, live = bundled_live
    page = new_context(java_script_enabled=False, viewport={"width": 320, "height": 800}).new_page()
    page.goto(live.url("/s/molenwaard-dorpsoverleg"))
    click_and_load(page, "button[value=start]")
    click_and_load(page, "button[value=opslaan]")
    assert not page.locator("button[data-print]").is_visible()
    assert "Ctrl en P" in page.locator("[data-print-hint]").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_withdrawal_pages_are_gets_after_each_post_and_pass_axe(new_context, bundled_live, width):
    app, live = bundled_live
    receipt, _cookie = stored_result(app, "molenwaard-dorpsoverleg", {"betrokken_gewenst": "mening"})
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(live.url("/intrekken"))
    check_page(page, "withdraw: the code")
    page.fill("#q-code", receipt)
    click_and_load(page, "form button[type=submit]")
    assert path_of(page) == "/intrekken/bevestigen"
    check_page(page, "withdraw: confirm")
    page.reload()  # a GET: nothing is posted again
    assert path_of(page) == "/intrekken/bevestigen"
    click_and_load(page, "button[name=bevestig]")
    assert path_of(page) == "/intrekken/ingetrokken"
    check_page(page, "withdraw: done")
    page.reload()  # shown once; Reload goes back to the first step instead of posting again
    assert path_of(page) == "/intrekken"
    page.go_back()
    assert path_of(page) in ("/intrekken", "/intrekken/bevestigen") and page.locator("h1").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_accessibility_statement_passes_axe(new_context, bundled_live, width):
    app, live = bundled_live
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    for path in ("/toegankelijkheid", "/toegankelijkheid/sudwest-fryslan"):
        page.goto(live.url(path))
        assert page.locator("h1").inner_text() == "Toegankelijkheidsverklaring"
        check_page(page, f"statement {path}")
