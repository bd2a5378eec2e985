"""Surveys made by staff (issue 21): versions in the database, live on every server, a draft keeps its version."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import make_app
from ladder import db, stored_surveys
from ladder.models import Response, SurveyVersion
from ladder.survey_file import SurveyFileError
from ladder.testing import submit_form

ROOT = Path(__file__).resolve().parents[1]
SLUG = "dorpsplein"


def definition(label="Wat vindt u van het dorpsplein?", **extra):
    """A small survey as staff make it: two pages, a condition, a placement table, Frisian texts."""
    return {
        "slug": SLUG, "municipality": "Testgemeente", "locales": ["nl", "fy"],
        "title": {"nl": "Het dorpsplein", "fy": "It doarpsplein"},
        "intro": {"nl": "Wij willen het plein opknappen.", "fy": "Wy wolle it plein opknappe."},
        "purpose": {"nl": "Om het plan te maken.", "fy": "Om it plan te meitsjen."},
        "retention": {"nl": "Een jaar.", "fy": "In jier."},
        "offer": {"rung": "raadplegen", "promise": {"nl": "Wij vragen uw mening.", "fy": "Wy freegje jo miening."}},
        "aspects": {"gewenst": {"nl": "Wat u wilt", "fy": "Wat jo wolle"}},
        "pages": [
            {"id": "plein", "title": {"nl": "Het plein", "fy": "It plein"}, "questions": [
                {"id": "mening", "type": "single_choice", "label": {"nl": label, "fy": "Wat fine jo fan it plein?"},
                 "choices": [{"value": "goed", "label": {"nl": "Goed", "fy": "Goed"}},
                             {"value": "slecht", "label": {"nl": "Slecht", "fy": "Min"}}]}]},
            {"id": "waarom", "title": {"nl": "Waarom", "fy": "Wêrom"}, "show_if": {"question": "mening", "equals": "slecht"},
             "questions": [{"id": "reden", "type": "short_text", "required": False,
                            "label": {"nl": "Wat moet anders?", "fy": "Wat moat oars?"}}]},
        ],
        "placement": [{"question": "mening", "choice": "slecht", "aspect": "gewenst", "rung": "adviseren"},
                      {"question": "mening", "choice": "goed", "aspect": "gewenst", "rung": "raadplegen"}],
        **extra,
    }


def plugins(app):
    return app.extensions["ladder"]


def create_and_publish(app, data=None):
    with app.app_context():
        row = stored_surveys.create(plugins(app), data or definition())
        stored_surveys.publish(plugins(app), row)
        db.session().commit()
        return row.version


def test_a_draft_is_not_served_and_a_published_version_is_served_at_the_next_request(app):
    client = app.test_client()
    with app.app_context():
        stored_surveys.create(plugins(app), definition())
        db.session().commit()
    assert client.get(f"/s/{SLUG}").status_code == 404
    assert SLUG not in client.get("/").get_data(as_text=True)
    with app.app_context():
        row = db.session().scalar(select(SurveyVersion).where(SurveyVersion.slug == SLUG))
        stored_surveys.publish(plugins(app), row)
        db.session().commit()
    assert client.get(f"/s/{SLUG}").status_code == 200
    assert "Het dorpsplein" in client.get("/").get_data(as_text=True)
    stored = submit_form(client, SLUG, {"plein": {"mening": "slecht"}, "waarom": {"reden": "Meer bomen"}})
    assert stored["survey_version"].startswith("v1-") and len(stored["survey_version"]) == 11
    assert stored["placements"] == [{"aspect": "gewenst", "rung": "adviseren",
                                     "reasons": ["U antwoordde 'slecht' op vraag mening."]}]


def test_a_published_version_never_changes(app):
    create_and_publish(app)
    with app.app_context():
        row = db.session().scalar(select(SurveyVersion).where(SurveyVersion.slug == SLUG))
        with pytest.raises(stored_surveys.VersionError, match="published and cannot change"):
            stored_surveys.save(row, definition(label="Iets anders"))
        with pytest.raises(stored_surveys.VersionError, match="already published"):
            stored_surveys.publish(plugins(app), row)
        db.session().rollback()
        again = db.session().get(SurveyVersion, row.id)
        assert again.definition["pages"][0]["questions"][0]["label"]["nl"] == "Wat vindt u van het dorpsplein?"


def test_a_survey_that_does_not_check_out_is_not_published(app):
    broken = definition()
    broken["pages"][1]["show_if"] = {"question": "onbekend", "equals": "x"}
    with app.app_context():
        row = stored_surveys.create(plugins(app), broken)
        with pytest.raises(SurveyFileError, match="onbekend"):
            stored_surveys.publish(plugins(app), row)
        assert (row.status, row.version) == ("draft", None)


def test_a_plugin_survey_slug_cannot_be_taken(app):
    with app.app_context(), pytest.raises(stored_surveys.VersionError, match="already a survey"):
        stored_surveys.create(plugins(app), definition(slug="testdorp-inspraak"))


def test_only_one_draft_at_a_time_and_a_new_version_is_numbered_on(app):
    create_and_publish(app)
    with app.app_context():
        second = stored_surveys.new_version(SLUG)
        db.session().commit()
        assert (second.number, second.status) == (2, "draft")
        with pytest.raises(stored_surveys.VersionError, match="still a draft"):
            stored_surveys.new_version(SLUG)


def test_a_draft_begun_on_version_1_is_placed_under_version_1_after_version_2_is_published(app):
    first = create_and_publish(app)
    client = app.test_client()
    start = client.get(f"/s/{SLUG}")
    from ladder.testing import _token
    begun = client.post(f"/s/{SLUG}", data={"csrf_token": _token(start.data)})
    assert begun.headers["Location"].endswith("/vraag/plein")

    with app.app_context():  # staff publish version 2: another question id, another rung
        v2 = stored_surveys.new_version(SLUG)
        changed = definition(label="Hoe vindt u het plein nu?")
        changed["pages"][0]["questions"][0]["id"] = "oordeel"
        changed["pages"][1]["show_if"] = {"question": "oordeel", "equals": "slecht"}
        changed["placement"] = [{"question": "oordeel", "choice": "", "aspect": "gewenst", "rung": "meebeslissen"}]
        stored_surveys.save(v2, changed)
        second = stored_surveys.publish(plugins(app), v2).version
        db.session().commit()
    assert second.startswith("v2-") and second != first

    page = client.get(f"/s/{SLUG}/vraag/plein")
    assert "Wat vindt u van het dorpsplein?" in page.get_data(as_text=True)  # still version 1's question
    posted = client.post(f"/s/{SLUG}/vraag/plein", data={"csrf_token": _token(page.data), "mening": "goed"})
    assert posted.headers["Location"].endswith("/controleren")
    check = client.get(f"/s/{SLUG}/controleren")
    assert client.post(f"/s/{SLUG}/controleren", data={"csrf_token": _token(check.data)}).status_code == 302
    with app.app_context():
        response = db.session().scalar(select(Response))
        assert (response.survey_version, response.answers) == (first, {"mening": "goed"})
        assert response.placements[0]["rung"] == "raadplegen"
    newcomer = app.test_client()  # a new resident gets version 2
    assert submit_form(newcomer, SLUG, {"plein": {"oordeel": "goed"}})["placements"][0]["rung"] == "meebeslissen"
    with app.app_context():
        versions = sorted(db.session().scalars(select(Response.survey_version)))
        assert versions == sorted([first, second])


def test_a_copy_of_a_plugin_survey_keeps_its_rung_function(app):
    with app.app_context():
        reg = plugins(app)
        data = stored_surveys.copy_definition(reg.survey("testdorp-inspraak"), "testdorp-kopie", reg)
        assert data["rung_function"] == "testdorp-inspraak"
        row = stored_surveys.create(reg, data)
        survey = stored_surveys.publish(reg, row)
        db.session().commit()
    assert survey.place is reg.survey("testdorp-inspraak").place


def test_an_unknown_rung_function_is_refused_with_its_name(app):
    data = definition(rung_function="bestaat-niet")
    del data["placement"]
    with app.app_context():
        row = stored_surveys.create(plugins(app), data)
        with pytest.raises(SurveyFileError, match="no rung function 'bestaat-niet'"):
            stored_surveys.publish(plugins(app), row)


# The other server: its own app on the same database, in another process; it publishes as the editor does.
OTHER_SERVER = textwrap.dedent("""
    import json, sys
    sys.path[:0] = [{tests!r}, {plugins!r}]
    from ladder import create_app, db, stored_surveys
    app = create_app({{"TESTING": True, "DATABASE_URL": {url!r}, "SECRET_KEY": "test-secret",
                      "EXTRA_PLUGINS": ["fake_municipality"]}}, instance_path={instance!r})
    with app.app_context():
        reg = app.extensions["ladder"]
        row = stored_surveys.create(reg, json.loads(sys.argv[1]))
        stored_surveys.publish(reg, row)
        db.session().commit()
