"""The five municipality plugins under plugins/: loaded, listed, and each survey answered end to end."""
import json
import re

import pytest

from conftest import make_app, skip_or_fail

BUNDLED = ["haarlemmermeer", "molenwaard", "rotterdam", "sudwest_fryslan", "zwijndrecht"]


@pytest.fixture
def bundled_app(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=[])
    missing = [name for name in BUNDLED if name not in app.extensions["ladder"].plugins]
    if missing:
        skip_or_fail(f"bundled plugins not installed: {missing} (make install)")
    return app


def sample_answers(survey, types, pick_last=False):
    """Walk the survey page by page, giving a valid answer to each question skip logic shows."""
    answers = {}
    for page in survey.pages:
        for q in survey.visible_questions(page, answers):
            choices = [c.value for c in q.choices]
            if pick_last:
                choices.reverse()
            if q.type in ("single_choice", "yes_no"):
                value = choices[0]
            elif q.type == "multiple_choice":
                value = choices[:q.options.get("min_choices", 1)]
            elif q.type == "scale":
                low, high = types["scale"].bounds(q)
                value = high if pick_last else low
            elif q.type == "number":
                value = q.options.get("max" if pick_last else "min", 1)
            elif q.type == "area":
                offered = types["area"].offered(q, survey.areas)
                value = offered[-1 if pick_last else 0].code
            elif q.type == "ranking":
                value = choices[:types["ranking"].top(q)]
            else:
                value = "Dit is een test."
            answers[q.id] = types[q.type].parse(q, value, survey)
    return answers


def form_data(survey, page, answers, types):
    data = {}
    for q in page.questions:
        if q.id not in answers:
            continue
        value = types[q.type].form_data(q, answers[q.id])
        data[q.id] = value
    return data


RECEIPT = re.compile(r'class="code">\s*([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\s*<')


def stored_response(app, receipt):
    """(channel, placements) of the response stored under ``receipt``, read back from the database."""
    from sqlalchemy import select

    from ladder import db
    from ladder.codes import code_hash
    from ladder.models import Response
    with app.app_context():
        row = db.session().scalar(select(Response).where(Response.receipt_hash == code_hash(receipt)))
        assert row is not None, f"no response stored under receipt {receipt}"
        return row.channel, row.placements


def test_plugins_json_lists_the_five_as_loaded(bundled_app):
    result = bundled_app.test_cli_runner().invoke(args=["plugins", "--json"])
    plugins = {p["name"]: p for p in json.loads(result.output)["plugins"]}
    for name in BUNDLED:
        assert plugins[name]["status"] == "loaded", plugins[name]
        assert plugins[name]["version"] == "0.1.0"


def test_surveys_json_lists_their_surveys(bundled_app):
    result = bundled_app.test_cli_runner().invoke(args=["surveys", "--json"])
    surveys = json.loads(result.output)["surveys"]
    by_plugin = {}
    for s in surveys:
        by_plugin.setdefault(s["plugin"], []).append(s["slug"])
    assert set(BUNDLED) <= set(by_plugin)
    assert "rotterdam-participatiekompas" in by_plugin["rotterdam"]


@pytest.mark.parametrize("pick_last", [False, True], ids=["first-choices", "last-choices"])
def test_every_bundled_survey_completes_through_the_api_and_the_form_with_the_same_placements(bundled_app, pick_last):
    from test_resident import token
    reg = bundled_app.extensions["ladder"]
    types = reg.question_types
    for slug, survey in reg.surveys.items():
        if reg.owners[("surveys", slug)] not in BUNDLED:
            continue
        answers = sample_answers(survey, types, pick_last)
        client = bundled_app.test_client()
        api = client.post(f"/api/v1/surveys/{slug}/responses", json={"answers": answers})
        assert api.status_code == 201, (slug, api.get_json())
        body = api.get_json()
        assert body["placement_status"] == "placed", (slug, body)
        assert body["placements"], slug  # every bundled survey places these answers somewhere on its ladder
        assert all(p["reasons"] for p in body["placements"]), slug
        assert stored_response(bundled_app, body["receipt"]) == ("api", body["placements"]), slug

        start = client.get(f"/s/{slug}")
        assert start.status_code == 200, slug
        url = client.post(f"/s/{slug}", data={"csrf_token": token(start.data), "action": "start"}).headers["Location"]
        while "/vraag/" in url:
            page_id = url.rsplit("/", 1)[-1]
            page = next(p for p in survey.pages if p.id == page_id)
            html = client.get(url)
            assert html.status_code == 200, (slug, page_id)
            posted = client.post(url, data={"csrf_token": token(html.data), "action": "volgende",
                                            **form_data(survey, page, answers, types)})
            assert posted.status_code == 302, (slug, page_id, re.findall(r'error-message[^>]*>(.*?)</p>',
                                                                          posted.get_data(as_text=True), re.S))
            url = posted.headers["Location"]
        check = client.get(url)
        done = client.post(url, data={"csrf_token": token(check.data)})
        assert done.status_code == 302, slug
        result = client.get(done.headers["Location"]).get_data(as_text=True)
        receipt = RECEIPT.search(result)
        assert receipt, (slug, "no receipt code on the result page")
        # What the form path stored (aspect, rung and reasons, in order) is what the API said for the same
        # answers. The result page draws every rung of the ladder, so a rung title in the page proves nothing.
        channel, placements = stored_response(bundled_app, receipt.group(1))
        assert channel == "form", slug
        assert placements == body["placements"], slug
        for reason in (r for p in body["placements"] for r in p["reasons"]):
            assert reason.replace("'", "&#39;").replace('"', "&#34;") in result, (slug, reason)


@pytest.mark.parametrize("removed", BUNDLED)
def test_removing_one_plugin_leaves_the_other_four_working(sqlite_url, tmp_path, removed):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=[], DISABLED_PLUGINS=[removed])
    reg = app.extensions["ladder"]
    others = [name for name in BUNDLED if name != removed]
    if any(name not in reg.plugins for name in others):
        skip_or_fail("bundled plugins not installed (make install)")
    assert all(reg.plugins[name].status == "loaded" for name in others)
    assert not any(owner == removed for owner in reg.owners.values())
    client = app.test_client()
    for slug, owner in ((s, reg.owners[("surveys", s)]) for s in reg.surveys):
        assert client.get(f"/s/{slug}").status_code == 200, slug
