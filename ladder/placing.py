"""Run a survey's rung logic safely: a raising rung function leaves the response pending, never lost."""
from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .survey import Advice, Placement, Survey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What the rung logic said: placements and advice, or why it could not say."""

    placements: tuple[Placement, ...] = ()
    advice: tuple[Advice, ...] = ()
    error: str | None = None

    @property
    def status(self) -> str:
        return "pending" if self.error else "placed"


@lru_cache(maxsize=256)
def _takes_locale(fn) -> bool:
    return "locale" in inspect.signature(fn).parameters


def _call(fn, answers: Mapping[str, Any], locale: str):
    # Rung logic may take the resident's language, for reasons in Frisian or English.
    if _takes_locale(fn):
        return fn(answers, locale=locale)
    return fn(answers)


def place(survey: Survey, answers: Mapping[str, Any], ladder, locale: str = "nl") -> Outcome:
    """Return the outcome of the survey's ``place`` and ``advise`` for ``answers``."""
    try:
        placements = tuple(_call(survey.place, answers, locale)) if survey.place else ()
        for p in placements:
            if not isinstance(p, Placement):
                raise TypeError(f"place() returned {type(p).__name__}, not Placement")
            if p.rung not in ladder:
                raise ValueError(f"place() returned rung {p.rung!r}, not on ladder {ladder.id!r}")
        advice = tuple(_call(survey.advise, answers, locale)) if survey.advise else ()
        for a in advice:
            if not isinstance(a, Advice):
                raise TypeError(f"advise() returned {type(a).__name__}, not Advice")
    except Exception as exc:  # the plugin's code; the response must be kept regardless
        log.exception("rung logic of survey %s failed; response kept as pending", survey.slug)
        return Outcome(error=f"{type(exc).__name__}: {exc}")
    return Outcome(placements=placements, advice=advice)


def rescore(survey: Survey, response, ladder) -> Outcome:
    """Run the rung logic again for a stored response and store what it says (``ladder rescore``)."""
    outcome = place(survey, response.answers or {}, ladder, response.locale)
    response.placements = [p.to_dict() for p in outcome.placements]
    response.advice = [a.to_dict() for a in outcome.advice]
    response.placement_status = outcome.status
    response.placement_error = outcome.error
    return outcome


def mapping_place(mapping: list[Mapping[str, str]]):
    """Simple survey-driven placement from the ``ladder`` sheet: each (question, choice) that was answered
    places the resident on (aspect, rung); the first matching row per aspect wins."""
    def place(answers, locale="nl"):
        placed = {}
        for row in mapping:
            value = answers.get(row["question"])
            hit = value is not None and (row["choice"] in (value if isinstance(value, list) else [str(value)])
                                         or not row["choice"])
            if hit and row["aspect"] not in placed:
                placed[row["aspect"]] = Placement(row["aspect"], row["rung"], (
                    f"U antwoordde {row['choice']!r} op vraag {row['question']}." if row["choice"] else
                    f"U beantwoordde vraag {row['question']}.",))
        return list(placed.values())
    place.mapping = list(mapping)  # ladder.xlsform.exporting writes it back as the ladder sheet
    return place
