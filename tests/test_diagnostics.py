"""Diagnostics that work when things are broken (issue 13): ``ladder plugins`` exits non-zero when a
plugin failed and still prints its JSON; a duplicate slug is reported by the diagnostic commands and
stops only the serving ones; every command before ``ladder init-db`` says to run it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import make_app
from ladder import create_app
from ladder.commands import NO_TABLES
from ladder.plugins import PluginConflict, load_registry

PLUGINS = Path(__file__).parent / "plugins"
CONFLICT = "survey 'testdorp-inspraak' is registered by both plugin 'fake_municipality' and plugin 'duplicate_slug'"


def _env(monkeypatch, tmp_path, url, extra=("fake_municipality",)):
    """The ``ladder`` program's configuration, from the environment as in production."""
    monkeypatch.setenv("LADDER_DATABASE_URL", url)
    monkeypatch.setenv("LADDER_EXTRA_PLUGINS", json.dumps(list(extra)))
    monkeypatch.setenv("LADDER_SECRET_KEY", "test")
    monkeypatch.setenv("LADDER_INSTANCE_PATH", str(tmp_path / "instance"))


def _ladder(*args):
    from ladder.__main__ import main
    return CliRunner().invoke(main, list(args))


# --- ladder plugins exits non-zero when a plugin failed ----------------------------------------------

def test_plugins_exits_non_zero_when_a_plugin_failed_and_json_still_prints(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "broken_on_import"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plugins", "--json"])
    assert result.exit_code == 1, result.output
    plugins = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}  # stdout is JSON only
    assert plugins["broken_on_import"]["status"] == "failed"
    assert plugins["fake_municipality"]["status"] == "loaded"
    assert "broken_on_import" in result.stderr
    plain = runner.invoke(args=["plugins"])
    assert plain.exit_code == 1
    assert "broken_on_import" in plain.stdout and "failed: could not be loaded" in plain.stdout


def test_plugins_exits_zero_when_every_plugin_loaded_or_is_disabled(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, DISABLED_PLUGINS=["broken_on_import"],
                   EXTRA_PLUGINS=["fake_municipality", "broken_on_import"])
    result = app.test_cli_runner().invoke(args=["plugins", "--json"])
    assert result.exit_code == 0, result.output
    assert {p["status"] for p in json.loads(result.stdout)["plugins"]} == {"loaded", "disabled"}


# --- a duplicate slug: reported by the diagnostics, stops only the serving commands ------------------

def test_non_strict_registry_reports_a_duplicate_slug_on_the_second_plugin():
    reg = load_registry({"EXTRA_PLUGINS": ["fake_municipality", "duplicate_slug"]}, strict=False)
    info = reg.plugins["duplicate_slug"]
    assert info.status == "failed"
    assert CONFLICT in info.error
    assert reg.plugins["fake_municipality"].status == "loaded"
    assert reg.owners[("surveys", "testdorp-inspraak")] == "fake_municipality"
    assert reg.conflicts == [CONFLICT + "; remove or disable one of them"]
    with pytest.raises(PluginConflict, match=CONFLICT):
        load_registry({"EXTRA_PLUGINS": ["fake_municipality", "duplicate_slug"]})  # strict by default


def test_plugins_json_reports_a_duplicate_slug_and_exits_non_zero(sqlite_url, tmp_path, monkeypatch):
    _env(monkeypatch, tmp_path, sqlite_url, extra=["fake_municipality", "duplicate_slug"])
    result = _ladder("plugins", "--json")
    assert result.exit_code == 1, result.output
    plugins = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}
    assert plugins["duplicate_slug"]["status"] == "failed"
    assert CONFLICT in plugins["duplicate_slug"]["error"]
    assert plugins["fake_municipality"]["status"] == "loaded"
    plain = _ladder("plugins")
    assert plain.exit_code == 1
    assert CONFLICT in plain.stdout


