"""Security headers on every route, no-store where a code is shown, HSTS only in production, and no inline
script or style in any template (the CSP forbids them; the browser tests run with it enforced)."""
import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter, PathConverter

from conftest import make_app
from test_resident import start, token
from test_staff import signed_in

ROOT = Path(__file__).resolve().parents[1]
SLUG = "testdorp-inspraak"
VALID = {"woonplaats": "testdorp", "betrokken": "nooit", "huidig": "raadplegen", "gewenst": 4, "thema": ["groen"]}
SAMPLES = {"slug": SLUG, "page_id": "over-u", "fmt": "csv"}


def directives(response) -> dict[str, set[str]]:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{response.request.method} {response.request.path}: no Content-Security-Policy"
    parsed = {}
    for part in csp.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


def assert_secure_headers(response):
    where = f"{response.request.method} {response.request.path} ({response.status_code})"
    csp = directives(response)
    assert csp.get("default-src") == {"'self'"}, where
    assert csp.get("frame-ancestors") == {"'none'"}, where
    assert csp.get("object-src") == {"'none'"}, where
    for name in ("script-src", "style-src"):  # absent: default-src 'self' applies
        assert csp.get(name, {"'self'"}) <= {"'self'"} or all(v.startswith("'nonce-") or v == "'self'"
                                                                  for v in csp[name]), where
    assert not any("unsafe" in v for values in csp.values() for v in values), where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert "Strict-Transport-Security" not in response.headers, where  # not outside production
    assert not response.headers.get("Location", "").startswith("https://"), f"{where}: redirected to https"


def assert_no_store(response):
    where = f"{response.request.method} {response.request.path} ({response.status_code})"
    assert "no-store" in response.headers.get("Cache-Control", ""), f"{where}: may be cached"


def sample_url(app, rule):
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, PathConverter):
            values[name] = "ladder.css"
        else:
            values[name] = SAMPLES.get(name, "x")
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=next(iter(rule.methods)))


def walk(app, client):
    """Every method of every rule of the URL map, with sample values; yield the responses."""
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 20
    for rule in rules:
        url = sample_url(app, rule)
        for method in sorted(rule.methods - {"OPTIONS"}):
            data = {"csrf_token": "not-valid"} if method == "POST" else None
            yield client.open(url, method=method, data=data)


@pytest.fixture
def app(sqlite_url, tmp_path):
    return make_app(sqlite_url, tmp_path)


def test_every_route_sends_the_security_headers(app):
    seen = 0
    for response in walk(app, app.test_client()):
        assert_secure_headers(response)
        if response.request.path.startswith("/beheer") or response.request.method == "POST":
            assert_no_store(response)
        seen += 1
    assert seen > 40


