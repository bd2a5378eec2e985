"""A plugin that registers a survey slug the fake municipality already has."""
from pathlib import Path

from ladder import hookimpl, load_survey


@hookimpl
def register_surveys(app):
    return [load_survey(Path(__file__).with_name("testdorp.toml"))]
