"""Rung logic for the Haarlemmermeer survey: one placement per role the raad chooses.

The aspect of each placement is the role id. No role chosen means the raad works as adviseur, as the
guide describes. Reasons quote what the raad and the municipality may expect of each other, and add
a note where the raad's answers show that part of the agreement is not working yet.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ladder import Placement

from .roles import DEFAULT_ROLE, ROLES, ROLES_BY_ID

# Role -> rung on the participatieladder, with why:
ROLE_RUNGS = {
    # the raad carries out its own idea, the municipality helps with knowledge and means
    "initiatiefnemer": "zelfbeheer",
    # municipality and raad carry out a public task together, each from its own responsibility
    "samenwerkingspartner": "coproduceren",
    # the raad advises on a plan; the municipality says what it did with the advice
    "adviseur": "adviseren",
    # the raad's interests are weighed beside others; heard, but the municipality is not bound
    "belangenbehartiger": "raadplegen",
    # raad and municipality design and watch over the process together
    "procesbewaker": "coproduceren",
}

# Subjects a raad can choose per role; the survey's choices use the same values (a test checks it).
SUBJECTS = {
    "dorpshuis": "het dorpshuis en activiteiten",
    "openbare_ruimte": "groen, spelen en de openbare ruimte",
    "verkeer": "verkeer en parkeren",
    "wonen": "wonen en bouwen",
    "voorzieningen": "voorzieningen zoals school, sport en zorg",
    "veiligheid": "veiligheid",
    "schiphol": "Schiphol, geluid en bedrijven",
    "duurzaamheid": "duurzaamheid en energie",
}


# The subjects and the sentences of the reasons in English, for the survey's English version (issue 21).
SUBJECTS_EN = {
    "dorpshuis": "the village hall and activities",
    "openbare_ruimte": "green spaces, play and public space",
    "verkeer": "traffic and parking",
    "wonen": "housing and building",
    "voorzieningen": "facilities such as school, sport and care",
    "veiligheid": "safety",
    "schiphol": "Schiphol, noise and businesses",
    "duurzaamheid": "sustainability and energy",
}
SENTENCES = {
    "no_role": {"nl": "U koos geen rol. Dan werkt uw raad als adviseur (klankbord).",
                "en": "You chose no role. Then your council works as an adviser (sounding board)."},
    "subjects": {"nl": "Onderwerpen: {subjects}.", "en": "Subjects: {subjects}."},
    "no_subjects": {"nl": "U noemde nog geen onderwerpen. Spreek die af met uw gebiedsmanager.",
                    "en": "You named no subjects yet. Agree on them with your area manager."},
    "feedback": {"nl": "U hoort nu niet altijd wat de gemeente met uw advies doet. Bij deze rol hoort dat wel: "
                       "maak daar een afspraak over.",
                 "en": "You do not always hear now what the municipality does with your advice. This role includes "
                       "that: make an agreement about it."},
    "backing": {"nl": "Bij deze rol laat u zien namens wie u spreekt. Vraag bewoners daarom regelmatig wat "
                      "zij vinden.",
                "en": "In this role you show on whose behalf you speak. So ask residents regularly what they think."},
}


def _say(key: str, locale: str, **params) -> str:
    return SENTENCES[key]["en" if locale == "en" else "nl"].format(**params)


def subjects_question(role_id: str) -> str:
    """Return the id of the question asking for which subjects the raad takes ``role_id``."""
    return f"onderwerpen_{role_id}"


def place(answers: Mapping[str, Any], locale: str = "nl") -> list[Placement]:
    """Place the raad once per chosen role; no role chosen means adviseur. Reasons in Dutch, or English."""
    chosen = [r.id for r in ROLES if r.id in (answers.get("rollen") or [])]
    if not chosen:
        # what the raad may expect of the municipality is the survey's [offer]: the result page shows it once
        reasons = (_say("no_role", locale),)
        return [Placement(aspect=DEFAULT_ROLE, rung=ROLE_RUNGS[DEFAULT_ROLE],
                          reasons=reasons + _notes(DEFAULT_ROLE, answers, locale))]
    return [_placement(role_id, answers, locale) for role_id in chosen]


def _placement(role_id: str, answers: Mapping[str, Any], locale: str = "nl") -> Placement:
    role = ROLES_BY_ID[role_id]
    english = locale == "en"
    # what the raad may expect of the municipality: the [offer] box on the result page
    reasons = [role.what_en if english else role.what]
    names = SUBJECTS_EN if english else SUBJECTS
    subjects = [names[s] for s in answers.get(subjects_question(role_id)) or [] if s in names]
    if subjects:
        reasons.append(_say("subjects", locale, subjects=", ".join(subjects)))
    else:
        reasons.append(_say("no_subjects", locale))
    return Placement(aspect=role_id, rung=ROLE_RUNGS[role_id],
                     reasons=tuple(reasons) + _notes(role_id, answers, locale))


def _notes(role_id: str, answers: Mapping[str, Any], locale: str = "nl") -> tuple[str, ...]:
    """Where the answers show that the role's agreement does not work yet, say so."""
    if role_id == "adviseur" and answers.get("terugkoppeling") in ("nooit", "soms"):
        # the guide: with advice, the municipality tells what it did with it
        return (_say("feedback", locale),)
    if role_id == "belangenbehartiger" and "geen" in (answers.get("achterban") or []):
        # the guide: the raad shows on whose behalf it speaks
        return (_say("backing", locale),)
    return ()
