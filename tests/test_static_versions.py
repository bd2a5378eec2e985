"""Static files under versioned URLs (ladder/web/static_versions.py): a page names each stylesheet and script with
a digest of its contents, the browser keeps that URL for a year, and a changed file gets a new URL."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_question_pages import to_initiatief

from ladder.web.static_versions import KEEP_SECONDS, digest

SLUG = "testdorp-inspraak"


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_every_static_url_on_a_page_names_the_files_digest_and_is_kept_for_a_year(sqlite_app):
    client = sqlite_app.test_client()
    pages = [client.get(f"/s/{SLUG}"), client.get(to_initiatief(client))]  # a question page brings its scripts
    urls = sorted({url for page in pages for url in _static_urls(page.get_data(as_text=True))})
    assert {"/static/ladder.css", "/static/character-count.js"} <= {u.split("?")[0] for u in urls}
    for url in urls:
        name, version = re.fullmatch(r"/static/([^?]+)\?v=([0-9a-f]{12})", url).groups()
        assert version == digest(sqlite_app.static_folder, name)
        kept = client.get(url)
        assert kept.status_code == 200
        assert kept.cache_control.max_age == KEEP_SECONDS and kept.cache_control.immutable, url
        assert kept.cache_control.public and not kept.cache_control.no_cache and not kept.cache_control.no_store
        # a browser that revalidates anyway gets 304 with the same promise
        again = client.get(url, headers={"If-None-Match": kept.headers["ETag"]})
        assert again.status_code == 304 and again.cache_control.max_age == KEEP_SECONDS


@pytest.mark.parametrize("query", ["", "?v=0123456789ab", "?v="])
def test_a_url_without_the_current_digest_is_revalidated_every_time(sqlite_app, query):
    """An old page in a cache may name an old digest: it gets today's file, and no promise to keep it."""
    response = sqlite_app.test_client().get(f"/static/ladder.css{query}")
    assert response.status_code == 200
    assert response.cache_control.no_cache and not response.cache_control.max_age
    assert not response.cache_control.immutable


def test_a_static_response_that_sets_a_cookie_is_never_made_public(sqlite_app):
    """Static responses set no cookie today; should one ever do, no shared proxy may keep it for the next person."""
    @sqlite_app.after_request  # registered last, so it runs before the hook that makes static files public
    def set_cookie(response):
        response.set_cookie("proef", "1")
        return response

    with sqlite_app.test_request_context():
        from flask import url_for
        url = url_for("static", filename="ladder.css")
    assert "?v=" in url
    response = sqlite_app.test_client().get(url)
    assert "proef=1" in response.headers["Set-Cookie"]
    assert not response.cache_control.public and not response.cache_control.max_age


def test_a_changed_file_gets_a_new_digest_and_a_missing_one_none(tmp_path):
    folder = tmp_path / "static"
    folder.mkdir()
    sheet = folder / "ladder.css"
    sheet.write_text("body { color: #111; }")
    before = digest(str(folder), "ladder.css")
    sheet.write_text("body { color: #222; }")  # same size: the digest is of the contents, not of the length
    after = digest(str(folder), "ladder.css")
    assert re.fullmatch("[0-9a-f]{12}", before) and re.fullmatch("[0-9a-f]{12}", after) and before != after
    assert digest(str(folder), "elders.css") is None
    assert digest(str(folder), "../static/ladder.css") is None  # outside the folder: never read
    assert digest(str(folder), "") is None and digest(None, "ladder.css") is None


def test_a_url_for_a_missing_file_carries_no_version_and_is_not_found(sqlite_app):
    with sqlite_app.test_request_context():
        from flask import url_for
        assert url_for("static", filename="bestaat-niet.css") == "/static/bestaat-niet.css"
    assert sqlite_app.test_client().get("/static/bestaat-niet.css?v=0123456789ab").status_code == 404


@pytest.mark.browser
def test_a_resident_going_from_page_to_page_loads_the_stylesheet_once(browser, new_context, tmp_path):
    """In Chromium: three pages of the survey, one request for the stylesheet (before, one per page)."""
    from browser_support import LiveServer, click_and_load

    from conftest import make_app
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path)
    asked: list[str] = []
    serve = app.wsgi_app

    def counting(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return serve(environ, start_response)

    app.wsgi_app = counting
    live = LiveServer(app).start()
    try:
        page = new_context().new_page()
        page.goto(live.url(f"/s/{SLUG}"))
        click_and_load(page, "button[value=start]")
        page.goto(live.url("/"))
        styled = page.evaluate("getComputedStyle(document.body).fontFamily")
    finally:
        live.stop()
    pages = [p for p in asked if not p.startswith("/static/") and p != "/favicon.ico"]
    assert len(pages) >= 3, asked
    assert asked.count("/static/ladder.css") == 1, asked
    assert styled and "Times" not in styled  # the kept stylesheet still applies
