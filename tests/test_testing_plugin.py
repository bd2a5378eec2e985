"""ladder.testing as a pytest plugin: its fixtures and helpers, run in a generated project with pytester.

Each generated project has no conftest of this repository: only the plugin ladder registers through its
``pytest11`` entry point, and the fake municipality plugin (tests/plugins) put on sys.path.
"""
import os
from pathlib import Path

import pytest

from conftest import CHECKOUT_INSTANCE, PG_ADMIN_URL

pytest_plugins = ["pytester"]

FAKE_PLUGINS = Path(__file__).parent / "plugins"
SLUG = "testdorp-inspraak"

CONFTEST = f"""
import sys
import pytest

sys.path.insert(0, {str(FAKE_PLUGINS)!r})


@pytest.fixture
def ladder_config():
    return {{"EXTRA_PLUGINS": ["fake_municipality"]}}
"""

# One resident of the fake municipality, page by page as the form takes it and flat as the API takes it.
ANSWERS = f"""
SLUG = {SLUG!r}
PAGES = {{
    "over-u": {{"woonplaats": "testdorp", "betrokken": "soms"}},
    "inspraak": {{"huidig": "raadplegen", "gewenst": 4, "thema": ["groen"]}},
    "initiatief": {{"kosten": "4.500", "prioriteiten": ["2", "", "1"]}},
}}
API = {{"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4, "thema": ["groen"],
        "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}}
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(answers=ANSWERS)
    return pytester


def run(pytester, *args):
    """In a new Python process, as a plugin's own test run would be: ladder.testing is loaded by its entry point."""
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers", *args)


def test_the_plugin_is_registered_through_its_entry_point():
    from importlib.metadata import entry_points
    assert [ep.value for ep in entry_points(group="pytest11") if ep.name == "ladder"] == ["ladder.testing"]


def test_fixtures_and_helpers_place_a_resident_through_the_api_and_the_form(project):
    project.makepyfile(test_resident="""
        import json
        from ladder.testing import assert_loaded, assert_placed, submit_api, submit_form
        from answers import API, PAGES, SLUG


        def test_api(ladder_client):
            result = submit_api(ladder_client, SLUG, API)
            assert result["placement_status"] == "placed"
            assert_placed(result, "huidig", "raadplegen", reason_contains="hoe het nu gaat")
            assert_placed(result, "gewenst", "coproduceren", reason_contains=["U koos 4"])


        def test_form(ladder_client):
            form = submit_form(ladder_client, SLUG, PAGES)
            assert form["channel"] == "form"
            assert_placed(form, "gewenst", "coproduceren")
            assert "Coproduceren" in form["html"]
            api = submit_api(ladder_client, SLUG, API)
            assert form["placements"] == api["placements"]


        def test_runner(ladder_app, ladder_runner):
            assert_loaded(ladder_app, "fake_municipality")
            out = json.loads(ladder_runner.invoke(args=["plugins", "--json"]).output)
            assert {p["name"]: p["status"] for p in out["plugins"]}["fake_municipality"] == "loaded"


        def test_each_test_has_its_own_database(ladder_app):
            from sqlalchemy import func, select
            from ladder import db
            from ladder.models import Response
            with ladder_app.app_context():
                assert db.session().scalar(select(func.count()).select_from(Response)) == 0
    """)
    run(project).assert_outcomes(passed=4)


def test_the_helpers_fail_with_what_went_wrong(project):
    project.makepyfile(test_wrong="""
        from ladder.testing import assert_placed, submit_api, submit_form
        from answers import API, PAGES, SLUG


        def test_wrong_rung(ladder_client):
            assert_placed(submit_api(ladder_client, SLUG, API), "huidig", "zelfbeheer")


        def test_wrong_reason(ladder_client):
            assert_placed(submit_api(ladder_client, SLUG, API), "huidig", "raadplegen", reason_contains="nooit gezegd")


        def test_missing_aspect(ladder_client):
            assert_placed(submit_api(ladder_client, SLUG, API), "later", "raadplegen")


        def test_invalid_answers_on_the_api(ladder_client):
            submit_api(ladder_client, SLUG, {**API, "huidig": "bestaat-niet"})


        def test_a_page_the_form_refuses(ladder_client):
            submit_form(ladder_client, SLUG, {**PAGES, "inspraak": {**PAGES["inspraak"], "thema": []}})


        def test_a_page_never_shown(ladder_client):
            submit_form(ladder_client, SLUG, {**PAGES, "bestaat-niet": {}})
    """)
    result = run(project)
    result.assert_outcomes(failed=6)
    result.stdout.fnmatch_lines_random([
        "*aspect 'huidig' is on 'raadplegen', not 'zelfbeheer'*",
        "*no reason for 'huidig' contains 'nooit gezegd'*",
        "*no placement for aspect 'later'*",
        "*answered 422*",
        "*page 'inspraak' was not accepted*",
        "*pages never shown: ?'bestaat-niet'?*",
    ])


def test_assert_placed_takes_the_rung_logics_placements():
    from ladder import Placement
    from ladder.testing import assert_placed
    placements = [Placement("nu", "adviseren", ("U geeft advies.",))]
    assert assert_placed(placements, "nu", "adviseren", "advies")["rung"] == "adviseren"
    with pytest.raises(AssertionError, match="not 'informeren'"):
        assert_placed(placements, "nu", "informeren")


def test_ladder_config_is_the_users_to_override(project):
    project.makepyfile(test_config="""
        import pytest


        @pytest.fixture
        def ladder_config():
            return {"EXTRA_PLUGINS": [], "DISABLED_PLUGINS": ["sudwest_fryslan"], "RESULTS_MIN_COUNT": 7}


        def test_overridden(ladder_app):
            registry = ladder_app.extensions["ladder"]
            assert "testdorp-inspraak" not in registry.surveys
            assert "sudwest-fryslan-belangen" not in registry.surveys
            assert ladder_app.config["RESULTS_MIN_COUNT"] == 7
    """)
    run(project).assert_outcomes(passed=1)


