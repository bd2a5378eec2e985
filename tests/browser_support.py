"""Helpers for the browser tests: a live server, axe-core checks, keyboard-only navigation.

Chromium is Debian's /usr/bin/chromium, driven by Playwright without ``playwright install``.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from staff_signin import code_for, stored_secret
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SLUG = "testdorp-inspraak"

# The answers the tests give, as the JSON API takes them. The resident's path in the browser gives
# the same: "soms" shows the skip-logic page "initiatief"; kosten typed as "1.500" (Dutch thousands).
ANSWERS = {
    "woonplaats": "proefwijk",
    "betrokken": "soms",
    "huidig": "raadplegen",
    "gewenst": 4,
    "thema": ["groen", "verkeer"],
    "kosten": 1500,
    "prioriteiten": ["bloembakken", "bankjes"],
    "toelichting": "Een bankje bij de speeltuin.",
    "opmerking": "Dank u wel",
}


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


# axe-core as a file on every test server, beside the app: a page loads it as a same-origin script the browser
# keeps (and keeps compiled) for the whole context, where evaluating its 572 kB source again on every check cost
# Chromium about 0.12 s of CPU each time.
AXE_PATH = "/__axe-core.js"


def _with_axe(app):
    def serve(environ, start_response):
        if environ.get("PATH_INFO") != AXE_PATH:
            return app(environ, start_response)
        body = _axe_bytes()
        start_response("200 OK", [("Content-Type", "text/javascript; charset=utf-8"),
                                  ("Cache-Control", "max-age=86400, immutable"), ("Content-Length", str(len(body)))])
        return [body]
    return serve


@dataclass
class LiveServer:
    """The app served by werkzeug on 127.0.0.1 and a free port, in a daemon thread (with axe-core at
    ``AXE_PATH``, which the app does not know)."""

    app: object
    server: object = field(init=False, default=None)
    thread: threading.Thread = field(init=False, default=None)

    def start(self):
        self.server = make_server("127.0.0.1", 0, _with_axe(self.app), threaded=True, request_handler=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="ladder-live-server", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path="/"):
        return self.base + path


# ---------------------------------------------------------------- axe-core

@cache
def _axe_source() -> str:
    from axe_playwright_python.sync_playwright import Axe
    return Axe().axe_script


@cache
def _axe_bytes() -> bytes:
    return _axe_source().encode()


def session_cookie(client) -> dict:
    """The test client's session cookie as Playwright takes it (``context.add_cookies``): a signed-in staff
    member's browser without signing in through the pages."""
    return {"name": "session", "value": client.get_cookie("session").value, "domain": "127.0.0.1", "path": "/"}


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'") and not _axe_from_server(page):
        page.evaluate(_axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    # an expression, not a function with an argument: with JavaScript off only the first comes back
    return page.evaluate(f"axe.run({json.dumps(options)}).then(results => results.violations)")


def _axe_from_server(page) -> bool:
    """Load axe-core as a script from the test server that served the page; False where no ``LiveServer``
    serves it (a page made with set_content, another server). axe-core needs JavaScript on in any case."""
    from playwright.sync_api import Error as PlaywrightError
    if not page.url.startswith("http://127.0.0.1:"):
        return False
    try:
        page.add_script_tag(url="/".join(page.url.split("/", 3)[:3]) + AXE_PATH)
    except PlaywrightError:
        return False
    return True


def describe_violations(violations):
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                            for n in v["nodes"])
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


# ---------------------------------------------------------------- Content-Security-Policy

# The app's CSP is enforced in these tests, as in production. Chromium logs each violation to the console
# ("Refused to ..." or "Applying inline style violates the following Content Security Policy directive"),
# also with JavaScript off; with it on, the page's securitypolicyviolation event says which directive.
_CSP_LISTENER = """document.addEventListener('securitypolicyviolation', e => console.error(
  'CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.sourceFile
  + ':' + e.lineNumber));"""


def record_csp_violations(ctx) -> list[str]:
    """Start recording the CSP violations of every page of the browser context ``ctx``; return the list
    they are added to (empty while there are none)."""
    found = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation:"):
            page = message.page
            found.append(f"{page.url if page else '?'}: {text}")

    ctx.add_init_script(_CSP_LISTENER)
    ctx.on("console", on_console)
    return found


