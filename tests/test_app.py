"""The application factory, configuration order, storage set-up and the command line."""
import json

from sqlalchemy import inspect, text

from ladder import create_app, db


def test_config_order_defaults_instance_config_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("DATABASE_URL = 'sqlite:///from-instance.sqlite3'\nMINUTES = 'instance'\n"
                                        "FROM_INSTANCE = True\n")
    monkeypatch.delenv("LADDER_DATABASE_URL", raising=False)
    app = create_app(instance_path=instance)
    assert app.config["FROM_INSTANCE"] is True
    assert app.config["MINUTES"] == "instance"
    with app.app_context():  # a relative SQLite path lives in the instance folder
        assert db.engine().url.database == str(instance / "from-instance.sqlite3")
    monkeypatch.setenv("LADDER_MINUTES", "env")
    monkeypatch.setenv("LADDER_DISABLED_PLUGINS", '["rotterdam"]')
    app = create_app(instance_path=instance)
    assert app.config["MINUTES"] == "env"
    assert app.config["DISABLED_PLUGINS"] == ["rotterdam"]
    assert app.extensions["ladder"].plugins["rotterdam"].status == "disabled"


def test_a_test_config_reads_neither_instance_config_nor_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("FROM_INSTANCE = True\nMINUTES = 'instance'\n")
    monkeypatch.setenv("LADDER_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("LADDER_DATABASE_URL", "postgresql+psycopg://nobody@nowhere/production")
    monkeypatch.setenv("LADDER_MINUTES", "env")
    url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"}, instance_path=tmp_path / "elsewhere")
    assert "FROM_INSTANCE" not in app.config
    assert "MINUTES" not in app.config
    assert app.config["DATABASE_URL"] == url  # never the database the environment names
    assert app.instance_path == str(tmp_path / "elsewhere")


def test_instance_path_from_the_environment_is_set_before_anything_is_read(tmp_path, monkeypatch):
    instance = tmp_path / "mijn-instance"
    instance.mkdir()
    (instance / "config.py").write_text("FROM_INSTANCE = 'ja'\n")
    monkeypatch.setenv("LADDER_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("LADDER_SECRET_KEY", "x")
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["FROM_INSTANCE"] == "ja"


def test_api_keeps_the_survey_file_order(sqlite_app):
    data = sqlite_app.test_client().get("/api/v1/surveys/testdorp-inspraak").get_json()
    survey = sqlite_app.extensions["ladder"].survey("testdorp-inspraak")
    assert list(data)[0] == "slug"
    assert [p["id"] for p in data["pages"]] == [p.id for p in survey.pages]
    assert [q["id"] for p in data["pages"] for q in p["questions"]] == [q.id for q in survey.questions]
    assert list(data["aspects"]) == list(survey.aspects)
    first = data["pages"][0]["questions"][0]
    assert list(first) == ["id", "type", "label", "help", "required", "choices", "show_if", "options", "schema"]


def test_secret_key_is_generated_into_the_instance_folder_once(tmp_path):
    instance = tmp_path / "instance"
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}, instance_path=instance)
    key_file = instance / "secret_key"
    assert key_file.stat().st_mode & 0o077 == 0
    assert len(first.config["SECRET_KEY"]) >= 40
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}, instance_path=instance)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_init_db_creates_the_schema_and_sqlite_uses_wal(app):
    with app.app_context():
        engine = db.engine()
        tables = set(inspect(engine).get_table_names())
        assert {"responses", "drafts", "alembic_version"} <= tables
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_init_db_command_upgrades_an_empty_database(tmp_path, monkeypatch):
    from conftest import make_app
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path, DATABASE_URL=url)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database is up to date" in result.output
    with app.app_context():
        assert "responses" in inspect(db.engine()).get_table_names()


