"""``ladder new-plugin NAME`` writes a distribution that installs, passes its own tests and loads.

The end-to-end test builds a fresh virtual environment (no ``--system-site-packages``: that would
hide a dependency missing from setup.cfg or a file missing from package data) and installs into it
ladder from a copy of this checkout plus the generated plugin, with pip's cache. Measured here: about
40 s with a warm cache, most of it pandas, pyarrow, scipy and matplotlib; CI runs on the machine that
ran ``make install-test``, so the cache is warm. The copy keeps pip's in-tree build out of the checkout.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import tomllib
import venv
from configparser import ConfigParser
from pathlib import Path

import pytest

from ladder import BUILTIN_TYPES, load_survey
from ladder.new_plugin import generate
from ladder.testing import skip_or_fail

ROOT = Path(__file__).parents[1]
# what setup.cfg needs to build ladder (README.md and LICENSE are named in its metadata)
LADDER_SOURCE = ("ladder", "setup.cfg", "pyproject.toml", "README.md", "LICENSE")


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


def _run(args, cwd, env, timeout=600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_generated_plugin_passes_its_tests_in_a_fresh_environment(tmp_path):
    source = tmp_path / "ladder-src"
    source.mkdir()
    for name in LADDER_SOURCE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python, ladder = env_dir / "bin" / "python", env_dir / "bin" / "ladder"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LADDER_", "PYTHON", "VIRTUAL_ENV"))}
    env["LADDER_INSTANCE_PATH"] = str(tmp_path / "instance")  # the commands must not write into a checkout
    started = time.monotonic()
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", str(source), "pytest"],
                             env=env, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - started
    if install.returncode != 0 and "No matching distribution" in install.stderr + install.stdout:
        skip_or_fail(f"pip could not reach a package index: {install.stderr[-500:]}")
    assert install.returncode == 0, install.stdout + install.stderr
    print(f"fresh environment: pip install of ladder and its dependencies took {seconds:.0f} s")

    # the installed ladder writes the plugin (its template is package data, cookiecutter a dependency)
    _run([ladder, "new-plugin", "voorbeelddorp", "-o", tmp_path / "work"], cwd=tmp_path, env=env)
    plugin = tmp_path / "work" / "participatieladder-voorbeelddorp"
    _run([python, "-m", "pip", "install", "--quiet", plugin], cwd=tmp_path, env=env)

    # the generated tests, with that environment's pytest and ladder's pytest plugin (no conftest.py)
    out = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=plugin, env=env)
    assert " passed" in out and "failed" not in out and "error" not in out, out
    assert not (plugin / "conftest.py").exists()

    # the installed app lists it under the entry point's name, loaded, with its survey (from package data)
    report = json.loads(_run([ladder, "plugins", "--json"], cwd=tmp_path, env=env))
    found = {p["name"]: p for p in report["plugins"]}
    assert found["voorbeelddorp"]["status"] == "loaded", found["voorbeelddorp"]
    assert "register_surveys" in found["voorbeelddorp"]["hooks"]
    _run([ladder, "init-db"], cwd=tmp_path, env=env)
    surveys = json.loads(_run([ladder, "surveys", "--json"], cwd=tmp_path, env=env))
    assert "voorbeelddorp-inspraak" in json.dumps(surveys)