""")


def test_a_version_published_on_another_server_is_served_here_without_a_restart(database_url, tmp_path):
    import json
    app = make_app(database_url, tmp_path)
    client = app.test_client()
    assert client.get(f"/s/{SLUG}").status_code == 404
    script = OTHER_SERVER.format(tests=str(ROOT / "tests"), plugins=str(ROOT / "tests" / "plugins"),
                                 url=database_url, instance=str(tmp_path / "other"))
    done = subprocess.run([sys.executable, "-c", script, json.dumps(definition())], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert client.get(f"/s/{SLUG}").status_code == 200
    assert submit_form(client, SLUG, {"plein": {"mening": "goed"}})["survey_version"].startswith("v1-")


def test_two_apps_in_one_process_each_serve_their_own_database(tmp_path):
    """Published surveys are kept built per database and row: another app's row 1 is another survey."""
    first = make_app(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "a")
    second = make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "b")
    create_and_publish(first)
    create_and_publish(second, definition(label="Een andere vraag"))
    for app, label in ((first, "Wat vindt u van het dorpsplein?"), (second, "Een andere vraag")):
        with app.test_request_context("/"):
            from ladder.registry import registry
            assert registry().survey(SLUG).pages[0].questions[0].label["nl"] == label


def test_ladder_surveys_lists_a_published_survey_beside_the_plugin_surveys(app):
    import json
    create_and_publish(app)
    listed = json.loads(app.test_cli_runner().invoke(args=["surveys", "--json"]).output)["surveys"]
    owners = {item["slug"]: item["plugin"] for item in listed}
    assert owners[SLUG] == "database" and owners["testdorp-inspraak"] == "fake_municipality"


def test_an_analyst_loads_a_stored_survey_and_its_responses_without_an_app(app):
    from ladder.analysis import response_frame
    from ladder.plugins import load_registry
    first = create_and_publish(app)
    submit_form(app.test_client(), SLUG, {"plein": {"mening": "slecht"}, "waarom": {"reden": "Bomen"}})
    reg = load_registry({"EXTRA_PLUGINS": ["fake_municipality"]})
    url = app.config["DATABASE_URL"]
    survey = stored_surveys.load_stored(url, SLUG, reg)
    assert survey.version == first and stored_surveys.load_stored(url, SLUG, reg, version=first).version == first
    frame = response_frame(url, survey, registry=reg)
    assert (list(frame["mening"]), list(frame["survey_version"])) == (["slecht"], [first])
    with pytest.raises(LookupError, match="no published version v9-x of a survey"):
        stored_surveys.load_stored(url, SLUG, reg, version="v9-x")
