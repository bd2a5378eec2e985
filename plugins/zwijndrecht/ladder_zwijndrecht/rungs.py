"""Rung logic for the Heerjansdam survey: how much say a resident wants over the budget and over village matters.

Pure functions of the answers (question id -> stored value). A question that was hidden or skipped is
absent or None, so every lookup uses ``answers.get``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ladder import PARTICIPATIELADDER, Placement

# "zeggenschap_budget" -> rung, reason. The dorpsraad decides how the budget is spent, so the resident's
# rung is measured against the dorpsraad, not against the town hall.
BUDGET = {
    "horen": ("informeren", "U wilt horen waar het leefbaarheidsbudget aan is besteed. "
                            "De dorpsraad laat dat dan weten, bijvoorbeeld in de nieuwsbrief."),
    "mening": ("raadplegen", "U wilt uw mening geven voordat de dorpsraad kiest. "
                             "De dorpsraad hoort uw mening, maar beslist zelf."),
    "voorstellen": ("adviseren", "U wilt zelf voorstellen doen. De dorpsraad neemt uw voorstel serieus "
                                 "en legt uit waarom als zij iets anders kiest."),
    "samen": ("coproduceren", "U wilt samen met de dorpsraad de plannen maken. "
                              "Wat u samen afspreekt, voert de dorpsraad dan ook uit."),
    "stemmen": ("meebeslissen", "U wilt dat inwoners zelf kiezen hoe het geld wordt besteed. "
                                "De dorpsraad spreekt dan vooraf af waaraan de plannen moeten voldoen."),
    "zelf": ("zelfbeheer", "U wilt met andere inwoners zelf een deel van het geld beheren. "
                           "De dorpsraad geeft u dan een bedrag en afspraken, en u voert het plan zelf uit."),
}

# "zeggenschap_dorpszaken" -> rung, reason: plans of the municipality for the village.
DORPSZAKEN = {
    "horen": ("informeren", "U wilt op tijd horen wat de gemeente in Heerjansdam van plan is."),
    "mening": ("raadplegen", "U wilt uw mening kunnen geven. De gemeente hoort die, maar hoeft die niet te volgen."),
    "advies": ("adviseren", "U wilt dat inwoners en de dorpsraad advies geven, en dat de gemeente uitlegt "
                            "waarom als zij het advies niet volgt."),
    "samen": ("coproduceren", "U wilt samen met de gemeente en de dorpsraad de plannen maken, "
                              "bijvoorbeeld in een klankbordgroep. Wat u samen afspreekt, geldt dan ook."),
    "beslissen": ("meebeslissen", "U wilt dat inwoners binnen vaste afspraken zelf beslissen. "
                                  "De gemeente neemt de uitkomst dan over als die aan de afspraken voldoet."),
    "zelf": ("zelfbeheer", "U wilt met buren zelf iets beheren. In Zwijndrecht kan dat al, "
                           "bijvoorbeeld met een bewonersbeheergroep."),
}

LOW_SATISFACTION = 2  # 1 or 2 on the 1-5 scale counts as (very) dissatisfied


def level(rung: str) -> int:
    """Return the height of ``rung`` on the participatieladder (1 = informeren)."""
    return PARTICIPATIELADDER.rung(rung).level


def place(answers: Mapping[str, Any]) -> list[Placement]:
    """Place the resident's wish on the ladder for "budget" and for "dorpszaken" (village matters)."""
    return [p for p in (_budget(answers), _dorpszaken(answers)) if p is not None]


def _budget(answers: Mapping[str, Any]) -> Placement | None:
    wish = answers.get("zeggenschap_budget")
    if wish not in BUDGET:  # not answered: no placement rather than a guess
        return None
    rung, reason = BUDGET[wish]
    reasons = [reason]
    # The dorpsraad itself decides on the budget. Someone who wants to make plans or decide, and might
    # stand for election, has the most direct route there; the guide notes candidates are hard to find.
    if level(rung) >= level("coproduceren") and answers.get("kandidaat") in ("ja", "misschien"):
        reasons.append("De dorpsraad beslist over het budget. U denkt erover om u kandidaat te stellen: "
                       "als lid van de dorpsraad beslist u direct mee.")
    return Placement("budget", rung, tuple(reasons))


def _dorpszaken(answers: Mapping[str, Any]) -> Placement | None:
    wish = answers.get("zeggenschap_dorpszaken")
    if wish not in DORPSZAKEN:
        return None
    rung, reason = DORPSZAKEN[wish]
    reasons = [reason]
    # The verordening makes the dorpsraad an advisory committee; deciding goes beyond that, so say so
    # honestly instead of promising it.
    if rung == "meebeslissen":
        reasons.append("De dorpsraad geeft nu advies aan de gemeenteraad en het college. "
                       "Zelf beslissen gaat verder dan de afspraken van nu: daarvoor zijn nieuwe afspraken nodig.")
    # Electing the dorpsraad is how residents get a say in village matters now.
    voted = answers.get("gestemd")
    if voted == "niet_geweten":
        reasons.append("U wist niet dat er een verkiezing voor de dorpsraad was. Elke vier jaar kiezen inwoners "
                       "de dorpsraad, die namens het dorp advies geeft. Zo heeft u ook invloed.")
    elif voted == "nee" and level(rung) >= level("adviseren"):
        reasons.append("Door te stemmen bij de verkiezing van de dorpsraad kiest u wie namens het dorp advies geeft.")
    # Dissatisfaction is about how the dorpsraad does its work, not about the rung: pass it on.
    informed = answers.get("tevreden_informeren")
    if informed is not None and informed <= LOW_SATISFACTION:
        reasons.append("U bent niet tevreden over hoe de dorpsraad u op de hoogte houdt. "
                       "De dorpsraad gebruikt uw antwoorden om dat te verbeteren.")
    consulted = answers.get("tevreden_raadplegen")
    if consulted is not None and consulted <= LOW_SATISFACTION:
        reasons.append("U bent niet tevreden over hoe de dorpsraad om uw mening vraagt. "
                       "De dorpsraad gebruikt uw antwoorden om dat te verbeteren.")
    return Placement("dorpszaken", rung, tuple(reasons))
