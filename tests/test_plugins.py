"""The plugin contract: loading, failures, conflicts, and one test per hook."""
import inspect
import json
import re
from pathlib import Path

import pytest

from conftest import make_app
from ladder import hookspecs
from ladder.plugins import PluginConflict

DOCS = Path(__file__).parents[1] / "docs" / "plugin_hooks.rst"
HOOKS = sorted(name for name, fn in vars(hookspecs).items()
               if callable(fn) and hasattr(fn, "ladder_spec"))


def test_every_hook_is_documented_with_its_exact_signature():
    doc = DOCS.read_text()
    for name in HOOKS:
        params = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        assert f"\n{name}({params})\n" in doc, f"docs/plugin_hooks.rst lacks a section '{name}({params})'"


def test_every_hook_has_its_own_test():
    tests = {name for name in globals() if name.startswith("test_hook_")}
    assert tests == {f"test_hook_{name}" for name in HOOKS}


def test_fake_plugin_implements_every_hook(sqlite_app):
    info = sqlite_app.extensions["ladder"].plugins["fake_municipality"]
    assert info.status == "loaded"
    assert info.hooks == HOOKS


def test_plugins_json_lists_each_plugin_with_version_hooks_and_status(sqlite_app, tmp_path):
    from test_staff import signed_in  # the full listing is for admins (tests/test_security_headers.py)
    data = signed_in(sqlite_app, "admin", None).get("/-/plugins.json").get_json()
    by_name = {p["name"]: p for p in data["plugins"]}
    assert by_name["fake_municipality"]["status"] == "loaded"
    assert "register_surveys" in by_name["fake_municipality"]["hooks"]
    assert by_name["ladder.default_plugins.engine"]["default"] is True
    assert set(by_name["fake_municipality"]) == {"name", "version", "hooks", "status", "error", "default"}


def test_plugin_that_raises_on_import_is_listed_as_failed_while_the_app_serves_the_others(sqlite_url, tmp_path):
    from test_staff import signed_in  # the error text is for admins (tests/test_security_headers.py)
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "broken_on_import"])
    client = signed_in(app, "admin", None)
    plugins = {p["name"]: p for p in client.get("/-/plugins.json").get_json()["plugins"]}
    assert plugins["broken_on_import"]["status"] == "failed"
    assert "broken on purpose" in plugins["broken_on_import"]["error"]
    assert client.get("/s/testdorp-inspraak").status_code == 200
    result = app.test_cli_runner().invoke(args=["plugins"])
    assert re.search(r"broken_on_import\s+-\s+failed: could not be loaded: ImportError", result.output)


def test_plugin_whose_hook_raises_is_left_out_with_its_reason(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "broken_hook"])
    info = app.extensions["ladder"].plugins["broken_hook"]
    assert info.status == "failed"
    assert "register_surveys raised: RuntimeError: survey file went missing" in info.error
    assert "testdorp-inspraak" in app.extensions["ladder"].surveys


def test_misspelt_hook_name_fails_that_plugin_loudly(sqlite_url, tmp_path, caplog):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "misspelt_hook"])
    info = app.extensions["ladder"].plugins["misspelt_hook"]
    assert info.status == "failed"
    assert "unknown hook 'register_survey'" in info.error
    assert "misspelt_hook" in caplog.text


def test_duplicate_survey_slug_stops_start_up_naming_both_plugins(sqlite_url, tmp_path):
    with pytest.raises(PluginConflict, match="'fake_municipality' and plugin 'duplicate_slug'"):
        make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "duplicate_slug"])


def test_duplicate_question_type_stops_start_up_naming_both_plugins(sqlite_url, tmp_path):
    with pytest.raises(PluginConflict, match="question type 'single_choice' is registered by both plugin "
                                             "'ladder.default_plugins.engine' and plugin 'duplicate_type'"):
        make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "duplicate_type"])


def test_disabled_plugin_is_reported_and_its_surveys_are_gone(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, DISABLED_PLUGINS=["fake_municipality"])
    assert app.extensions["ladder"].plugins["fake_municipality"].status == "disabled"
    assert app.test_client().get("/s/testdorp-inspraak").status_code == 404


