"""ladder plugin for Haarlemmermeer: participation roles of dorps- en wijkraden, and their agreement page."""
from __future__ import annotations

from pathlib import Path

from ladder import hookimpl, load_survey

from . import rungs

SURVEYS = Path(__file__).parent / "surveys"


@hookimpl
def register_surveys(app):
    """Return the plugin's surveys, each with its rung logic."""
    return [load_survey(path, place=rungs.place) for path in sorted(SURVEYS.glob("*.toml"))]


@hookimpl
def register_blueprints(app):
    """Return the blueprint with the printable agreement page (/haarlemmermeer/afspraken)."""
    from .views import make_blueprint  # Flask is imported only when the app asks for blueprints

    return [make_blueprint()]