def test_duplicate_slug_leaves_the_other_diagnostic_commands_working(sqlite_url, tmp_path, monkeypatch):
    from ladder.migrate import upgrade
    upgrade(sqlite_url)
    _env(monkeypatch, tmp_path, sqlite_url, extra=["fake_municipality", "duplicate_slug"])
    result = _ladder("surveys", "--json")
    assert result.exit_code == 0, result.output
    surveys = {s["slug"]: s for s in json.loads(result.stdout)["surveys"]}
    assert surveys["testdorp-inspraak"]["plugin"] == "fake_municipality"


def test_ladder_run_stops_on_a_duplicate_slug_with_the_message(sqlite_url, tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr("flask.cli.run_simple", lambda *args, **kwargs: served.append(args))
    _env(monkeypatch, tmp_path, sqlite_url, extra=["fake_municipality", "duplicate_slug"])
    result = _ladder("run", "--port", "5999")
    assert served == []
    assert result.exit_code == 1, result.output
    assert CONFLICT in result.output
    assert "Traceback" not in result.output


def test_ladder_run_serves_without_a_conflict(sqlite_url, tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr("flask.cli.run_simple", lambda *args, **kwargs: served.append(args))
    _env(monkeypatch, tmp_path, sqlite_url)
    result = _ladder("run", "--port", "5999")
    assert result.exit_code == 0, result.output
    assert [(host, port) for host, port, _app in served] == [("127.0.0.1", 5999)]


def test_gunicorn_entry_point_stops_on_a_duplicate_slug(sqlite_url, tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LADDER_")},
           "LADDER_DATABASE_URL": sqlite_url, "LADDER_SECRET_KEY": "x",
           "LADDER_INSTANCE_PATH": str(tmp_path / "instance"), "PYTHONPATH": str(PLUGINS),
           "LADDER_EXTRA_PLUGINS": json.dumps(["fake_municipality", "duplicate_slug"])}
    out = subprocess.run([sys.executable, "-c", "import ladder.wsgi"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode != 0
    assert f"PluginConflict: {CONFLICT}" in out.stderr


def test_create_app_is_strict_unless_asked(sqlite_url, tmp_path):
    settings = {"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "x",
                "EXTRA_PLUGINS": ["fake_municipality", "duplicate_slug"]}
    with pytest.raises(PluginConflict, match=CONFLICT):
        create_app(settings, instance_path=tmp_path / "instance")
    app = create_app(settings, instance_path=tmp_path / "instance", strict=False)
    assert app.extensions["ladder"].plugins["duplicate_slug"].status == "failed"


# --- every command before init-db says to run it -------------------------------------------------------

BEFORE_INIT_DB = [
    ["surveys"],
    ["surveys", "--json"],
    ["export", "testdorp-inspraak", "-o", "-"],
    ["summary", "testdorp-inspraak"],
    ["users", "list"],
    ["rescore", "testdorp-inspraak"],
    ["codes", "testdorp-inspraak", "--count", "1"],
    ["purge-drafts"],
    ["purge"],
]


@pytest.mark.parametrize("args", BEFORE_INIT_DB, ids=" ".join)
def test_commands_before_init_db_say_to_run_it(empty_database_url, tmp_path, args):
    database_url = empty_database_url
    # no upgrade: the database is empty
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                      "EXTRA_PLUGINS": ["fake_municipality"]}, instance_path=tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1, result.output
    assert NO_TABLES in result.output
    assert "Traceback" not in result.output and "sqlalchemy" not in result.output.lower()
    assert isinstance(result.exception, SystemExit)  # a handled error, not SQLAlchemy's


def test_ladder_program_before_init_db_says_to_run_it(sqlite_url, tmp_path, monkeypatch):
    _env(monkeypatch, tmp_path, sqlite_url)
    result = _ladder("surveys")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {NO_TABLES}"
    assert _ladder("init-db").exit_code == 0
    assert _ladder("surveys").exit_code == 0


def test_other_database_errors_are_not_called_missing_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'ladder.sqlite3'}"  # cannot be opened at all
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"}, instance_path=tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 1
    assert NO_TABLES not in result.output
    assert "unable to open database file" in str(result.exception)
