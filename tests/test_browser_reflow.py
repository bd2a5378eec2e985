"""Reflow (WCAG 1.4.10): no page scrolls sideways at 320 CSS pixels, nor at 1280 pixels with text at 200 %.

Every page of every bundled survey (start, each question page empty with its errors and answered, check, result),
the resident's other pages, the public results pages and the staff pages reachable from the staff home, in real
Chromium. Long Dutch compounds must wrap; wide tables scroll inside their own region, never the page.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from browser_support import LiveServer, click_and_load, path_of, shown_secret
from conftest import make_app
from test_browser_bundled import fill
from test_bundled_surveys import BUNDLED, sample_answers

pytestmark = pytest.mark.browser

PASSWORD = "een lang wachtwoord voor de test"
SETUP = "/beheer/inloggen/instellen"

# The page's width against its viewport, and the widest elements that stick out (for the failure message), with
# the text at 200 % or as the page sets it.
MEASURE = """(big) => {
  document.documentElement.style.fontSize = big ? '200%' : '';
  const doc = document.scrollingElement, width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.closest('.table-scroll') && !(e instanceof SVGElement && e.tagName !== 'svg')).slice(-4)
    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`
              + ` (${Math.round(e.getBoundingClientRect().right)}px): ${(e.innerText || '').slice(0, 40)}`);
  return {scroll: doc.scrollWidth, client: doc.clientWidth, out};
}"""
# (viewport, text at 200 %, what the failure calls it)
PHONE = ({"width": 320, "height": 640}, False, "at 320px")
BIG_TEXT = ({"width": 1280, "height": 800}, True, "at 1280px, text 200%")


@pytest.fixture
def site(tmp_path):
    """The bundled plugins with a few answers per survey, published results and an admin without a second factor."""
    from conftest import skip_or_fail
    from ladder import db, lifecycle
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, EXTRA_PLUGINS=[], MFA_REQUIRED_ROLES=[])
    reg = app.extensions["ladder"]
    if any(name not in reg.plugins for name in BUNDLED):
        skip_or_fail("bundled plugins not installed (make install)")
    client = app.test_client()
    for slug, survey in reg.surveys.items():
        for n in range(8):
            answers = sample_answers(survey, reg.question_types, pick_last=bool(n % 2))
            sent = client.post(f"/api/v1/surveys/{slug}/responses", json={"answers": answers, "locale": "nl"})
            assert sent.status_code == 201, (slug, sent.get_json())
        with app.app_context():
            lifecycle.editable_row(survey).results_published_at = datetime.now(timezone.utc)
            db.session().commit()
    result = app.test_cli_runner().invoke(args=["users", "add", "beheer@example.org", "--role", "admin"],
                                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    server = LiveServer(app).start()
    yield app, server
    server.stop()


class Reflow:
    """Measures each page at 320 px, and at 1280 px with 200 % text; collects what scrolls sideways.

    Each page is measured first in the window the previous one was left in, then in the other, so the window
    changes size once per page, not twice (each change lays the whole page out again)."""

    def __init__(self, page):
        self.page, self.failures, self.checked = page, {}, []
        self.window = PHONE  # the page's viewport when the test opens it

    def check(self, name):
        then = BIG_TEXT if self.window is PHONE else PHONE
        for index, (viewport, big, where) in enumerate((self.window, then)):
            if index:
                self.page.set_viewport_size(viewport)
            found = self.page.evaluate(MEASURE, big)
            if found["scroll"] > found["client"]:
                self.failures[f"{name} {where}"] = found
        self.window = then  # the text stays as measured last: the next measurement sets it again
        self.checked.append(name)

    def visit(self, path, name=None):
        response = self.page.goto(self.base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return False
        self.check(name or path)
        return True

    def report(self):
        return "\n".join(f"{k}: page {v['scroll']}px wide in {v['client']}px; sticking out: {v['out']}"
                         for k, v in self.failures.items())


def test_no_page_scrolls_sideways_at_320px_or_with_big_text(site, new_context):
    app, live = site
    reg = app.extensions["ladder"]
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.set_default_navigation_timeout(90_000)  # results pages draw charts: slow on a busy machine
    reflow = Reflow(page)
    reflow.base = live.base

    for slug, survey in sorted(reg.surveys.items()):
        answers = sample_answers(survey, reg.question_types)
        reflow.visit(f"/s/{slug}", f"{slug} start")
        click_and_load(page, "button[value=start]")
        first = page.url
        click_and_load(page, "button[value=opslaan]")  # the saved page, with its resume code and link
        reflow.check(f"{slug} saved")
        page.goto(first)
        while "/vraag/" in path_of(page):
            url = page.url
            page_id = path_of(page).split("?")[0].rsplit("/", 1)[-1]
            click_and_load(page, "button[value=volgende]")  # empty first: the page with its errors
            if page.locator(".error-summary").count():
                reflow.check(f"{slug} {page_id} with errors")
            else:  # nothing required on it: back to answer it
                page.goto(url)
            shown = next(p for p in survey.pages if p.id == page_id)
            for question in survey.visible_questions(shown, answers):
                if question.id in answers:
                    fill(page, question, answers[question.id], reg.question_types)
            reflow.check(f"{slug} {page_id}")
            click_and_load(page, "button[value=volgende]")
        reflow.check(f"{slug} check answers")
        click_and_load(page, "form button[type=submit]")
        reflow.check(f"{slug} result")
        receipt = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator("main").inner_text())
        assert receipt, f"no receipt code on {slug}'s result page"
        if slug.startswith("molenwaard"):  # once: withdrawing, asked to confirm
            reflow.visit("/intrekken")
            page.fill("#q-code", receipt.group(0))
            click_and_load(page, "main form button[type=submit]")
            reflow.check("withdraw, confirm")
        reflow.visit(f"/r/{slug}", f"{slug} public results")
        reflow.visit(f"/s/{slug}/hervatten", f"{slug} resume")

    for path in ("/", "/intrekken", "/toegankelijkheid", "/beheer/inloggen"):
        reflow.visit(path)

    # Staff: sign in, then every page linked from the staff home and the dashboards (not downloads, not sign-out).
    page.goto(live.url("/beheer/inloggen"))
    page.fill("#email", "beheer@example.org")
    page.fill("#password", PASSWORD)
    click_and_load(page, "form:has(#email) button[type=submit]")
    if path_of(page).startswith(SETUP):  # an admin sets up the second factor first: that page is checked too
        from staff_signin import code_for
        reflow.check("/beheer/inloggen/instellen")
        page.fill("#code", code_for(shown_secret(page)))
        click_and_load(page, "form:has(#code) button[type=submit]")
        reflow.check("recovery codes")
        if "/inloggen" in path_of(page):
            click_and_load(page, "main a.button")  # "Ik heb de codes bewaard, verder"
    assert path_of(page).startswith("/beheer/") and "/inloggen" not in path_of(page), page.url
    queue, seen = ["/beheer/"], set()
    while queue and len(seen) < 80:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        if not reflow.visit(path):
            continue
        for href in page.locator("main a[href^='/beheer/'], main a[href^='/r/']").evaluate_all(
                "els => els.map(e => e.getAttribute('href').split('#')[0])"):
            if not any(word in href for word in ("export", "uitloggen", "rapport", "verslag", "download")) \
                    and not href.endswith((".csv", ".json", ".xlsx", ".pdf")):  # files, not pages
                queue.append(href)

    assert len(reflow.checked) >= 60, reflow.checked
    assert any(name.startswith("/beheer/s/") for name in reflow.checked), reflow.checked
    assert not reflow.failures, "pages that scroll sideways:\n" + reflow.report()
