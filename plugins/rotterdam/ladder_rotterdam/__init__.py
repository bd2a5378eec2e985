"""participatieladder-rotterdam: the participatiekompas for officials and Buurt Bestuurt for residents.

Surveys are data (``surveys/*.toml``); the rung logic lives in ``kompas`` and ``buurt_bestuurt``.
Imports come only from the package face ``ladder`` (and pandas).
"""
from __future__ import annotations

from pathlib import Path

from ladder import Summary, hookimpl, load_survey, text

from . import buurt_bestuurt, kompas

__version__ = "0.1.0"

SURVEY_DIR = Path(__file__).parent / "surveys"
KOMPAS_FILE = SURVEY_DIR / "participatiekompas.toml"
BUURT_BESTUURT_FILE = SURVEY_DIR / "buurt-bestuurt.toml"


def surveys():
    """The plugin's surveys, read from their files, each with its own rung logic."""
    return [
        load_survey(KOMPAS_FILE, place=kompas.place, advise=kompas.advise),
        load_survey(BUURT_BESTUURT_FILE, place=buurt_bestuurt.place),
    ]


def summaries():
    return [
        Summary(
            name="buurt-bestuurt-prioriteiten",
            title=text({"nl": "Buurt Bestuurt: prioriteiten per wijk (Borda-punten)",
                        "en": "Buurt Bestuurt: priorities per area (Borda points)"}),
            fn=buurt_bestuurt.borda,
            surveys=("rotterdam-buurt-bestuurt",),
            # disclosure control: points and first places count (or come from) people; a wijk's
            # cells add up to its respondents, a theme's over the wijken
            counts=("points", "first_places", "respondents"),
            groups=("area",),
            categories=("theme",),
            size="respondents",
        ),
    ]


@hookimpl
def register_surveys(app):
    return surveys()


@hookimpl
def register_summaries(app):
    return summaries()
