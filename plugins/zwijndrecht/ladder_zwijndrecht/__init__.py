"""ladder plugin for Zwijndrecht: the elected dorpsraad of Heerjansdam and its leefbaarheidsbudget."""
from __future__ import annotations

from pathlib import Path

from ladder import hookimpl, load_survey

from . import rungs

SURVEYS = Path(__file__).parent / "surveys"

# Survey file -> its rung logic (place); this survey gives no separate advice.
LOGIC = {
    "zwijndrecht-dorpsraad-heerjansdam.toml": {"place": rungs.place},
}


@hookimpl
def register_surveys(app):
    """Return the Zwijndrecht surveys, each loaded from its TOML file with its rung logic."""
    return [load_survey(SURVEYS / name, **logic) for name, logic in LOGIC.items()]