def test_survey_with_unknown_question_type_leaves_its_plugin_out(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "unknown_type_survey"])
    reg = app.extensions["ladder"]
    info = reg.plugins["unknown_type_survey"]
    assert info.status == "failed"
    assert "unknown question type 'colour_picker'" in info.error
    assert "kleurdorp" not in reg.surveys
    assert "kleurladder" not in reg.ladders  # its other registrations went too
    assert "testladder" in reg.ladders and "testdorp-inspraak" in reg.surveys  # the others stay


def test_hookimpl_may_take_none_of_the_hook_arguments(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "no_arguments"])
    reg = app.extensions["ladder"]
    assert reg.plugins["no_arguments"].status == "loaded"
    assert "zonder-argumenten" in reg.surveys
    assert reg.owners[("surveys", "zonder-argumenten")] == "no_arguments"
    assert app.config["NO_ARGUMENTS_LOADED"] is True
    assert app.test_client().get("/s/zonder-argumenten").status_code == 200


def test_a_hook_wrapper_sees_and_changes_what_plugins_register(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "survey_filter"])
    reg = app.extensions["ladder"]
    assert "anderdorp-inspraak" not in reg.surveys
    assert "testdorp-inspraak" in reg.surveys
    assert app.test_client().get("/s/anderdorp-inspraak").status_code == 404


def test_registry_loads_without_flask_and_hooks_get_no_app(monkeypatch):
    import fake_municipality
    from ladder.plugins import load_registry
    seen = []
    original = fake_municipality.register_surveys

    @fake_municipality.hookimpl
    def register_surveys(app, config):
        seen.append((app, config["EXTRA_PLUGINS"]))
        return original(app)
    monkeypatch.setattr(fake_municipality, "register_surveys", register_surveys)
    reg = load_registry({"EXTRA_PLUGINS": ["fake_municipality"]})
    assert seen == [(None, ["fake_municipality"])]
    assert reg.survey("testdorp-inspraak").municipality == "Testgemeente"
    assert reg.config["TESTDORP_GREETING"] == "Hallo"  # config_defaults went into the given config


def test_trace_hooks_logs_every_hook_call(sqlite_url, tmp_path, caplog):
    import logging
    with caplog.at_level(logging.INFO, logger="ladder.plugins"):
        make_app(sqlite_url, tmp_path, TRACE_HOOKS=True)
    calls = [r.getMessage() for r in caplog.records if r.name == "ladder.plugins"]
    for hook in ("config_defaults", "register_question_types", "register_surveys", "register_blueprints"):
        assert f"hook {hook} [hook]" in calls, (hook, calls[:5])
        assert any(m.startswith(f"hook finish {hook} -->") for m in calls), (hook, calls[:5])


def test_no_hook_tracing_unless_asked(sqlite_url, tmp_path, caplog):
    import logging
    with caplog.at_level(logging.INFO, logger="ladder.plugins"):
        make_app(sqlite_url, tmp_path)
    assert not [r for r in caplog.records if r.name == "ladder.plugins" and "register_surveys" in r.getMessage()]


# One test per hook -------------------------------------------------------------------------------

def test_hook_config_defaults(sqlite_app):
    assert sqlite_app.config["TESTDORP_GREETING"] == "Hallo"
    # setdefault: a plugin cannot override ladder's own settings
    assert "should-not-win" not in sqlite_app.config["DATABASE_URL"]


def test_hook_register_surveys(sqlite_app):
    survey = sqlite_app.extensions["ladder"].surveys["testdorp-inspraak"]
    assert survey.municipality == "Testgemeente"
    assert sqlite_app.extensions["ladder"].owners[("surveys", "testdorp-inspraak")] == "fake_municipality"


def test_hook_register_ladders(sqlite_app):
    ladders = sqlite_app.extensions["ladder"].ladders
    assert [r.id for r in ladders["testladder"].rungs] == ["laag", "hoog"]
    assert [r.id for r in ladders["participatieladder"].rungs] == [
        "informeren", "raadplegen", "adviseren", "coproduceren", "meebeslissen", "zelfbeheer"]
    assert len(ladders["arnstein"].rungs) == 8