def test_every_route_signed_in_sends_the_security_headers_and_staff_pages_are_not_stored(app):
    editor = signed_in(app, "editor")
    for response in walk(app, editor):
        assert_secure_headers(response)
        if response.request.path.startswith("/beheer"):
            assert_no_store(response)
    dashboard = editor.get(f"/beheer/s/{SLUG}")
    assert dashboard.status_code == 200
    assert_no_store(dashboard)
    export = editor.get(f"/beheer/s/{SLUG}/export/csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert_no_store(export)


def test_pages_that_show_a_receipt_or_resume_code_are_not_stored(app):
    client = app.test_client()
    # the API's receipt
    created = client.post(f"/api/v1/surveys/{SLUG}/responses", json={"answers": VALID})
    assert created.status_code == 201 and created.json["receipt"]
    assert_secure_headers(created)
    assert_no_store(created)
    # the resume code, shown after "opslaan"
    first = start(client)
    page = client.get(first)
    assert_no_store(page)  # answers in progress
    saved = client.post(first, data={"csrf_token": token(page.data), "action": "opslaan"})
    assert_no_store(saved)
    if saved.status_code == 302:  # post/redirect/get: the code is on the page it redirects to
        saved = client.get(saved.headers["Location"])
    assert saved.status_code == 200 and "hervatcode" in saved.get_data(as_text=True).lower()
    assert_no_store(saved)
    # the receipt on the result page, after the form's submit
    resident = app.test_client()
    url = start(resident)
    while "/vraag/" in url:
        page = resident.get(url)
        answers = {k: v for k, v in VALID.items() if f'name="{k}"' in page.get_data(as_text=True)}
        url = resident.post(url, data={"csrf_token": token(page.data), **answers}).headers["Location"]
    check = resident.get(url)
    done = resident.post(url, data={"csrf_token": token(check.data)})
    result = resident.get(done.headers["Location"])
    assert result.status_code == 200 and "ontvangstcode" in result.get_data(as_text=True).lower()
    assert_secure_headers(result)
    assert_no_store(result)
    # withdrawing shows the receipt typed in
    form = resident.get("/intrekken")
    assert_no_store(form)
    shown = resident.post("/intrekken", data={"csrf_token": token(form.data), "code": created.json["receipt"]})
    assert_no_store(shown)
    if shown.status_code == 302:  # post/redirect/get: the confirmation page
        shown = resident.get(shown.headers["Location"])
        assert_no_store(shown)
    assert shown.status_code == 200


def test_hsts_only_in_production_and_only_over_https(sqlite_url, tmp_path):
    dev = make_app(sqlite_url, tmp_path / "dev").test_client()
    assert "Strict-Transport-Security" not in dev.get("/", base_url="https://localhost").headers
    assert dev.get("/").status_code == 200  # no redirect to https in development
    prod = make_app(sqlite_url, tmp_path / "prod", PRODUCTION=True).test_client()
    over_https = prod.get("/", base_url="https://localhost")
    hsts = over_https.headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=(\d+)", hsts) and int(hsts.split("=")[1]) >= 180 * 24 * 3600, hsts
    behind_proxy = prod.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind_proxy.headers
    plain = prod.get("/")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers  # the proxy redirects


@pytest.mark.parametrize("production", [False, True])
def test_the_headers_worked_out_once_per_view_are_talismans_own(sqlite_url, tmp_path, production):
    """ladder's Talisman writes each view's fixed headers from a list made once; they are what Talisman itself
    writes, in its order, for a page and an API answer, over http and https, in development and production."""
    from flask_talisman import Talisman
    app = make_app(sqlite_url, tmp_path, PRODUCTION=production)
    talisman = app.extensions["talisman"]
    for path, method in (("/", "GET"), (f"/api/v1/surveys/{SLUG}/responses", "POST")):
        for scheme in ("http", "https"):
            for _ in range(2):  # the first response makes the list, the second uses it
                with app.test_request_context(path, method=method, base_url=f"{scheme}://localhost"):
                    ours = talisman._set_response_headers(app.response_class("{}"))
                    theirs = Talisman._set_response_headers(talisman, app.response_class("{}"))
                    assert list(ours.headers.items()) == list(theirs.headers.items()), (path, scheme)
                    assert ("Strict-Transport-Security" in ours.headers) == (production and scheme == "https")


def test_session_cookie_settings_are_ladders_own(sqlite_url, tmp_path):
    """Flask-Talisman would force Secure cookies over http; ladder keeps its own settings."""
    dev = make_app(sqlite_url, tmp_path / "dev")
    client = dev.test_client()
    client.get(f"/s/{SLUG}")
    assert dev.config["SESSION_COOKIE_SECURE"] is False
    prod = make_app(sqlite_url, tmp_path / "prod", PRODUCTION=True)
    prod.test_client().get(f"/s/{SLUG}")
    assert prod.config["SESSION_COOKIE_SECURE"] is True and prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"


# Templates ----------------------------------------------------------------------------------------

# ladder/analysis/templates/ holds standalone documents (the analysis report, the participation report)
# that are downloaded as attachments and opened from disk, never shown under the CSP: they keep their
# <style> so each file works on its own.
INLINE = [
    (re.compile(r"""\sstyle\s*=""", re.I), "a style attribute"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I), "an event handler attribute"),
    (re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I), "a javascript: URL"),
]


