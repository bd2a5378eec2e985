"""ladder plugin for {{ cookiecutter.municipality }}: its surveys, each with its rung logic."""
from __future__ import annotations

from pathlib import Path

from ladder import hookimpl, load_survey

from . import rungs

SURVEYS = Path(__file__).parent / "surveys"


@hookimpl
def register_surveys():
    """Return every survey file beside this module, with its rung logic and advice."""
    return [load_survey(path, place=rungs.place, advise=rungs.advise) for path in sorted(SURVEYS.glob("*.toml"))]
