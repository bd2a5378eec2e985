"""Screenshots at 320 CSS pixels for docs/residents.rst: a question page, the result page, the public results page.

``make screenshots`` (or ``python -m bench.screenshots [OUTDIR]``) builds the app with the bundled plugins on a
temporary SQLite database, answers a few times through the API, publishes the results, answers once more in
Debian's Chromium (Playwright, no ``playwright install``) and saves PNGs into docs/screenshots/. Rerun it after
changing the resident pages, so the pictures stay current.
"""
from __future__ import annotations

import contextlib
import re
import sys
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

SLUG = "molenwaard-dorpsoverleg"  # an area list, choices, a ranking and an amount: most widgets in one survey
CHROMIUM = "/usr/bin/chromium"
WIDTH = 320


@contextlib.contextmanager
def served(app, **options):
    """``app`` served on 127.0.0.1 on a free port in a thread for the length of the block; yields its base URL."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def staff_cookie(app, email: str, password: str) -> dict:
    """A signed-in staff member's session cookie for Playwright, signed in through the test client (the second
    factor set up with pyotp, as the tests do)."""
    from browser_support import session_cookie  # tests/
    from staff_signin import pass_second_factor  # tests/
    client = app.test_client()
    page = client.get("/beheer/inloggen")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data).group(1).decode()
    response = client.post("/beheer/inloggen", data={"csrf_token": token, "email": email, "password": password})
    pass_second_factor(app, client, response, email)
    return session_cookie(client)


def _answers(survey, types, last):
    """A valid answer to every question skip logic shows (first or last choices)."""
    answers = {}
    for page in survey.pages:
        for q in survey.visible_questions(page, answers):
            choices = [c.value for c in q.choices][::-1 if last else 1]
            if q.type == "single_choice":
                value = choices[0]
            elif q.type == "multiple_choice":
                value = choices[:q.options.get("min_choices", 1)]
            elif q.type == "scale":
                value = types["scale"].bounds(q)[1 if last else 0]
            elif q.type == "number":
                value = q.options.get("max" if last else "min", 1)
            elif q.type == "area":
                value = types["area"].offered(q, survey.areas)[-1 if last else 0].code
            elif q.type == "ranking":
                value = choices[:types["ranking"].top(q)]
            else:
                value = "Een voorbeeld."
            answers[q.id] = types[q.type].parse(q, value, survey)
    return answers


def _app(folder: Path):
    from ladder import create_app, db, lifecycle
    from ladder.migrate import upgrade
    url = f"sqlite:///{folder / 'ladder.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "screenshots", "EXTRA_PLUGINS": [], "DISABLED_PLUGINS": []},
                     instance_path=folder / "instance")
    reg = app.extensions["ladder"]
    survey = reg.survey(SLUG)
    client = app.test_client()
    for n in range(12):
        sent = client.post(f"/api/v1/surveys/{SLUG}/responses",
                           json={"answers": _answers(survey, reg.question_types, n % 3 == 0), "locale": "nl"})
        assert sent.status_code == 201, sent.get_json()
    with app.app_context():
        lifecycle.editable_row(survey).results_published_at = datetime.now(timezone.utc)
        db.session().commit()
    return app


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        saved = []
        with served(app) as base:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
                page = browser.new_context(viewport={"width": WIDTH, "height": 640}, locale="nl-NL",
                                           device_scale_factor=1).new_page()

                def shot(name):
                    path = out / f"{name}-{WIDTH}.png"
                    page.screenshot(path=str(path), full_page=True)
                    saved.append(path)

                def next_page():
                    with page.expect_navigation():
                        page.click("button[value=volgende]")

                page.goto(f"{base}/s/{SLUG}")
                with page.expect_navigation():
                    page.click("button[value=start]")
                reg = app.extensions["ladder"]
                survey = reg.survey(SLUG)
                answers = _answers(survey, reg.question_types, last=False)
                pictured = False
                while "/vraag/" in page.url:
                    page_id = page.url.split("?")[0].rsplit("/", 1)[-1]
                    shown = next(p for p in survey.pages if p.id == page_id)
                    questions = survey.visible_questions(shown, answers)
                    if not pictured:  # the first page: where the resident lives and how involved they are
                        shot("question-page")
                        pictured = True
                    for q in questions:
                        _fill(page, q, answers.get(q.id), reg.question_types)
                    next_page()
                with page.expect_navigation():
                    page.click("form button[type=submit]")
                shot("result-page")
                page.goto(f"{base}/r/{SLUG}")
                shot("public-results")
                browser.close()
    return saved


def _fill(page, q, value, types):
    if value is None:
        return
    if q.type in ("single_choice", "scale"):
        page.check(f'input[name="{q.id}"][value="{value}"]')
    elif q.type == "multiple_choice":
        for v in value:
            page.check(f'input[name="{q.id}"][value="{v}"]')
    elif q.type == "area":
        if page.locator(f'input[type=radio][name="{q.id}"]').count():
            page.check(f'input[name="{q.id}"][value="{value}"]')
        else:
            page.select_option(f'select[name="{q.id}"]', value, force=True)
    elif q.type == "ranking":
        selects = page.locator(f'select[name="{q.id}"]')
        for i, position in enumerate(types["ranking"].form_data(q, value)):
            selects.nth(i).select_option(position)
    else:
        page.fill(f"#q-{q.id}", str(value))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    for path in take(target):
        print(path)
