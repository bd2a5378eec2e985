"""ladder plugin for Voorbeelddorp: the playground survey and its rung logic."""
from pathlib import Path

from ladder import hookimpl, load_survey

from . import rungs

SURVEY_FILE = Path(__file__).parent / "surveys" / "voorbeelddorp-speeltuin.toml"


@hookimpl
def register_surveys():
    return [load_survey(SURVEY_FILE, place=rungs.place, advise=rungs.advise)]
