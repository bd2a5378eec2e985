"""ladder plugin for Molenwaard: the dorpsoverleg, the kerncontactfunctionaris, the dorpsagenda and the initiatieffonds."""
from __future__ import annotations

from pathlib import Path

from ladder import hookimpl, load_survey

from . import rungs

SURVEYS = Path(__file__).parent / "surveys"

# Survey file -> its rung logic (place) and its advice (advise).
LOGIC = {
    "molenwaard-dorpsoverleg.toml": {"place": rungs.place, "advise": rungs.advise},
}


@hookimpl
def register_surveys(app):
    """Return the Molenwaard surveys, each loaded from its TOML file with its rung logic."""
    return [load_survey(SURVEYS / name, **logic) for name, logic in LOGIC.items()]