def test_routes_and_surveys_commands(sqlite_app):
    runner = sqlite_app.test_cli_runner()
    surveys = json.loads(runner.invoke(args=["surveys", "--json"]).output)["surveys"]
    mine = next(s for s in surveys if s["slug"] == "testdorp-inspraak")
    assert mine["plugin"] == "fake_municipality"
    plain = runner.invoke(args=["surveys"]).output
    assert "testdorp-inspraak" in plain and "Inspraak in Testdorp" in plain


def test_rescore_unknown_survey_says_so(sqlite_app):
    result = sqlite_app.test_cli_runner().invoke(args=["rescore", "bestaat-niet"])
    assert result.exit_code != 0
    assert "no survey 'bestaat-niet'" in result.output


def test_closed_survey_shows_a_clear_page(sqlite_app, monkeypatch):
    from dataclasses import replace
    surveys = sqlite_app.extensions["ladder"].surveys
    monkeypatch.setitem(surveys, "testdorp-inspraak", replace(surveys["testdorp-inspraak"], status="closed"))
    response = sqlite_app.test_client().get("/s/testdorp-inspraak")
    assert response.status_code == 409
    assert "Deze vragenlijst is gesloten" in response.get_data(as_text=True)
    assert "testdorp-inspraak" not in sqlite_app.test_client().get("/").get_data(as_text=True)


def test_ladder_console_script_runs_flask_cli(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    env = {"LADDER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "LADDER_SECRET_KEY": "x",
           "PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path),
           "LADDER_INSTANCE_PATH": str(tmp_path / "instance")}
    out = subprocess.run([str(Path(sys.executable).parent / "ladder"), "plugins", "--json"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    names = {p["name"] for p in json.loads(out.stdout)["plugins"]}
    assert "ladder.default_plugins.engine" in names
    routes = subprocess.run([str(Path(sys.executable).parent / "ladder"), "routes"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert "/api/v1/surveys/<slug>/responses" in routes.stdout, routes.stderr


def test_purge_drafts_deletes_only_old_drafts(sqlite_app):
    from datetime import timedelta

    from ladder.models import Draft, utcnow
    with sqlite_app.app_context():
        s = db.session()
        for i, age in enumerate((1, 40)):
            s.add(Draft(code_hash=f"h{i}", survey_slug="testdorp-inspraak", survey_version="v", answers={},
                        locale="nl", updated_at=utcnow() - timedelta(days=age)))
        s.commit()
        from ladder.models import IdempotencyKey, SubmittedDraft
        s.add(SubmittedDraft(code_hash="old", survey_slug="testdorp-inspraak", response_id=1, sealed_receipt="x",
                             day=(utcnow() - timedelta(days=5)).date()))
        s.add(SubmittedDraft(code_hash="new", survey_slug="testdorp-inspraak", response_id=2, sealed_receipt="x",
                             day=utcnow().date()))
        from ladder.models import utcday
        for key, days in (("old", 2), ("new", 1)):  # keys keep the day only: kept until the day after their day
            s.add(IdempotencyKey(key_hash=key, body_hash="b", response_id=1, status=201, body={}, sealed_receipt="x",
                                 created_at=utcday() - timedelta(days=days)))
        s.commit()
    result = sqlite_app.test_cli_runner().invoke(args=["purge-drafts", "--days", "30"])
    assert "1 drafts older than 30 days deleted" in result.output
    with sqlite_app.app_context():
        assert [d.code_hash for d in db.session().query(Draft)] == ["h0"]
        assert [m.code_hash for m in db.session().query(SubmittedDraft)] == ["new"]  # the 24 h markers too
        assert [k.key_hash for k in db.session().query(IdempotencyKey)] == ["new"]


def test_the_development_server_logs_no_client_address(sqlite_app, caplog):
    import logging
    import threading
    import urllib.request

    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, sqlite_app)  # the request handler `ladder run` uses
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/api/v1/surveys").read()
        thread.join(timeout=10)
    server.server_close()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /api/v1/surveys" in line for line in lines), lines
    assert not [line for line in lines if "127.0.0.1" in line], lines
