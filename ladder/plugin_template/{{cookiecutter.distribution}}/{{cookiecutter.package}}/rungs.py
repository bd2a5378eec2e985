"""Rung logic for {{ cookiecutter.slug }}: where a resident's answers place them, and why.

``place`` returns one Placement per aspect of the survey (see ``aspects`` in the survey file); each
rung is a rung id of the survey's ladder (participatieladder: informeren, raadplegen, adviseren,
coproduceren, meebeslissen, zelfbeheer). ``advise`` is optional: leave it out of ``load_survey`` when
the survey gives no advice.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ladder import PARTICIPATIELADDER, Advice, Placement

RUNGS = [rung.id for rung in PARTICIPATIELADDER.rungs]  # lowest first


def place(answers: Mapping[str, Any]) -> list[Placement]:
    """Place the resident on the rung they have now and on the rung they want."""
    now = answers["huidig"]
    wanted = RUNGS[answers["gewenst"] - 1]
    reasons = [f"U koos {answers['gewenst']} van {len(RUNGS)}."]
    if RUNGS.index(wanted) > RUNGS.index(now):
        reasons.append("U wilt meer inspraak dan u nu heeft.")
    return [
        Placement(aspect="huidig", rung=now, reasons=("Zo gaat het nu, zegt u.",)),
        Placement(aspect="gewenst", rung=wanted, reasons=tuple(reasons)),
    ]


def advise(answers: Mapping[str, Any]) -> list[Advice]:
    """Point residents who want to start something themselves to the village fund."""
    if answers.get("idee"):
        return [Advice(topic="dorpsfonds", title="Het dorpsfonds", verdict=None,
                       reasons=("U heeft een idee voor {{ cookiecutter.village }}.",),
                       steps=("Vraag een aanvraagformulier bij de gemeente.",))]
    return []
