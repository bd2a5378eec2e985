"""What conftest.py shares between the apps of one test process builds what each app would build alone."""
from __future__ import annotations

import conftest


def test_shared_url_builders_are_the_ones_werkzeug_writes(sqlite_app):
    rules = list(sqlite_app.url_map.iter_rules())
    assert len(rules) > 50
    for rule in rules:
        for append_unknown, bound in ((False, rule._build), (True, rule._build_unknown)):
            own = conftest._werkzeug_builder(rule, append_unknown)
            assert bound.__func__ is conftest._shared_builder(rule, append_unknown), rule.rule
            assert own.__code__.co_code == bound.__code__.co_code, rule.rule
            assert own.__code__.co_consts == bound.__code__.co_consts, rule.rule
            assert own.__code__.co_varnames == bound.__code__.co_varnames, rule.rule
            assert own.__defaults__ == bound.__defaults__, rule.rule


def test_urls_are_built_the_same_in_a_second_app(sqlite_app, tmp_path):
    from flask import url_for
    other = conftest.make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other")
    for app in (sqlite_app, other):
        with app.test_request_context():
            assert url_for("resident.start", slug="testdorp-inspraak") == "/s/testdorp-inspraak"
            assert url_for("resident.start", slug="testdorp-inspraak", lang="fy") == "/s/testdorp-inspraak?lang=fy"


def test_a_template_compiled_once_renders_in_every_app(sqlite_app, tmp_path):
    other = conftest.make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other")
    pages = [app.test_client().get("/s/testdorp-inspraak") for app in (sqlite_app, other)]
    assert [p.status_code for p in pages] == [200, 200]
    assert other.jinja_env.bytecode_cache is conftest.COMPILED_TEMPLATES
    assert conftest.COMPILED_TEMPLATES.compiled  # the second app read what the first compiled


def test_a_survey_file_is_read_again_when_it_changes_and_each_reader_gets_its_own_copy(tmp_path):
    import pytest

    from ladder.survey_file import SurveyFileError, read_toml
    path = tmp_path / "s.toml"
    path.write_text('slug = "een"\n[[questions]]\nid = "a"\n')
    first = read_toml(path)
    first["slug"] = "veranderd"
    first["questions"][0]["id"] = "b"
    assert read_toml(path) == {"slug": "een", "questions": [{"id": "a"}]}
    path.write_text('slug = "twee"\n')
    assert read_toml(path) == {"slug": "twee"}
    path.write_text('slug = \n')
    with pytest.raises(SurveyFileError, match="not valid TOML"):
        read_toml(path)
    with pytest.raises(SurveyFileError, match="cannot read the file"):
        read_toml(tmp_path / "weg.toml")


def _distribution(folder, name: str, module: str) -> None:
    """An installed distribution declaring one ladder plugin: what pip leaves in site-packages."""
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[ladder]\n{module} = {module}\n")


def test_installed_plugins_are_the_ones_importlib_finds_and_an_install_is_seen(tmp_path, monkeypatch):
    from importlib.metadata import entry_points

    from ladder import plugins
    assert plugins.entry_points is conftest._entry_points_once
    assert list(plugins.entry_points(group="ladder")) == list(entry_points(group="ladder"))
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert list(plugins.entry_points(group="ladder")) == list(entry_points(group="ladder"))  # another path
    _distribution(site, "participatieladder-nieuw", "ladder_nieuw")  # an install into a folder on the path
    names = {ep.name for ep in plugins.entry_points(group="ladder")}
    assert "ladder_nieuw" in names and names == {ep.name for ep in entry_points(group="ladder")}


def test_an_app_loads_a_plugin_installed_after_the_first_app(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "ladder_laat").mkdir(parents=True)
    (site / "ladder_laat" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    before = conftest.make_app(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "a")
    _distribution(site, "participatieladder-laat", "ladder_laat")
    after = conftest.make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "b")
    assert "ladder_laat" not in {p.name for p in before.extensions["ladder"].plugins.values()}
    assert after.extensions["ladder"].plugins["ladder_laat"].status == "loaded"
