"""The code the docs show is the code that runs: docs/tutorial.rst's plugin and docs/plugin_hooks.rst's examples.

The tutorial's plugin (docs/tutorial/participatieladder-voorbeelddorp) is installed from a copy with pip into a
folder of its own (``--target``, no dependencies: ladder is this environment's), so its setup.cfg,
entry point and package data are what is tested; then its own tests run with that folder on the
path, and ``ladder plugins`` lists it. Each hook example (docs/tutorial/hooks/*.py) is loaded as a
plugin through ``EXTRA_PLUGINS`` and its effect checked.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ladder.testing import assert_loaded, assert_placed, submit_api, submit_form

DOCS = Path(__file__).parents[1] / "docs"
TUTORIAL = DOCS / "tutorial" / "participatieladder-voorbeelddorp"
HOOKS = DOCS / "tutorial" / "hooks"
SLUG = "voorbeelddorp-speeltuin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The tutorial's distribution installed with pip into its own folder; returns (site folder, source copy)."""
    root = tmp_path_factory.mktemp("tutorial")
    source = root / "src"
    shutil.copytree(TUTORIAL, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    site = root / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                           str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return site, source


def _env(site, tmp_path):
    # as a plugin author runs them: no LADDER_* settings, none of the outer pytest's (PYTEST_ADDOPTS and the like)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LADDER_", "PYTEST_"))}
    env["PYTHONPATH"] = str(site)
    env["LADDER_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def test_the_tutorials_package_ships_its_survey_and_entry_point(installed):
    site, _ = installed
    assert (site / "ladder_voorbeelddorp" / "surveys" / "voorbeelddorp-speeltuin.toml").is_file()
    (dist,) = site.glob("participatieladder_voorbeelddorp-*.dist-info")
    entry_points = (dist / "entry_points.txt").read_text()
    assert "[ladder]" in entry_points and "voorbeelddorp = ladder_voorbeelddorp" in entry_points
    assert "License-Expression: EUPL-1.2" in (dist / "METADATA").read_text() or \
        "License: EUPL-1.2" in (dist / "METADATA").read_text()


def test_the_tutorials_own_tests_pass_installed(installed, tmp_path):
    site, source = installed
    # run from tmp_path, so the package is imported from the installed copy, not the source folder
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(source / "tests")],
                          cwd=tmp_path, env=_env(site, tmp_path), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout


def test_ladder_plugins_lists_it_by_its_entry_point_name(installed, tmp_path):
    site, _ = installed
    done = subprocess.run([sys.executable, "-m", "ladder", "plugins", "--json"], cwd=tmp_path,
                          env=_env(site, tmp_path), capture_output=True, text=True, timeout=300)
    plugins = {p["name"]: p for p in json.loads(done.stdout)["plugins"]}
    assert plugins["voorbeelddorp"]["status"] == "loaded", plugins["voorbeelddorp"]
    # and DISABLED_PLUGINS takes the same name
    env = _env(site, tmp_path) | {"LADDER_DISABLED_PLUGINS": '["voorbeelddorp"]'}
    done = subprocess.run([sys.executable, "-m", "ladder", "plugins", "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    plugins = {p["name"]: p for p in json.loads(done.stdout)["plugins"]}
    assert plugins.get("voorbeelddorp", {}).get("status") != "loaded"


# ------------------------------------------------------------------ the tutorial's last step, here
@pytest.fixture
def ladder_config(monkeypatch):
    monkeypatch.syspath_prepend(str(TUTORIAL))
    monkeypatch.syspath_prepend(str(HOOKS))
    return {"EXTRA_PLUGINS": ["ladder_voorbeelddorp", "voorbeeld_config", "voorbeeld_ladder", "voorbeeld_type",
                              "voorbeeld_summary", "voorbeeld_exporter", "voorbeeld_blueprint", "voorbeeld_command",
                              "voorbeeld_saved"],
            "VOORBEELD_CONTACT": "inspraak@voorbeeld.example"}


def test_a_resident_is_placed_through_the_form(ladder_client):
    result = submit_form(ladder_client, SLUG, {"meedoen": {"meedoen": "zelfbeheer", "uren": "2"},
                                               "speeltuin": {"wensen": ["zandbak"]}})
    assert_placed(result, "meedoen", "adviseren", reason_contains="2 uur per maand")
    assert "adviseren" in result["html"].lower() or "advis" in result["html"].lower()


def test_the_hours_are_dropped_when_the_condition_on_the_same_page_does_not_hold(ladder_client):
    result = submit_form(ladder_client, SLUG, {"meedoen": {"meedoen": "adviseren", "uren": "1"},
                                               "speeltuin": {"wensen": ["klimrek"]}})
    assert_placed(result, "meedoen", "adviseren", reason_contains="koos u zelf")


def test_the_hidden_question_is_dropped(ladder_client):
    result = submit_api(ladder_client, SLUG, {"meedoen": "raadplegen", "wensen": ["klimrek"], "uren": 1})
    assert_placed(result, "meedoen", "raadplegen", reason_contains="koos u zelf")


@pytest.mark.parametrize("plugin", ["ladder_voorbeelddorp", "voorbeeld_config", "voorbeeld_ladder", "voorbeeld_type",
                                    "voorbeeld_summary", "voorbeeld_exporter", "voorbeeld_blueprint",
                                    "voorbeeld_command", "voorbeeld_saved"])
def test_every_example_loads(ladder_app, plugin):
    assert_loaded(ladder_app, plugin)


def test_config_defaults_give_way_to_the_config(ladder_app):
    # the example's default is there unless the config sets it, as here
    assert ladder_app.config["VOORBEELD_CONTACT"] == "inspraak@voorbeeld.example"


def test_config_defaults_fill_in(monkeypatch, tmp_path):
    from ladder import load_registry

    monkeypatch.syspath_prepend(str(HOOKS))
    config = {"EXTRA_PLUGINS": ["voorbeeld_config"]}
    registry = load_registry(config)
    assert registry.plugins["voorbeeld_config"].status == "loaded"
    assert registry.config["VOORBEELD_CONTACT"] == "speeltuin@voorbeeld.example"


def test_register_ladders(ladder_app):
    ladder = ladder_app.extensions["ladder"].ladders["buurtladder"]
    assert [r.id for r in ladder.rungs] == ["horen", "meepraten", "meedoen"]


def test_register_question_types(ladder_client):
    assert submit_api(ladder_client, "voorbeeld-postcode", {"postcode": "2951"})["id"]
    for bad in ("29511", "0951", 2951, ""):
        response = ladder_client.post("/api/v1/surveys/voorbeeld-postcode/responses",
                                      json={"answers": {"postcode": bad}})
        assert response.status_code == 422, bad
    document = ladder_client.get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["Answers-voorbeeld-postcode"]
    assert schema["properties"]["postcode"] == {"type": "string", "pattern": "^[1-9][0-9]{3}$"}


def _two_responses(client):
    submit_api(client, SLUG, {"meedoen": "raadplegen", "wensen": ["klimrek"]})
    submit_api(client, SLUG, {"meedoen": "zelfbeheer", "wensen": ["zandbak"], "uren": 8})


def test_register_summaries(ladder_client, ladder_runner):
    _two_responses(ladder_client)
    result = ladder_runner.invoke(args=["summary", SLUG, "--name", "per_trede", "--format", "json",
                                        "--threshold", "0"])
    assert result.exit_code == 0, result.output
    assert '"zelfbeheer"' in result.output and '"raadplegen"' in result.output


def test_register_exporters(ladder_client, ladder_runner, tmp_path):
    _two_responses(ladder_client)
    out = tmp_path / "speeltuin.ndjson"
    result = ladder_runner.invoke(args=["export", SLUG, "--format", "ndjson", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(row["meedoen"] for row in rows) == ["raadplegen", "zelfbeheer"]


def test_register_blueprints(ladder_client):
    assert ladder_client.get("/voorbeeld/contact").get_json() == {"contact": "inspraak@voorbeeld.example"}


def test_register_commands(ladder_client, ladder_runner):
    _two_responses(ladder_client)
    result = ladder_runner.invoke(args=["speeltuin", SLUG])
    assert result.exit_code == 0, result.output
    assert f"{SLUG}: 2 antwoorden" in result.output


def test_response_saved(ladder_client, caplog):
    with caplog.at_level(logging.INFO, logger="voorbeeld"):
        submit_api(ladder_client, SLUG, {"meedoen": "coproduceren", "wensen": ["klimrek"], "uren": 1})
    assert f"new response for {SLUG}, placed ['adviseren']" in caplog.text
