"""Screenshots of the pages issue 23 changed, at 320 and 1280 CSS pixels, in each language the page offers.

``make screenshots-residents`` (or ``python -m bench.screenshots_residents [OUTDIR]``) builds the app with the
bundled plugins on a temporary SQLite database and saves ``<page>-<lang>-<width>.png`` into
docs/screenshots/residents/: the index, start pages, the area question (the typing picker, its error, the plain
select), result pages and a code field in error. It prints, per start and result page, what a resident sees in
the first screen of a 320×640 phone, and where the Start button is.
"""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from bench.screenshots import CHROMIUM

WIDTHS = (320, 1280)
PHONE_HEIGHT = 640

# (name, survey slug or None, languages, what to do): the pages to picture
START_PAGES = [("start-molenwaard", "molenwaard-dorpsoverleg"), ("start-rotterdam", "rotterdam-buurt-bestuurt"),
               ("start-sudwest-fryslan", "sudwest-fryslan-belangen")]
RESULTS = [("result-molenwaard", "molenwaard-dorpsoverleg", {"betrokken_nu": "mening", "betrokken_gewenst": "ideeen"}),
           ("result-haarlemmermeer", "haarlemmermeer-rollen-dorps-en-wijkraden", None),
           ("result-sudwest-fryslan", "sudwest-fryslan-belangen", None)]


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass
    return Quiet


def _app(folder: Path):
    from ladder import create_app
    from ladder.migrate import upgrade
    url = f"sqlite:///{folder / 'ladder.sqlite3'}"
    upgrade(url)
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "screenshots", "EXTRA_PLUGINS": [], "DISABLED_PLUGINS": []},
                      instance_path=folder / "instance")


def _result_cookie(app, slug, answers, locale):
    """A stored response placed by the survey's own rung logic, and a session cookie that may see its result."""
    from bench.screenshots import _answers
    from ladder import db
    from ladder.codes import code_hash, new_code
    from ladder.models import Response
    reg = app.extensions["ladder"]
    survey = reg.survey(slug)
    answers = {**_answers(survey, reg.question_types, last=True), **(answers or {})}
    receipt = new_code()
    with app.app_context():
        row = Response(survey_slug=slug, survey_version=survey.version, locale=locale, channel="form",
                       answers=answers, placements=[p.to_dict() for p in survey.place(answers)],
                       advice=[a.to_dict() for a in survey.advise(answers)] if survey.advise else [],
                       receipt_hash=code_hash(receipt))
        db.session().add(row)
        db.session().commit()
        rid = row.id
    return app.session_interface.get_signing_serializer(app).dumps(
        {"result": {"slug": slug, "id": rid, "receipt": receipt}, "locale": locale})


def _first_screen(page) -> str:
    """The text a resident sees without scrolling on a 320×640 phone, in reading order, one line per block."""
    return page.evaluate("""(height) => {
        const seen = [];
        for (const el of document.querySelectorAll('main h1, main h2, main h3, main p, main dt, main dd, main li,'
                                                   + ' main button, main label, main legend')) {
            const box = el.getBoundingClientRect();
            if (box.top >= 0 && box.top < height && box.height > 0 && el.offsetParent !== null) {
                const text = el.innerText.trim().replace(/\\s+/g, ' ');
                if (text && !seen.some(s => s.includes(text))) { seen.push(text); }
            }
        }
        return seen.join('\\n');
    }""", PHONE_HEIGHT)


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server
    _Quiet = _quiet_handler()
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        reg = app.extensions["ladder"]
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
                for width in WIDTHS:
                    ctx = browser.new_context(viewport={"width": width, "height": PHONE_HEIGHT}, locale="nl-NL",
                                              device_scale_factor=1)
                    page = ctx.new_page()

                    def shot(name, lang, full=True):
                        path = out / f"{name}-{lang}-{width}.png"
                        page.screenshot(path=str(path), full_page=full)
                        saved.append(path)

                    def load(selector):
                        with page.expect_navigation():
                            page.click(selector)

                    for lang in ("nl", "fy", "en"):
                        page.goto(f"{base}/?lang={lang}")
                        shot("index", lang)
                    for name, slug in START_PAGES:
                        for lang in reg.survey(slug).locales:
                            page.goto(f"{base}/s/{slug}?lang={lang}")
                            shot(name, lang)
                            if width == 320:
                                box = page.locator("button[value=start]").bounding_box()
                                print(f"\n== {name} ({lang}) at 320×640: Start button top at {box['y']:.0f} px,"
                                      f" bottom at {box['y'] + box['height']:.0f} px (two screens: 1280)")
                                print(_first_screen(page))
                    # the area question: the typing picker (open, then in error) and Molenwaard's plain select
                    page.goto(f"{base}/s/rotterdam-buurt-bestuurt?lang=nl")
                    load("button[value=start]")
                    page.locator("#q-wijk").focus()
                    page.keyboard.type("stadsd")
                    shot("area-picker", "nl", full=False)
                    page.fill("#q-wijk", "Nergenshuizen")
                    page.keyboard.press("Escape")
                    load("button[value=volgende]")
                    shot("area-picker-error", "nl")
                    page.goto(f"{base}/s/molenwaard-dorpsoverleg?lang=nl")
                    load("button[value=start]")
                    page.goto(f"{base}/s/molenwaard-dorpsoverleg/vraag/woonplaats")
                    shot("area-select", "nl")
                    # a code field in error keeps the code
                    page.goto(f"{base}/s/molenwaard-dorpsoverleg/hervatten")
                    page.fill("#q-code", "K7PM-3QXD-RT9B")
                    load("form button[type=submit]")
                    shot("resume-code-error", "nl")
                    for name, slug, answers in RESULTS:
                        for lang in reg.survey(slug).locales:
                            cookie = _result_cookie(app, slug, answers, lang)
                            ctx.add_cookies([{"name": app.config.get("SESSION_COOKIE_NAME", "session"),
                                              "value": cookie, "url": base + "/"}])
                            page.goto(f"{base}/s/{slug}/resultaat?lang={lang}")
                            shot(name, lang)
                            if width == 320:
                                print(f"\n== {name} ({lang}) at 320×640, first screen:")
                                print(_first_screen(page))
                    ctx.close()
                browser.close()
        finally:
            server.shutdown()
    return saved


if __name__ == "__main__":
    target = (Path(sys.argv[1]) if len(sys.argv) > 1
              else Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "residents")
    for path in take(target):
        print(path)
