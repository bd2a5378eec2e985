"""Participatiekompas: the rung and the stappenplan for a plan, from an official's answers.

Rotterdam's own participatiekompas is not public. This compass is built from two documented
pieces (see docs/municipalities/rotterdam.rst):

1. the gates of Dutch participation by-laws: no participation where the law excludes it, where the
   decision only executes higher rules, or where it concerns the budget (then: informeren);
2. the goal-to-rung mapping: begrip -> informeren, draagvlak -> raadplegen, kennis -> adviseren,
   eigenaarschap -> coproduceren, verantwoordelijkheid -> meebeslissen.

What is already fixed, and a decision-maker who will not be bound, can lower the goal's rung.
Everything here is plain data and pure functions: answers in, Placement and Advice out.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ladder import Advice, Placement

ASPECT = "advies"
TOPIC = "stappenplan"

RUNGS = ("informeren", "raadplegen", "adviseren", "coproduceren", "meebeslissen", "zelfbeheer")
LEVEL = {rung: level for level, rung in enumerate(RUNGS, start=1)}

# The gates, in the order the survey asks them: question id -> reason when answered "ja".
GATES = (
    ("wet_sluit_uit", "Een wet of regel sluit participatie bij dit besluit uit."),
    ("alleen_uitvoering", "Het besluit voert alleen regels van hogerhand uit: er is geen of weinig ruimte "
                          "voor eigen keuzes."),
    ("begroting", "Het besluit gaat over de begroting van de gemeente."),
)

# Goal of participation -> (rung, the goal in words).
GOALS = {
    "begrip": ("informeren", "begrip (mensen weten wat er gebeurt en waarom)"),
    "draagvlak": ("raadplegen", "draagvlak (weten wat mensen ervan vinden)"),
    "kennis": ("adviseren", "kennis (de ervaring en ideeën van inwoners gebruiken)"),
    "eigenaarschap": ("coproduceren", "eigenaarschap (samen het plan maken)"),
    "verantwoordelijkheid": ("meebeslissen", "verantwoordelijkheid (inwoners beslissen binnen grenzen)"),
}
HIGH_GOALS = ("eigenaarschap", "verantwoordelijkheid")  # the survey asks about the decision-maker for these

# What is already fixed: value -> (highest rung it leaves, words for the stappenplan, reason if it lowers).
FIXED = {
    "besluit": ("adviseren", "het besluit zelf",
                "Het besluit is al genomen; alleen de uitvoering is nog open. Inwoners kunnen daarover "
                "advies geven, maar niet meer samen bepalen wat er komt."),
    "ontwerp": ("raadplegen", "het ontwerp",
                "Het ontwerp is grotendeels klaar. Er is alleen nog ruimte om meningen te vragen over wat nog "
                "kan veranderen."),
    "planning": ("adviseren", "de planning",
                 "De planning is krap. Samen een plan maken of inwoners laten beslissen kost meer tijd dan er is."),
    "budget": (None, "het budget", ""),
    "plek": (None, "de plek", ""),
    "eisen": (None, "eisen uit wet, veiligheid of techniek", ""),
}

# What participants may expect, told to them before they start (per rung).
EXPECTATION = {
    "informeren": "Vertel vooraf eerlijk dat het om informatie gaat: er wordt geen inbreng gevraagd.",
    "raadplegen": "het bestuur hoort hun mening en weegt die mee, maar beslist zelf en hoeft die niet te volgen.",
    "adviseren": "het bestuur volgt hun advies in principe; wijkt het daarvan af, dan legt het uit waarom.",
    "coproduceren": "de oplossing die u samen kiest, neemt het bestuur over in het besluit.",
    "meebeslissen": "de uitkomst wordt overgenomen als die binnen de vooraf genoemde voorwaarden blijft. "
                    "Noem die voorwaarden.",
    "zelfbeheer": "inwoners beslissen en beheren zelf, binnen afgesproken grenzen. Spreek af wat de gemeente "
                  "daarbij doet.",
}

# A form that fits the rung.
FORM = {
    "informeren": "Kies duidelijke informatie: een brief, een bericht op de website of in de wijkkrant, "
                  "een inloopavond om vragen te stellen.",
    "raadplegen": "Vraag meningen op: een korte vragenlijst, een inloopavond of gesprekken op straat.",
    "adviseren": "Vraag advies: een klankbordgroep, een werksessie, of een adviesvraag aan de wijkraad.",
    "coproduceren": "Maak het plan samen: een werkgroep of ontwerpsessies met inwoners, vanaf het begin.",
    "meebeslissen": "Laat inwoners kiezen binnen de voorwaarden: bijvoorbeeld een stemming over plannen of "
                    "een groep inwoners die beslist, zoals bij Buurt Bestuurt.",
    "zelfbeheer": "Maak afspraken over beheer: wie doet wat, met welk geld, en hoe de gemeente helpt.",
}

# Motivaction citizenship styles: how to reach each one. The official chooses; residents are never scored.
STYLES = {
    "verantwoordelijken": "Verantwoordelijken: zij willen graag meedenken en meedoen. Geef hun een echte rol, "
                          "bijvoorbeeld in een werkgroep of klankbordgroep, en wees open over de ruimte die er is.",
    "plichtsgetrouwen": "Plichtsgetrouwen: zij hechten aan duidelijke afspraken. Nodig hen uit via organisaties "
                        "die zij kennen, zoals een vereniging of kerk, met een heldere uitnodiging en agenda.",
    "pragmatici": "Pragmatici: zij hebben weinig tijd en doen mee als het hen raakt. Houd het kort: een "
                  "online vragenlijst of een vraag via sociale media, en zeg wat het hun oplevert.",
    "structuurzoekers": "Structuurzoekers: zij voelen zich vaak niet gehoord. Zoek hen op waar zij al komen, "
                        "aan de deur of via bekende mensen in de wijk, en gebruik eenvoudige taal.",
}

# Groups that need their own way in.
GROUPS = {
    "omwonenden": "omwonenden",
    "ondernemers": "ondernemers",
    "jongeren": "jongeren",
    "ouderen": "ouderen",
    "gezinnen": "gezinnen met kinderen",
    "beperking": "mensen met een beperking",
    "organisaties": "organisaties en verenigingen",
    "stad": "alle Rotterdammers",
}
GROUP_STEPS = {
    "jongeren": "Zoek jongeren op waar zij al zijn: op school, bij de sportclub of online.",
    "beperking": "Zorg dat iedereen mee kan doen: een toegankelijke plek, een vragenlijst die werkt met "
                 "hulpmiddelen, en hulp bij het invullen als dat nodig is.",
}


def _chosen(answers: Mapping[str, Any], qid: str, known: Mapping[str, Any]) -> list[str]:
    """The known values of a multiple-choice answer, in the order of ``known``; [] when unanswered."""
    value = answers.get(qid) or []
    return [v for v in known if v in value]


def gate(answers: Mapping[str, Any]) -> str | None:
    """The reason participation is closed, or None when every gate is open (or not yet answered)."""
    for qid, reason in GATES:
        if answers.get(qid) == "ja":
            return reason
    return None


def rung_and_reasons(answers: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The advised rung and why, from the answers of the participatiekompas."""
    closed = gate(answers)
    if closed:
        return "informeren", [closed, "Daarom is er geen inspraak: informeer de mensen die het raakt, "
                                      "en leg uit waarom er geen participatie is."]
    reasons = []
    if answers.get("wet_sluit_uit") == "weet_niet":
        reasons.append("Het is nog niet zeker of een wet participatie uitsluit. Zoek dat eerst uit; "
                       "dit advies geldt als de wet het toestaat.")
    doel = answers.get("doel")
    if doel not in GOALS:
        reasons.append("Er is nog geen doel gekozen. Zonder doel kiest het kompas geen inspraak: "
                       "informeer in elk geval de mensen die het raakt.")
        return "informeren", reasons
    rung, words = GOALS[doel]
    reasons.append(f"Het doel is {words}. Dat past bij de trede {rung}.")
    if doel == "verantwoordelijkheid" and answers.get("beheer") == "ja":
        rung = "zelfbeheer"
        reasons.append("Inwoners gaan het resultaat daarna ook zelf beheren. Dat is de trede zelfbeheer.")
    if doel in HIGH_GOALS:
        if answers.get("bestuur") == "nee":
            reasons.append(f"Het bestuur dat beslist wil niet vooraf beloven de uitkomst over te nemen. "
                           f"Dan kunt u niet meer beloven dan advies: de trede gaat van {rung} naar adviseren.")
            rung = "adviseren"
        elif answers.get("bestuur") == "weet_niet":
            reasons.append("Het is nog niet zeker of het bestuur de uitkomst overneemt. Vraag dat eerst; "
                           "zegt het nee, dan wordt het adviseren.")
    for value in _chosen(answers, "vastliggend", FIXED):
        cap, _words, why = FIXED[value]
        if cap is not None and LEVEL[cap] < LEVEL[rung]:
            reasons.append(f"{why} De trede gaat van {rung} naar {cap}.")
            rung = cap
    if rung == "informeren" and answers.get("impact") == "groot":
        reasons.append("Let op: het plan heeft grote gevolgen voor de mensen die het raakt, terwijl zij alleen "
                       "informatie krijgen. Kijk of u hun mening toch kunt vragen (raadplegen).")
    return rung, reasons


