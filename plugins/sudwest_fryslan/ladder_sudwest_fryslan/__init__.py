"""ladder plugin for Súdwest-Fryslân: the dorps-, wijk- en stadsbelangen and the kernenfonds."""
from __future__ import annotations

from pathlib import Path

from ladder import hookimpl, load_survey

from . import rungs

SURVEYS = Path(__file__).parent / "surveys"


@hookimpl
def register_surveys(app):
    """Return the plugin's surveys, each with its rung logic."""
    return [load_survey(path, place=rungs.place, advise=rungs.advise) for path in sorted(SURVEYS.glob("*.toml"))]
