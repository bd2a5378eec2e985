"""Screenshots of reporting back (issue 12) for docs/report-back.rst: the public results page and the staff dashboard.

``make screenshots-report-back`` (or ``python -m bench.screenshots_report_back [OUTDIR]``) builds the app with the
bundled plugins on a temporary SQLite database, stores 300 realistic responses to Rotterdam's Buurt Bestuurt over
several wijken (tests/report_back_seed.py), publishes the results with a "you said, we did" item, and saves PNGs
of /r/ and the dashboard at 320 and 1280 CSS pixels into docs/screenshots/ with Debian's Chromium (Playwright).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.screenshots import CHROMIUM, served, staff_cookie

ROOT = Path(__file__).resolve().parent.parent
SLUG = "rotterdam-buurt-bestuurt"
PASSWORD = "een lang wachtwoord voor de foto's"


def _app(folder: Path):
    sys.path[:0] = [str(ROOT / "tests")]
    from report_back_seed import publish, seed

    from ladder import create_app, db, report_back
    from ladder.migrate import upgrade
    url = f"sqlite:///{folder / 'ladder.sqlite3'}"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "screenshots", "EXTRA_PLUGINS": [],
                      "DISABLED_PLUGINS": []}, instance_path=folder / "instance")
    seed(app, SLUG, 300)
    publish(app, SLUG, "De Buurt Bestuurt-groepen kiezen per wijk drie onderwerpen. Zwerfvuil en overlast van "
                       "jongeren staan bijna overal bovenaan.")
    with app.test_request_context():
        survey = app.extensions["ladder"].survey(SLUG)
        report_back.save_item(survey, None, "Zwerfvuil en afval op straat", None,
                              "We legen de afvalbakken in de wijken twee keer zo vaak en zetten er twintig bij.",
                              __import__("datetime").date(2027, 6, 1))
        report_back.save_settings(survey, __import__("datetime").date(2027, 3, 1), False)
        db.session().commit()
    result = app.test_cli_runner().invoke(args=["users", "add", "redactie@rotterdam.example", "--role", "editor",
                                                "--municipality", "Rotterdam"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    return app


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        cookie = staff_cookie(app, "redactie@rotterdam.example", PASSWORD)
        with served(app) as base:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
                for width in (320, 1280):
                    ctx = browser.new_context(viewport={"width": width, "height": 1400}, locale="nl-NL",
                                              device_scale_factor=1)
                    ctx.set_default_timeout(60_000)
                    ctx.add_cookies([cookie])
                    page = ctx.new_page()
                    for name, path in (("report-back-results", f"/r/{SLUG}"),
                                       ("report-back-dashboard", f"/beheer/s/{SLUG}")):
                        page.goto(base + path)
                        target = out / f"{name}-{width}.png"
                        page.screenshot(path=str(target))  # the first screen and a half: what is seen first
                        saved.append(target)
                    ctx.close()
                browser.close()
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    for path in take(target):
        print(path)
