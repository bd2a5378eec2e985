"""Survey files without a plugin: every ``*.toml`` in the instance's survey folder is served too.

The folder is ``SURVEYS_FOLDER`` (default: ``surveys`` in the instance folder). Each file is a survey file
(docs/survey-files.rst) that names its ``municipality``, with an optional ``[[placement]]`` table (question,
choice, aspect, rung: the rows of an XLSForm's ``ladder`` sheet) for simple survey-driven placement. Each file
becomes a plugin of its own, named ``instance:<file name>``, so a broken file is reported and left out like a
broken plugin (``ladder plugins``) while the other surveys keep working.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..hookspecs import hookimpl
from ..survey_data import survey_from_data
from ..survey_file import read_toml


def folder(config: Mapping[str, Any], app=None) -> Path:
    """The survey folder: ``SURVEYS_FOLDER``, relative to the instance folder unless absolute."""
    instance = Path(app.instance_path) if app is not None else \
        Path(os.environ.get("LADDER_INSTANCE_PATH") or "instance")
    return instance / (config.get("SURVEYS_FOLDER") or "surveys")


class SurveyFilePlugin:
    """One instance survey file, registered as a plugin."""

    def __init__(self, path: Path):
        self.path = path

    @hookimpl
    def register_surveys(self):
        return [load_instance_survey(self.path)]


def load_instance_survey(path: Path):
    """Read ``path``; a file that cannot be used raises SurveyFileError naming file, key and reason."""
    return survey_from_data(read_toml(path), source=str(path))


def file_plugins(config: Mapping[str, Any], app=None) -> list[tuple[str, SurveyFilePlugin]]:
    """(plugin name, plugin) for every survey file in the folder, in name order."""
    where = folder(config, app)
    if not where.is_dir():
        return []
    return [(f"instance:{path.name}", SurveyFilePlugin(path)) for path in sorted(where.glob("*.toml"))]
