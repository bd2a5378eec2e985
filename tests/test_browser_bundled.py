"""Each bundled municipality's survey answered in real Chromium and checked by axe-core on every page.

ladder's pages carry no JavaScript of their own, so this also shows they work without it; axe-core
itself needs script, so the context keeps it on.
"""
from __future__ import annotations

import pytest
from browser_support import LiveServer, axe_violations, click_and_load, describe_violations, path_of
from conftest import make_app
from test_bundled_surveys import BUNDLED, sample_answers, stored_response

pytestmark = pytest.mark.browser


@pytest.fixture
def bundled_live(tmp_path):
    from conftest import skip_or_fail
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, EXTRA_PLUGINS=[])
    if any(name not in app.extensions["ladder"].plugins for name in BUNDLED):
        skip_or_fail("bundled plugins not installed (make install)")
    server = LiveServer(app).start()
    yield app, server
    server.stop()


def fill(page, question, value, types):
    """Answer one question the way a resident would, for each kind of field."""
    if question.type in ("single_choice", "scale"):
        page.check(f'input[name="{question.id}"][value="{value}"]')
    elif question.type == "multiple_choice":
        for v in value:
            page.check(f'input[name="{question.id}"][value="{v}"]')
    elif question.type == "area":  # radios when short; a long list's select is hidden behind the area picker
        if page.locator(f'input[type=radio][name="{question.id}"]').count():
            page.check(f'input[name="{question.id}"][value="{value}"]')
        else:
            page.select_option(f'select[name="{question.id}"]', value, force=True)
    elif question.type == "ranking":
        positions = types["ranking"].form_data(question, value)
        selects = page.locator(f'select[name="{question.id}"]')
        for i, position in enumerate(positions):
            selects.nth(i).select_option(position)
    else:
        page.fill(f"#q-{question.id}", str(value))


@pytest.mark.parametrize("lang", ["nl", "fy"])
def test_every_bundled_survey_completes_in_the_browser(bundled_live, new_context, lang):
    app, live = bundled_live
    reg = app.extensions["ladder"]
    types = reg.question_types
    page = new_context().new_page()
    failures = {}
    done = 0
    for slug, survey in sorted(reg.surveys.items()):
        if reg.owners[("surveys", slug)] not in BUNDLED or lang not in survey.locales:
            continue
        answers = sample_answers(survey, types)
        page.goto(live.url(f"/s/{slug}?lang={lang}"))
        if violations := axe_violations(page):
            failures[f"{slug} start"] = describe_violations(violations)
        click_and_load(page, "button[value=start]")
        while "/vraag/" in path_of(page):
            page_id = path_of(page).rsplit("/", 1)[-1]
            # only ladder's own progressive-enhancement scripts, loaded from /static/ (the CSP allows no other)
            assert all(src.startswith("/static/") for src in page.locator("script").evaluate_all(
                "els => els.map(e => e.getAttribute('src') || '')")), (slug, page_id)
            if violations := axe_violations(page):
                failures[f"{slug} {page_id}"] = describe_violations(violations)
            shown = next(p for p in survey.pages if p.id == page_id)
            for question in survey.visible_questions(shown, answers):
                if question.id in answers:
                    fill(page, question, answers[question.id], types)
            click_and_load(page, "button[value=volgende]")
            assert path_of(page).rsplit("/", 1)[-1] != page_id, (slug, page_id, page.locator(".error-summary").all_inner_texts())
        assert path_of(page) == f"/s/{slug}/controleren", (slug, page.url)
        click_and_load(page, "form button[type=submit]")
        assert path_of(page) == f"/s/{slug}/resultaat", (slug, page.url)
        if violations := axe_violations(page):
            failures[f"{slug} result"] = describe_violations(violations)
        result = page.locator("main").inner_text()
        receipt = page.locator(".panel .code").inner_text().strip()
        api = app.test_client().post(f"/api/v1/surveys/{slug}/responses",
                                     json={"answers": answers, "locale": lang}).get_json()
        assert api["placements"], slug
        # What the browser path stored (aspect, rung and reasons, in order) is what the API says for the
        # same answers in the same language. Every rung title is on the result page, so that proves nothing.
        assert stored_response(app, receipt) == ("form", api["placements"]), (slug, lang)
        for placement in api["placements"]:
            for reason in placement["reasons"]:
                assert reason in result, (slug, reason)
        done += 1
    assert done >= (5 if lang == "nl" else 1)
    assert not failures, "axe-core found violations:\n" + "\n".join(f"{k}: {v}" for k, v in failures.items())