def assert_no_csp_violations(found: list[str]) -> None:
    assert not found, "the Content-Security-Policy blocked something:\n  " + "\n  ".join(dict.fromkeys(found))


# ---------------------------------------------------------------- keyboard

ACTIVE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {tag: el.tagName.toLowerCase(), id: el.id || null, name: el.getAttribute('name'),
          type: el.getAttribute('type'), value: 'value' in el ? el.value : null,
          checked: 'checked' in el ? el.checked : null, text: (el.innerText || '').trim()};
}"""


def active(page):
    """A description of document.activeElement (None when nothing has focus)."""
    return page.evaluate(ACTIVE_JS)


FOCUS_MATCHES = "(sel) => !!document.activeElement && document.activeElement.matches(sel)"


def focused_matches(page, selector):
    return page.evaluate(FOCUS_MATCHES, selector)


def focus_lands_on(page, selector, timeout=10_000) -> bool:
    """Whether focus comes to ``selector`` within ``timeout`` ms of a page load. Chromium moves focus to an
    ``autofocus`` element at its next rendering step, which on a busy machine can come after the load event."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.wait_for_function(FOCUS_MATCHES, arg=selector, timeout=timeout, polling=50)
    except PlaywrightTimeout:
        return False
    return True


# After each press: whether focus is on the selector, and where it is (for the failure message), in one round trip.
FOCUS_STEP = f"(sel) => ({{on: ({FOCUS_MATCHES})(sel), at: ({ACTIVE_JS})()}})"


def tab_to(page, selector, shift=False, limit=40):
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``; return the presses."""
    key = "Shift+Tab" if shift else "Tab"
    seen = []
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        step = page.evaluate(FOCUS_STEP, selector)
        if step["on"]:
            return presses
        seen.append(step["at"])
    raise AssertionError(f"{key} never reached {selector!r} in {limit} presses; focus went: {seen}")


def press_tab_expect(page, selector, key="Tab"):
    """Press ``key`` once and assert focus moved to ``selector``."""
    page.keyboard.press(key)
    assert focused_matches(page, selector), f"after {key} focus is on {active(page)}, not {selector!r}"


# ---------------------------------------------------------------- Chromium, pages, forms

# In Chromium's headless mode every browser context is a window, and every window loads its address bar's pop-ups
# as web apps (chrome://omnibox-popup.top-chrome/, in two renderer processes of their own): 0.8 s of CPU per
# context, more than the pages a test opens in it. A test never opens the address bar. Chromium takes the last
# --disable-features it is given, so these go with the features Playwright disables, read off the first launch.
NO_ADDRESS_BAR_POPUPS = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup")


def browser_process() -> list[str]:
    """The command line of the Chromium browser process (no ``--type``) this test process started and runs; empty
    where ``/proc`` cannot tell."""
    if not Path("/proc").is_dir():
        return []
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = [], [os.getpid()]
    while todo:
        for pid in children.get(todo.pop(), []):
            todo.append(pid)
            try:
                args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            except OSError:
                continue
            if "--remote-debugging-pipe" in args and not any(a.startswith("--type=") for a in args):
                found.append((pid, args))
    return max(found)[1] if found else []


def disabled_features(args: list[str], which: int = -1) -> list[str]:
    """The features a Chromium command line disables: the value of its last --disable-features (the one Chromium
    takes), or of another one by ``which`` (0: the first, which Playwright gives)."""
    given = [a.split("=", 1)[1] for a in args if a.startswith("--disable-features=")]
    return [f for f in given[which].split(",") if f] if given else []


def launch_chromium(skip_or_fail):
    """Start Playwright and Debian's Chromium; yield the browser (use from a session fixture)."""
    # Playwright is a required test dependency (the test extra): imported as is, so a missing one is an
    # error, never a skip. Chromium is a system package: missing, it skips here and fails in CI.
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} not found: install Debian's chromium package")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        features = disabled_features(browser_process())
        if features and not set(NO_ADDRESS_BAR_POPUPS) <= set(features):  # none read: keep Playwright's as they are
            chromium.close()
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=[
                *CHROMIUM_ARGS, "--disable-features=" + ",".join([*features, *NO_ADDRESS_BAR_POPUPS])])
    except Exception as exc:
        pw.stop()
        skip_or_fail(f"cannot launch {CHROMIUM}: {exc}")
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


