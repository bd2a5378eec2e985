"""Screenshots of the pages issue 23 changed, at 320 and 1280 CSS pixels, in each language the page offers.

``make screenshots-residents`` (or ``python -m bench.screenshots_residents [OUTDIR]``) builds the app with the
bundled plugins on a temporary SQLite database and saves ``<page>-<lang>-<width>.png`` into
docs/screenshots/residents/: the index, every bundled survey's start and result page, the area question (the
typing picker, its error, the plain select), scale points, a ranking, a long-text box, long words, and a code
field in error. It prints, per start and result page, what a resident sees in
the first screen of a 320×640 phone, and where the Start button is.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.screenshots import CHROMIUM, served

WIDTHS = (320, 1280)
PHONE_HEIGHT = 640

# The bundled plugins: every survey they register gets its start and result page pictured.
BUNDLED = ("haarlemmermeer", "molenwaard", "rotterdam", "sudwest_fryslan", "zwijndrecht")
# Answers that give a result page something to say (else the survey's last choices are taken)
RESULT_ANSWERS = {"molenwaard-dorpsoverleg": {"betrokken_nu": "mening", "betrokken_gewenst": "ideeen"}}
# Question pages issue 23 changed: (name, slug, page id, answers given on the first page first)
QUESTION_PAGES = [("scale", "haarlemmermeer-rollen-dorps-en-wijkraden", "uw_raad", None),
                  ("scale", "sudwest-fryslan-belangen", "prioriteiten", {"coordinator_contact": "vaak"}),
                  ("ranking", "rotterdam-buurt-bestuurt", "prioriteiten", None),
                  ("long-text", "sudwest-fryslan-belangen", "afsluiting", None),
                  ("long-words", "zwijndrecht-dorpsraad-heerjansdam", "budget", None)]


def bundled_slugs(reg) -> list[str]:
    return [slug for slug in sorted(reg.surveys) if reg.owners[("surveys", slug)] in BUNDLED]


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
        {"result": {"slug": slug, "id": rid, "receipt": receipt, "until": int(time.time()) + 3600}, "locale": locale})


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


def _answer_first_page(page, survey, reg, given):
    """Answer the first page as a resident would (radios, boxes, selects), with ``given`` over the last choices."""
    from bench.screenshots import _answers
    answers = {**_answers(survey, reg.question_types, last=True), **given}
    for q in survey.visible_questions(survey.pages[0], answers):
        value = answers.get(q.id)
        if value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            radio = page.locator(f'input[name="{q.id}"][value="{v}"]')
            if radio.count():
                radio.check()
            elif page.locator(f'select[name="{q.id}"]').count():
                page.select_option(f'select[name="{q.id}"]', str(v), force=True)
            else:
                page.fill(f'[name="{q.id}"]', str(v))


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright
    _Quiet = _quiet_handler()
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        reg = app.extensions["ladder"]
        with served(app, request_handler=_Quiet) as base:
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
                    for slug in bundled_slugs(reg):
                        name = f"start-{slug}"
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
                    # scale points, a ranking, a long-text box and long words, in each language the survey has
                    for name, slug, page_id, first in QUESTION_PAGES:
                        survey = reg.survey(slug)
                        for lang in survey.locales:
                            ctx.clear_cookies()
                            page.goto(f"{base}/s/{slug}?lang={lang}")
                            load("button[value=start]")
                            if first:
                                _answer_first_page(page, survey, reg, first)
                                load("button[value=volgende]")
                            page.goto(f"{base}/s/{slug}/vraag/{page_id}?lang={lang}")
                            shot(f"{name}-{slug}", lang)
                    for slug in bundled_slugs(reg):
                        name, answers = f"result-{slug}", RESULT_ANSWERS.get(slug)
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
    return saved


if __name__ == "__main__":
    target = (Path(sys.argv[1]) if len(sys.argv) > 1
              else Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "residents")
    for path in take(target):
        print(path)