def _instance_files():
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in CHECKOUT_INSTANCE.glob("*")}


def test_ladder_app_ignores_ladder_settings_in_the_environment_and_the_checkouts_instance(project, monkeypatch,
                                                                                          tmp_path):
    trap = tmp_path / "trap"
    trap.mkdir()
    monkeypatch.setenv("LADDER_DATABASE_URL", f"sqlite:///{trap / 'developer.sqlite3'}")
    monkeypatch.setenv("LADDER_INSTANCE_PATH", str(trap / "instance"))
    monkeypatch.setenv("LADDER_DISABLED_PLUGINS", '["fake_municipality"]')
    monkeypatch.setenv("LADDER_SECRET_KEY", "the-developers-secret")
    project.makepyfile(test_isolated=f"""
        from pathlib import Path
        from ladder.testing import assert_loaded, submit_api, submit_form
        from answers import API, PAGES, SLUG


        def test_isolated(ladder_app, ladder_client, tmp_path):
            assert ladder_app.config["DATABASE_URL"] == f"sqlite:///{{tmp_path / 'ladder.sqlite3'}}"
            assert Path(ladder_app.instance_path) == (tmp_path / "instance").resolve()
            assert ladder_app.config["SECRET_KEY"] != "the-developers-secret"
            assert_loaded(ladder_app, "fake_municipality")
            submit_api(ladder_client, SLUG, API)
            submit_form(ladder_client, SLUG, PAGES)
            assert not Path({str(trap)!r}).joinpath("developer.sqlite3").exists()
    """)
    before = _instance_files()
    run(project).assert_outcomes(passed=1)
    assert list(trap.iterdir()) == [], "ladder_app used the LADDER_* settings of the environment"
    assert _instance_files() == before, "ladder_app wrote into the checkout's instance/ folder"


def _pg_databases(names):
    """Those of ``names`` that exist on the server (other test runs may be making databases meanwhile)."""
    import psycopg
    with psycopg.connect(PG_ADMIN_URL) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname = ANY(%s)", [list(names)])}


@pytest.mark.postgresql
def test_postgresql_by_marker_and_by_parameter_on_an_empty_database_dropped_at_the_end(project, pg_server, monkeypatch):
    monkeypatch.setenv("LADDER_TEST_PG", pg_server)
    project.makepyfile(test_pg="""
        from pathlib import Path
        import pytest
        from ladder.testing import assert_placed, submit_api
        from answers import API, SLUG


        def remember(app, url):
            # Note the database, which has no responses yet (an earlier test's are gone).
            from ladder import db
            from ladder.models import Response
            with app.app_context():
                assert db.session().query(Response).count() == 0
            with open(Path(__file__).parent / "databases.txt", "a") as f:
                f.write(url.rsplit("/", 1)[-1] + "\\n")


        @pytest.mark.ladder_postgresql
        def test_marked(ladder_app, ladder_client):
            remember(ladder_app, ladder_app.config["DATABASE_URL"])
            assert ladder_app.config["DATABASE_URL"].startswith("postgresql+psycopg://")
            assert "/ladder_test_" in ladder_app.config["DATABASE_URL"]
            assert_placed(submit_api(ladder_client, SLUG, API), "huidig", "raadplegen")


        @pytest.mark.parametrize("ladder_database_url", ["sqlite", "postgresql"], indirect=True)
        def test_both(ladder_app, ladder_client, ladder_database_url):
            assert ladder_app.config["DATABASE_URL"] == ladder_database_url
            if ladder_database_url.startswith("postgresql"):
                remember(ladder_app, ladder_database_url)
            assert ladder_database_url.split(":")[0] in ("sqlite", "postgresql+psycopg")
            assert submit_api(ladder_client, SLUG, API)["placement_status"] == "placed"


        def test_unmarked_is_sqlite(ladder_app):
            assert ladder_app.config["DATABASE_URL"].startswith("sqlite:///")
    """)
    run(project, "-v").assert_outcomes(passed=4)
    made = (project.path / "databases.txt").read_text().split()
    assert len(set(made)) == 2 and all(name.startswith("ladder_test_") for name in made)
    assert _pg_databases(made) == set(), "a test database was left behind"


def test_postgresql_without_a_server_skips_or_fails_in_ci(project, monkeypatch):
    monkeypatch.delenv("LADDER_TEST_PG", raising=False)
    project.makepyfile(test_pg="""
        import pytest


        @pytest.mark.ladder_postgresql
        def test_marked(ladder_app):
            pass
    """)
    monkeypatch.setenv("CI", "false")
    run(project, "-rs").assert_outcomes(skipped=1)
    monkeypatch.setenv("CI", "true")
    result = run(project)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*LADDER_TEST_PG is not set*CI must run this test*"])


def test_importing_ladder_testing_leaves_flask_and_sqlalchemy_unloaded():
    import subprocess
    import sys
    code = ("import sys, ladder.testing; print(','.join(m for m in ('flask', 'sqlalchemy', 'pandas', 'matplotlib')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert out.stdout.strip() == ""


def test_need_module_skips_on_a_developers_machine_and_fails_in_ci(monkeypatch):
    from ladder import testing
    assert testing.need_module("json").dumps([1]) == "[1]"
    monkeypatch.setattr(testing, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="cannot import ladder_no_such_module"):
        testing.need_module("ladder_no_such_module")
    monkeypatch.setattr(testing, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match=r"cannot import ladder_no_such_module.*\(CI must run this test\)"):
        testing.need_module("ladder_no_such_module")
