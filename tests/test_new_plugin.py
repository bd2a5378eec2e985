"""``ladder new-plugin NAME`` writes a distribution that installs, passes its own tests and loads.

That the generated plugin installs and passes its tests in a fresh environment, against ladder installed
from its wheel, is tests/test_distribution.py's end-to-end test.
"""
from __future__ import annotations

import tomllib
from configparser import ConfigParser

import pytest

from ladder import BUILTIN_TYPES, load_survey
from ladder.new_plugin import generate


def test_generate_writes_an_installable_layout(tmp_path):
    folder = generate("voorbeelddorp", tmp_path, municipality="Gemeente Voorbeeld")
    assert folder == tmp_path / "participatieladder-voorbeelddorp"
    cfg = ConfigParser()
    cfg.read(folder / "setup.cfg")
    assert cfg["metadata"]["name"] == "participatieladder-voorbeelddorp"
    assert cfg["metadata"]["license"] == "EUPL-1.2"
    assert cfg["options.entry_points"]["ladder"].split() == ["voorbeelddorp", "=", "ladder_voorbeelddorp"]
    assert cfg["options.package_data"]["ladder_voorbeelddorp"] == "surveys/*.toml"
    assert tomllib.loads((folder / "pyproject.toml").read_text())["build-system"]["build-backend"]
    # the survey file is valid as start-up checks it, and nothing of the template's syntax is left
    survey = load_survey(folder / "ladder_voorbeelddorp" / "surveys" / "voorbeelddorp-inspraak.toml",
                         question_types={t.name: t for t in BUILTIN_TYPES})
    assert survey.municipality == "Gemeente Voorbeeld"
    for path in folder.rglob("*"):
        assert "cookiecutter" not in path.name
        if path.is_file():
            assert "{{" not in path.read_text() and "{#" not in path.read_text(), path
    assert (folder / "tests" / "test_voorbeelddorp.py").is_file()


def test_the_generated_survey_passes_ladder_lint(ladder_runner, tmp_path):
    folder = generate("voorbeelddorp", tmp_path, municipality="Gemeente Voorbeeld")
    survey = folder / "ladder_voorbeelddorp" / "surveys" / "voorbeelddorp-inspraak.toml"
    result = ladder_runner.invoke(args=["lint", str(survey)])
    assert result.exit_code == 0, result.output


def test_a_bad_name_or_an_existing_folder_writes_nothing(tmp_path):
    for bad in ("Voorbeeld", "9dorp", "voor-beeld", "../x", ""):
        with pytest.raises(ValueError, match="not a plugin name"):
            generate(bad, tmp_path)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "participatieladder-dorp").mkdir()
    with pytest.raises(ValueError, match="already exists"):
        generate("dorp", tmp_path)
    assert list((tmp_path / "participatieladder-dorp").iterdir()) == []


def test_the_command(ladder_runner, tmp_path):
    result = ladder_runner.invoke(args=["new-plugin", "ons_dorp", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "participatieladder-ons-dorp" / "ladder_ons_dorp" / "rungs.py").is_file()
    result = ladder_runner.invoke(args=["new-plugin", "Ons Dorp", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "not a plugin name" in result.output
