"""Every distribution this repository ships, and every one it teaches people to write, depends on ours.

The name ``ladder`` belongs to an unrelated project on the package index (a path library), so
``pip install ladder`` or ``install_requires = ladder`` would fetch that one wherever this ladder is not
already installed. Ours is ``participatieladder``; the bundled plugins are ``participatieladder-NAME``.
The import package stays ``ladder`` and the entry point group ``ladder``.
"""
from __future__ import annotations

import re
from configparser import ConfigParser
from pathlib import Path

import pytest

from ladder.new_plugin import generate

ROOT = Path(__file__).parents[1]
CORE = "participatieladder"
PLUGINS = sorted(p.parent for p in (ROOT / "plugins").glob("*/setup.cfg"))
TUTORIAL = ROOT / "docs" / "tutorial" / "participatieladder-voorbeelddorp"


def _cfg(path: Path) -> ConfigParser:
    cfg = ConfigParser()
    cfg.read(path)
    return cfg


def _requires(cfg: ConfigParser) -> list[str]:
    return [re.split(r"[<>=!~ \[;]", line.strip(), maxsplit=1)[0]
            for line in cfg["options"]["install_requires"].splitlines() if line.strip()]


def test_the_core_distribution_is_participatieladder():
    assert _cfg(ROOT / "setup.cfg")["metadata"]["name"] == CORE


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_each_bundled_plugin_is_named_after_the_core_and_requires_it(plugin):
    cfg = _cfg(plugin / "setup.cfg")
    assert cfg["metadata"]["name"] == f"{CORE}-{plugin.name.replace('_', '-')}"
    assert CORE in _requires(cfg) and "ladder" not in _requires(cfg)


def test_the_tutorials_plugin_requires_the_core():
    cfg = _cfg(TUTORIAL / "setup.cfg")
    assert cfg["metadata"]["name"] == f"{CORE}-voorbeelddorp"
    assert _requires(cfg) == [CORE]
    tutorial = (ROOT / "docs" / "tutorial.rst").read_text()
    assert f"pip install {CORE}" in tutorial and "pip install ladder " not in tutorial


def test_a_generated_plugin_requires_the_core(tmp_path):
    folder = generate("ons_dorp", tmp_path)
    assert folder == tmp_path / f"{CORE}-ons-dorp"
    cfg = _cfg(folder / "setup.cfg")
    assert cfg["metadata"]["name"] == f"{CORE}-ons-dorp"
    assert _requires(cfg) == [CORE]


def test_the_readme_installs_the_core_by_its_name():
    readme = (ROOT / "README.md").read_text()
    assert f"pip install {CORE}" in readme
