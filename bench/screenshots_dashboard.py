"""Screenshots of the staff pages issue 23 changed, for docs/staff.rst: the dashboard and the "U zei, wij doen"
form after a wrong date.

``make screenshots-dashboard`` (or ``python -m bench.screenshots_dashboard [OUTDIR]``) builds the app with the
bundled plugins on a temporary SQLite database, stores 300 responses to Molenwaard's dorpsoverleg survey (two
aspects, one compared with the offer, amounts in euros; tests/report_back_seed.py), signs in an editor of
Molenwaard and saves PNGs with Debian's Chromium (Playwright): the first screen at 1280×800 and 320×640, the
whole dashboard at 1280 (everything behind its disclosures closed), and the form with its error summary.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.screenshots import CHROMIUM, served, staff_cookie

ROOT = Path(__file__).resolve().parent.parent
SLUG = "molenwaard-dorpsoverleg"
EMAIL = "participatie@molenwaard.example"
PASSWORD = "een lang wachtwoord voor de foto's"


def _app(folder: Path):
    sys.path[:0] = [str(ROOT / "tests")]
    from report_back_seed import seed

    from ladder import create_app
    from ladder.migrate import upgrade
    url = f"sqlite:///{folder / 'ladder.sqlite3'}"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "screenshots", "EXTRA_PLUGINS": [],
                      "DISABLED_PLUGINS": []}, instance_path=folder / "instance")
    seed(app, SLUG, 300)
    result = app.test_cli_runner().invoke(args=["users", "add", EMAIL, "--role", "editor", "--municipality",
                                                "Molenwaard"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    return app


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        cookie = staff_cookie(app, EMAIL, PASSWORD)
        with served(app) as base:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
                for width, height in ((320, 640), (1280, 800)):
                    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL",
                                              device_scale_factor=1)
                    ctx.set_default_timeout(60_000)
                    ctx.add_cookies([cookie])
                    page = ctx.new_page()
                    page.goto(f"{base}/beheer/s/{SLUG}")
                    saved.append(out / f"dashboard-{width}.png")
                    page.screenshot(path=str(saved[-1]))  # the first screen: what an officer sees first
                    if width == 1280:
                        saved.append(out / "dashboard-whole-1280.png")
                        page.screenshot(path=str(saved[-1]), full_page=True)
                    page.goto(f"{base}/beheer/s/{SLUG}/terugkoppeling")
                    page.fill("#decision", "We maken de dorpsagenda samen met het dorpsoverleg.")
                    for part, value in (("dag", "31"), ("maand", "2"), ("jaar", "2027")):
                        page.fill(f"#due_on-{part}", value)
                    page.locator("form:has(#topic) button[type=submit]").click()
                    page.wait_for_load_state()
                    saved.append(out / f"report-back-form-error-{width}.png")
                    page.screenshot(path=str(saved[-1]))
                    ctx.close()
                browser.close()
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    for path in take(target):
        print(path)