def navigate(page, action):
    """Run ``action`` (a key press or click) and wait for the page it loads; return its response. When no page
    comes, the failure says where the browser stayed and what had focus (a form the browser refused to send
    shows its field's validation message)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        with page.expect_navigation() as nav:
            action()
        return nav.value
    except PlaywrightTimeout as exc:
        focused = page.evaluate("() => { const e = document.activeElement; return e && (e.outerHTML.slice(0, 200) "
                                "+ ' ' + (e.form ? [...e.form.elements].map(f => f.validationMessage).filter(Boolean)"
                                ".join('; ') : '')); }")
        raise AssertionError(f"no page loaded from {page.url}; focus on {focused}") from exc


def press_and_load(page, key="Enter"):
    return navigate(page, lambda: page.keyboard.press(key))


def click_and_load(page, selector):
    return navigate(page, lambda: page.click(selector))


def path_of(page):
    import re
    return re.sub(r"^https?://[^/]+", "", page.url)


PASSWORD = "een lang wachtwoord"  # the staff password the browser tests sign in with


def shown_secret(page) -> str:
    """The second factor's key as the set-up page shows it; the locator waits until the page has it
    (``page.content()`` right after a click can still be the empty document being loaded)."""
    return page.locator("#totp-secret").inner_text().replace(" ", "")


def sign_in(page, live, email, password=PASSWORD):
    """Sign in, with the second factor when it is asked (set up on the first sign-in, with codes from pyotp)."""
    page.goto(live.url("/beheer/inloggen"))
    page.fill("#email", email)
    page.fill("#password", password)
    return second_factor(page, live, email, click_and_load(page, "form:has(#email) button[type=submit]"))


def second_factor(page, live, email, response):
    """Go through the second factor if the page asks for it: set it up, or give the current code."""
    path = path_of(page).split("?")[0]
    if path == "/beheer/inloggen/instellen":
        secret = shown_secret(page)
        page.fill("#code", code_for(secret))
        click_and_load(page, "form:has(#code) button[type=submit]")
        assert page.locator("h1").inner_text() == "Uw herstelcodes"
        return click_and_load(page, "main a.button")
    if path == "/beheer/inloggen/code":
        page.fill("#code", code_for(stored_secret(live.app, email)))
        return click_and_load(page, "form:has(#code) button[type=submit]")
    return response


def table_rows(page, selector):
    """The text of each body row of a table, header cell first: [["Proefwijk", "1"], ...]."""
    return page.eval_on_selector(selector, """t => [...t.tBodies[0].rows].map(
        r => [...r.cells].map(c => c.innerText.trim()))""")


def answer_survey(page, base_url):
    """Answer the testdorp survey with clicks and fill (the ANSWERS above); return the receipt code."""
    page.goto(f"{base_url}/s/{SLUG}")
    click_and_load(page, "button[value=start]")
    page.check(f"input[name=woonplaats][value={ANSWERS['woonplaats']}]")  # two areas: radios
    page.check(f"input[name=betrokken][value={ANSWERS['betrokken']}]")
    click_and_load(page, "button[value=volgende]")
    page.check(f"input[name=huidig][value={ANSWERS['huidig']}]")
    page.check(f"input[name=gewenst][value='{ANSWERS['gewenst']}']")
    for value in ANSWERS["thema"]:
        page.check(f"input[name=thema][value={value}]")
    click_and_load(page, "button[value=volgende]")
    page.fill("#q-kosten", "1.500")
    page.select_option("#q-prioriteiten", "2")
    page.select_option("#q-prioriteiten-2", "1")
    page.fill("#q-toelichting", ANSWERS["toelichting"])
    click_and_load(page, "button[value=volgende]")
    page.fill("#q-opmerking", ANSWERS["opmerking"])
    click_and_load(page, "button[value=volgende]")
    assert path_of(page) == f"/s/{SLUG}/controleren", page.url
    click_and_load(page, "form button[type=submit]")
    assert path_of(page) == f"/s/{SLUG}/resultaat", page.url
    return page.locator(".panel .code").inner_text().strip()