def steps(answers: Mapping[str, Any], rung: str | None = None) -> list[str]:
    """The stappenplan: concrete steps for the advised rung and the chosen groups and styles."""
    if rung is None:
        rung = rung_and_reasons(answers)[0]
    closed = gate(answers)
    if closed:
        return [
            f"Leg in het voorstel uit waarom er geen participatie is: {closed[0].lower()}{closed[1:]}",
            "Vertel de mensen die het besluit raakt wat er besloten wordt, waarom, en wanneer.",
            "Zeg erbij dat er geen inbreng wordt gevraagd, en waar zij met vragen terecht kunnen.",
        ]
    result = []
    if answers.get("wet_sluit_uit") == "weet_niet":
        result.append("Laat eerst een jurist nagaan of een wet participatie bij dit besluit uitsluit.")
    if answers.get("doel") in HIGH_GOALS and answers.get("bestuur") == "weet_niet":
        result.append("Vraag het bestuur dat beslist vooraf of het de uitkomst overneemt. Zegt het nee, "
                      "kies dan adviseren.")
    fixed = [FIXED[v][1] for v in _chosen(answers, "vastliggend", FIXED)]
    if fixed:
        result.append(f"Schrijf op wat al vastligt ({', '.join(fixed)}) en wat nog open is. "
                      "Vertel dit aan deelnemers voordat zij beginnen.")
    else:
        result.append("Schrijf op wat nog open is en waar inwoners echt invloed op hebben.")
    groups = _chosen(answers, "wie", GROUPS)
    if groups:
        result.append(f"Maak een lijst van wie het plan raakt ({', '.join(GROUPS[g] for g in groups)}) "
                      "en nodig hen persoonlijk uit.")
    else:
        result.append("Breng in kaart wie het plan raakt: bewoners, ondernemers, organisaties.")
    result.extend(GROUP_STEPS[g] for g in groups if g in GROUP_STEPS)
    if rung == "informeren":
        result.append(EXPECTATION[rung])
    else:
        result.append(f"Vertel deelnemers vooraf wat er met hun inbreng gebeurt: {EXPECTATION[rung]}")
    result.append(FORM[rung])
    styles = _chosen(answers, "stijlen", STYLES)
    if styles:
        result.extend(STYLES[s] for s in styles)
    else:
        result.append("Kies welke burgerschapsstijlen u moet bereiken (verantwoordelijken, plichtsgetrouwen, "
                      "pragmatici, structuurzoekers), en stem de vorm daarop af.")
    if answers.get("rol") == "wijkraad":
        result.append("Bespreek de gekozen trede in een openbare vergadering van de wijkraad, zodat bewoners "
                      "weten wat zij kunnen verwachten.")
    elif answers.get("rol") == "ambtenaar":
        result.append("Leg de gekozen trede voor aan de wijkraad van het gebied: die kan gevraagd en "
                      "ongevraagd advies geven.")
    result.append("Schrijf in het voorstel welke trede u kiest en waarom.")
    if rung == "informeren":
        result.append("Houd mensen op de hoogte van elke stap en van het besluit.")
    else:
        result.append("Laat na het besluit alle deelnemers weten wat er met hun inbreng is gedaan, "
                      "ook wat niet is overgenomen en waarom.")
    result.append("Kijk na afloop samen met deelnemers terug: werkte deze vorm, en wat kan beter?")
    return result


def place(answers: Mapping[str, Any]) -> list[Placement]:
    """Survey hook: the advised rung as aspect ``advies``."""
    rung, reasons = rung_and_reasons(answers)
    return [Placement(aspect=ASPECT, rung=rung, reasons=tuple(reasons))]


def advise(answers: Mapping[str, Any]) -> list[Advice]:
    """Survey hook: the stappenplan for the advised rung (its reasons are the placement's, shown once)."""
    rung, _reasons = rung_and_reasons(answers)
    return [Advice(topic=TOPIC, title="Stappenplan participatie", verdict=None, reasons=(),
                   steps=tuple(steps(answers, rung)))]