def template_files():
    folders = [ROOT / "ladder" / "templates", *ROOT.glob("plugins/*/ladder_*/templates"),
               *ROOT.glob("plugins/*/ladder_*/**/templates"), *ROOT.glob("ladder/plugin_template/**/templates")]
    return sorted({p for folder in folders for p in folder.rglob("*.html")})


def test_no_template_has_inline_script_or_style():
    files = template_files()
    assert len(files) > 20
    found = []
    for path in files:
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "inline script or style, which the CSP blocks:\n" + "\n".join(found)


# The browser tests' CSP check ------------------------------------------------------------------------

def test_the_browser_tests_see_what_the_csp_blocks(browser):
    """``new_context`` fails a browser test on any CSP violation; this shows the recording catches one,
    with JavaScript on and off, under ladder's own headers."""
    from flask import Flask

    from browser_support import LiveServer, record_csp_violations
    from ladder.web import security
    app = Flask("csp-probe")
    security.init_app(app)

    @app.get("/")
    def inline():
        return ('<!doctype html><html lang="nl"><title>x</title><p style="color: red">x</p>'
                '<script>document.title = "ran"</script>')

    server = LiveServer(app).start()
    try:
        for javascript in (True, False):
            ctx = browser.new_context(java_script_enabled=javascript)
            found = record_csp_violations(ctx)
            page = ctx.new_page()
            page.goto(server.url("/"))
            page.wait_for_timeout(200)
            assert page.title() == "x"  # the inline script did not run
            ctx.close()
            assert any("style" in v for v in found), (javascript, found)
            if javascript:
                assert any("script" in v for v in found), found
    finally:
        server.stop()


# /-/plugins.json -------------------------------------------------------------------------------------

def test_plugin_errors_are_shown_only_to_signed_in_admins(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "broken_on_import"])

    def listed(client):
        response = client.get("/-/plugins.json")
        assert response.status_code == 200
        assert_no_store(response)  # what it shows depends on who asks
        return response.get_data(as_text=True), {p["name"]: p for p in response.get_json()["plugins"]}

    for who, client in [("anonymous", app.test_client()), ("editor", signed_in(app, "editor"))]:
        text, plugins = listed(client)
        assert plugins["broken_on_import"] == {"name": "broken_on_import", "status": "failed"}, who
        assert plugins["fake_municipality"] == {"name": "fake_municipality", "status": "loaded"}, who
        assert "broken on purpose" not in text and "Error" not in text, who
    text, plugins = listed(signed_in(app, "admin", None))
    assert "broken on purpose" in plugins["broken_on_import"]["error"]
    assert "register_surveys" in plugins["fake_municipality"]["hooks"]


# Behind a proxy -------------------------------------------------------------------------------------

def _seen_by_the_app(app):
    @app.get("/_seen")
    def seen():
        from flask import request
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}
    return app.test_client()


def test_behind_one_proxy_the_app_sees_the_client_and_https_as_the_proxy_passes_them(sqlite_url, tmp_path):
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "inspraak.example.nl"}
    direct = _seen_by_the_app(make_app(sqlite_url, tmp_path / "direct")).get("/_seen", headers=headers).json
    assert direct == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}  # nothing believed
    proxied = make_app(sqlite_url, tmp_path / "proxied", PROXY_COUNT=1, PRODUCTION=True)
    seen = _seen_by_the_app(proxied).get("/_seen", headers=headers)
    # only the last hop, the one our proxy added: a client cannot pose as another address
    assert seen.json == {"addr": "198.51.100.7", "scheme": "https", "host": "inspraak.example.nl"}
    assert "Strict-Transport-Security" in seen.headers
