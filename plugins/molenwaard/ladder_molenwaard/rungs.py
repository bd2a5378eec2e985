"""Rung logic for the Molenwaard survey: where a resident stands now, where they want to be, and the fund check.

Pure functions of the answers (question id -> stored value). A question that was hidden or skipped is
absent or None, so every lookup uses ``answers.get``.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ladder import PARTICIPATIELADDER, Advice, Placement

# "betrokken_nu" -> rung, reason. There is no "meebeslissen" here on purpose: in Molenwaard the
# dorpsoverleg has no formal status, so today nobody co-decides in the ladder's sense.
NOW = {
    "weinig": ("informeren", "U hoort weinig over wat er in uw dorp speelt. U staat nu op de eerste trede: informeren."),
    "volgen": ("informeren", "U weet wat er in uw dorp speelt, maar u geeft er zelf geen mening over. "
                             "Dat is de trede informeren."),
    "mening": ("raadplegen", "U geeft soms uw mening als die gevraagd wordt. Dat is de trede raadplegen."),
    "ideeen": ("adviseren", "U brengt zelf zorgen en ideeën in. Dat is de trede adviseren."),
    "samen": ("coproduceren", "U maakt samen met anderen en de gemeente plannen. Dat is de trede coproduceren."),
    "zelf": ("zelfbeheer", "U voert met anderen zelf iets uit of beheert iets in het dorp. Dat is de trede zelfbeheer."),
}

# "betrokken_gewenst" -> rung, reason: what the resident may then expect.
WISH = {
    "op_de_hoogte": ("informeren", "U wilt op de hoogte blijven. Het dorpsoverleg en de gemeente houden u dan op de hoogte."),
    "mening": ("raadplegen", "U wilt uw mening geven als die gevraagd wordt. "
                             "Die mening wordt gehoord, maar het dorpsoverleg en de gemeente hoeven die niet te volgen."),
    "ideeen": ("adviseren", "U wilt zelf onderwerpen inbrengen. Uw ideeën worden dan serieus bekeken; "
                            "als er iets anders gebeurt, hoort u waarom."),
    "samen": ("coproduceren", "U wilt samen met het dorpsoverleg en de gemeente de dorpsagenda maken. "
                              "Wat u samen afspreekt, geldt dan ook."),
    "beslissen": ("meebeslissen", "U wilt met andere inwoners kiezen wat op de dorpsagenda komt. "
                                  "De gemeente spreekt dan vooraf af binnen welke grenzen dat kan."),
    "zelf": ("zelfbeheer", "U wilt met anderen zelf een onderwerp uitvoeren of beheren. "
                           "De gemeente helpt dan waar nodig, bijvoorbeeld met advies of een bijdrage."),
}

FUND_TOTAL = 100_000  # the initiatieffonds in the guide (chapter 4)
NO_SUPPORT_YET = "nog_niet"  # the "draagvlak" choice that shows no support at all
FUND_TOPIC, FUND_TITLE = "initiatieffonds", "Spelregels van het initiatieffonds"


def level(rung: str) -> int:
    """Return the height of ``rung`` on the participatieladder (1 = informeren)."""
    return PARTICIPATIELADDER.rung(rung).level


def euro(amount: float) -> str:
    """Write an amount the Dutch way, in whole euros: 12500 -> '€ 12.500'."""
    return "€ " + f"{round(amount):,}".replace(",", ".")


def place(answers: Mapping[str, Any]) -> list[Placement]:
    """Place the resident on the ladder for "huidig" (now) and "gewenst" (wanted)."""
    now = _now(answers)
    wish = _wish(answers, now)
    return [p for p in (now, wish) if p is not None]


def _now(answers: Mapping[str, Any]) -> Placement | None:
    choice = answers.get("betrokken_nu")
    if choice not in NOW:  # not answered: we cannot say where the resident stands
        return None
    rung, reason = NOW[choice]
    reasons = [reason]
    # A member of the dorpsoverleg is one of the village's "ears and eyes": raising what plays in the
    # village with the municipality is advising, even if they answered more modestly.
    if answers.get("kent_dorpsoverleg") == "lid" and level(rung) < level("adviseren"):
        rung = "adviseren"
        reasons.append("U doet mee in het dorpsoverleg. Het dorpsoverleg brengt zorgen en ideeën uit het dorp "
                       "bij de gemeente. Daarmee adviseert u al.")
    # The kerncontactfunctionaris is the resident's way in; say so when the resident does not know them.
    if answers.get("kent_kcf") == "nee":
        reasons.append("U weet nog niet wie de kerncontactfunctionaris van uw dorp is. "
                       "Dat is uw vaste aanspreekpunt bij de gemeente.")
    return Placement("huidig", rung, tuple(reasons))


def _wish(answers: Mapping[str, Any], now: Placement | None) -> Placement | None:
    choice = answers.get("betrokken_gewenst")
    if choice not in WISH:
        return None
    rung, reason = WISH[choice]
    reasons = [reason]
    # Making the agenda together, deciding or running things takes regular time. Someone who wants to
    # give none is better served by a rung without fixed commitments, and told why.
    if answers.get("tijd") == "geen" and level(rung) > level("adviseren"):
        rung = "adviseren"
        reasons.append("U wilt er liever geen tijd aan besteden. Samen plannen maken of beslissen kost wel tijd. "
                       "Daarom past adviseren beter: u brengt ideeën in wanneer het u uitkomt.")
    if now is not None:
        step = level(rung) - level(now.rung)
        if step > 0:
            reasons.append("U wilt meer meedoen dan nu. Het dorpsoverleg en de kerncontactfunctionaris "
                           "kunnen u helpen om die stap te zetten.")
        elif step < 0:
            reasons.append("U wilt minder meedoen dan nu. Dat kan: ook dan blijft u op de hoogte.")
        else:
            reasons.append("U wilt blijven meedoen zoals u nu doet.")
    return Placement("gewenst", rung, tuple(reasons))


def advise(answers: Mapping[str, Any]) -> list[Advice]:
    """Check a plan against the initiatieffonds rules: support shown and at least half the costs raised."""
    if answers.get("initiatief") != "ja":  # no plan, nothing to check
        return []
    contact = "Heeft u vragen? De kerncontactfunctionaris van uw dorp helpt u graag."
    costs = answers.get("kosten")
    if not costs:
        return [Advice(FUND_TOPIC, FUND_TITLE, None,
                       ("U heeft niet ingevuld wat uw plan kost. Daarom is niet na te gaan of het past "
                        "bij de spelregels.",),
                       ("Maak een begroting: zet op een rij wat uw plan kost.", contact))]
    own = answers.get("eigen_bijdrage") or 0  # not filled in counts as nothing raised yet
    # Any way of showing support counts; "not yet" next to another choice is overruled by that choice.
    support = [v for v in answers.get("draagvlak") or () if v != NO_SUPPORT_YET]
    half = math.ceil(costs / 2)  # "de helft van de kosten", rounded up to whole euros
    asked = costs - own
    reasons, steps = [], []

    if own >= half:
        reasons.append(f"Uw plan kost {euro(costs)}. U haalt zelf {euro(own)} op. "
                       "Dat is minstens de helft van de kosten.")
    else:
        reasons.append(f"Uw plan kost {euro(costs)}. U haalt zelf {euro(own)} op. Dat is minder dan de helft: "
                       f"u moet zelf minstens {euro(half)} ophalen, dus nog {euro(half - own)} meer.")
        steps.append(f"Zoek nog {euro(half - own)}, bijvoorbeeld bij sponsors, een vereniging of met een actie in het dorp.")

    if support:
        reasons.append("U kunt laten zien dat andere inwoners uw plan steunen. "
                       "De gemeente kijkt bij uw aanvraag of die steun groot genoeg is.")
    else:
        reasons.append("U heeft nog niet laten zien dat andere inwoners uw plan steunen. "
                       "Dat is wel een spelregel van het fonds.")
        steps.append("Laat zien dat uw plan steun heeft, bijvoorbeeld met handtekeningen van buurtbewoners "
                     "of een bijeenkomst. Het dorpsoverleg kan u daarbij helpen.")

    # Not a written rule, but the fund cannot give more than it holds.
    if asked > FUND_TOTAL:
        reasons.append(f"U vraagt {euro(asked)} uit het fonds. Dat is meer dan er in het hele fonds zit ({euro(FUND_TOTAL)}).")
        steps.append("Maak uw plan kleiner of zoek meer geld bij anderen.")

    verdict = own >= half and bool(support) and asked <= FUND_TOTAL
    if verdict and asked <= 0:
        reasons.append("U betaalt alle kosten zelf. Een bijdrage uit het fonds is dan niet nodig.")
        steps.append("U kunt uw plan zonder het fonds uitvoeren. Meld het wel bij de kerncontactfunctionaris, "
                     "bijvoorbeeld als u een vergunning of hulp nodig heeft.")
    elif verdict:
        reasons.append(f"U vraagt {euro(asked)} uit het fonds. Uw plan voldoet aan de spelregels.")
        steps.append("Vraag de bijdrage aan bij de gemeente. Stuur een begroting mee en laat zien wie uw plan steunt.")
    steps.append(contact)
    return [Advice(FUND_TOPIC, FUND_TITLE, verdict, tuple(reasons), tuple(steps))]
