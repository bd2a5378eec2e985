"""Staff texts per language (issue 19) in headless Chromium: the publish and "U zei, wij doen" forms with the
languages side by side, filled and sent by keyboard without JavaScript, and /r/ in nl, fy and en, each at 320
and 1280 px: axe-core (WCAG 2.1 A/AA), no sideways scroll. Without Chromium these tests skip, in CI they fail."""
from __future__ import annotations

import pytest
from browser_support import LiveServer, axe_violations, describe_violations, session_cookie

from conftest import make_app
from test_staff import MINE, signed_in

pytestmark = pytest.mark.browser
WIDTHS = (320, 1280)


@pytest.fixture
def server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path)
    live = LiveServer(app).start()
    yield live
    live.stop()


def staff_pages(new_context, server, width):
    """Two pages of one signed-in editor: without JavaScript (to fill and send the forms) and with (for axe)."""
    cookie = session_cookie(signed_in(server.app, "editor"))
    pages = []
    for script in (False, True):
        ctx = new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
        ctx.add_cookies([cookie])
        pages.append(ctx.new_page())
    return pages


def problems(page, name):
    found = []
    violations = axe_violations(page)
    if violations:
        found.append(f"{name}: axe\n{describe_violations(violations)}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        found.append(f"{name}: page is {width}px wide in a {page.viewport_size['width']}px window")
    return found


def send(page, button):
    """Press a button by keyboard and wait for the next page."""
    page.focus(button)
    with page.expect_navigation():
        page.keyboard.press("Enter")


ITEM_BUTTON = "#onderwerp + form button[type=submit]"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_staff_forms_and_the_page_in_each_language(new_context, server, width):
    page, checked = staff_pages(new_context, server, width)
    failures = []
    # "U zei, wij doen", without JavaScript: Dutch and Frisian, English left out (marked missing).
    page.goto(server.url(f"/beheer/s/{MINE}/terugkoppeling"))
    inputs = page.locator("#topic-talen input")
    boxes = [inputs.nth(i).bounding_box() for i in range(inputs.count())]
    assert len(boxes) == 3
    if width >= 1280:  # side by side: one row
        assert len({round(b["y"]) for b in boxes}) == 1
    else:  # stacked on a phone
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    page.fill("#topic", "Groen")
    page.fill("#topic_fy", "Grien")
    page.fill("#decision", "We planten twintig bomen.")
    page.fill("#decision_fy", "Wy plantsje tweintich beammen.")
    page.fill("#decision_en", "   ")  # only spaces: refused, with the language named
    send(page, ITEM_BUTTON)
    assert page.locator(".error-summary a").all_inner_texts() == [
        "Engels: dit vak bevat alleen spaties. Schrijf de tekst of maak het vak leeg."]
    assert page.input_value("#decision_fy") == "Wy plantsje tweintich beammen."  # what was typed is kept
    page.fill("#decision_en", "")
    send(page, ITEM_BUTTON)
    assert "Nog niet vertaald: Engels." in page.locator(".said-did").inner_text()
    # The same pages with JavaScript, for axe: the list, the form, and the form with an error.
    checked.goto(server.url(f"/beheer/s/{MINE}/terugkoppeling"))
    failures += problems(checked, f"report back at {width}")
    checked.fill("#topic", "Verkeer")
    checked.fill("#decision", "Een drempel.")
    checked.fill("#topic_en", "  ")
    with checked.expect_navigation():
        checked.click(ITEM_BUTTON)
    assert checked.locator(".error-summary").count() == 1
    failures += problems(checked, f"report back with an error at {width}")
    # The results text, then close the survey so /r/ shows it.
    page.goto(server.url(f"/beheer/s/{MINE}/uitkomsten"))
    page.fill("#results_text", "Dank voor het meedoen.")
    page.fill("#results_text_fy", "Tank foar it meidwaan.")
    page.check("#next_rung-raadplegen")
    send(page, "button[value=publiceren]")
    checked.goto(server.url(f"/beheer/s/{MINE}/uitkomsten"))
    assert checked.locator("#results_text_en-missing").count() == 1
    failures += problems(checked, f"publish at {width}")
    page.goto(server.url(f"/beheer/s/{MINE}"))
    page.check("#status-closed")
    send(page, "form:has(#status-closed) button[type=submit]")
    resident = new_context(viewport={"width": width, "height": 900}).new_page()
    for lang, results, decision in (("nl", "Dank voor het meedoen.", "We planten twintig bomen."),
                                    ("fy", "Tank foar it meidwaan.", "Wy plantsje tweintich beammen."),
                                    ("en", "Dank voor het meedoen.", "We planten twintig bomen.")):
        resident.goto(server.url(f"/r/{MINE}?lang={lang}"))
        part = resident.locator("#wat-doet-de-gemeente + .prose")
        assert part.inner_text() == results
        assert part.evaluate("e => e.closest('[lang]').lang") == ("nl" if lang == "en" else lang)
        said = resident.locator(".said-did .prose").first
        assert (said.inner_text(), said.evaluate("e => e.closest('[lang]').lang")) == (
            decision, "nl" if lang == "en" else lang)
        failures += problems(resident, f"/r/ in {lang} at {width}")
    assert not failures, "\n".join(failures)