def test_hook_register_question_types(sqlite_app):
    types = sqlite_app.extensions["ladder"].question_types
    assert {"single_choice", "multiple_choice", "scale", "short_text", "long_text", "number", "area",
            "ranking", "yes_no"} <= set(types)


def _answer(app, *areas):
    client = app.test_client()
    for area in areas:
        body = {**VALID, "woonplaats": area}
        assert client.post("/api/v1/surveys/testdorp-inspraak/responses", json={"answers": body}).status_code == 201


def test_hook_register_summaries(sqlite_app):
    _answer(sqlite_app, "testdorp", "testdorp", "proefwijk")
    runner = sqlite_app.test_cli_runner()
    result = runner.invoke(args=["summary", "testdorp-inspraak", "--name", "testdorp-aantal", "--format", "json",
                                 "--threshold", "0"])
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)["summaries"]["testdorp-aantal"]
    assert {row["area"]: row["n"] for row in table} == {"testdorp": 2, "proefwijk": 1}
    # limited to its own survey: another survey does not offer it
    other = runner.invoke(args=["summary", "anderdorp-inspraak", "--name", "testdorp-aantal"])
    assert other.exit_code != 0 and "no summary 'testdorp-aantal'" in other.output


def test_hook_register_exporters(sqlite_app, tmp_path):
    from test_staff import signed_in
    _answer(sqlite_app, "testdorp", "proefwijk")
    out = tmp_path / "antwoorden.tsv"
    result = sqlite_app.test_cli_runner().invoke(args=["export", "testdorp-inspraak", "--format", "tsv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].split("\t")[:3] == ["area", "betrokken", "huidig"]
    assert [line.split("\t")[0] for line in lines[1:]] == ["testdorp", "proefwijk"]
    editor = signed_in(sqlite_app, "editor", "Testgemeente")
    dashboard = editor.get("/beheer/s/testdorp-inspraak").get_data(as_text=True)
    assert "/beheer/s/testdorp-inspraak/export/tsv" in dashboard  # offered beside the built-in formats
    download = editor.get("/beheer/s/testdorp-inspraak/export/tsv")
    assert download.status_code == 200
    assert download.mimetype == "text/tab-separated-values"
    assert download.data.decode() == out.read_text()


def test_hook_register_blueprints(sqlite_app):
    response = sqlite_app.test_client().get("/testdorp/hallo")
    assert response.status_code == 200
    assert response.data == b"Hallo uit Testdorp"


def test_hook_register_commands(sqlite_url, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from ladder.__main__ import main
    monkeypatch.setenv("LADDER_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("LADDER_EXTRA_PLUGINS", json.dumps(["fake_municipality"]))
    monkeypatch.setenv("LADDER_SECRET_KEY", "test")
    monkeypatch.setenv("LADDER_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["testdorp-groet"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Hallo uit Testdorp"


def test_hook_response_saved(sqlite_app):
    import fake_municipality
    fake_municipality.SAVED.clear()
    response = sqlite_app.test_client().post("/api/v1/surveys/testdorp-inspraak/responses",
                                             json={"answers": VALID})
    assert response.status_code == 201
    assert fake_municipality.SAVED == [(response.get_json()["id"], "testdorp-inspraak")]


def test_response_saved_failure_is_logged_and_never_loses_the_response(sqlite_url, tmp_path, caplog):
    import fake_municipality
    from ladder.models import Response
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "broken_notifier"])
    fake_municipality.SAVED.clear()
    response = app.test_client().post("/api/v1/surveys/testdorp-inspraak/responses", json={"answers": VALID})
    assert response.status_code == 201
    assert "plugin broken_notifier failed in response_saved" in caplog.text
    assert "mail server down" in caplog.text
    assert fake_municipality.SAVED == [(response.get_json()["id"], "testdorp-inspraak")]  # the others still ran
    with app.app_context():
        from ladder import db
        assert db.session().get(Response, response.get_json()["id"]) is not None


VALID = {"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4,
         "thema": ["groen"], "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}
