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


def subjects_question(role_id: str) -> str:
    """Return the id of the question asking for which subjects the raad takes ``role_id``."""
    return f"onderwerpen_{role_id}"


def place(answers: Mapping[str, Any]) -> list[Placement]:
    """Place the raad once per chosen role; no role chosen means adviseur."""
    chosen = [r.id for r in ROLES if r.id in (answers.get("rollen") or [])]
    if not chosen:
        role = ROLES_BY_ID[DEFAULT_ROLE]
        # what the raad may expect of the municipality is the survey's [offer]: the result page shows it once
        reasons = ("U koos geen rol. Dan werkt uw raad als adviseur (klankbord).",)
        return [Placement(aspect=DEFAULT_ROLE, rung=ROLE_RUNGS[DEFAULT_ROLE],
                          reasons=reasons + _notes(DEFAULT_ROLE, answers))]
    return [_placement(role_id, answers) for role_id in chosen]


def _placement(role_id: str, answers: Mapping[str, Any]) -> Placement:
    role = ROLES_BY_ID[role_id]
    reasons = [role.what]  # what the raad may expect of the municipality: the [offer] box on the result page
    subjects = [SUBJECTS[s] for s in answers.get(subjects_question(role_id)) or [] if s in SUBJECTS]
    if subjects:
        reasons.append(f"Onderwerpen: {', '.join(subjects)}.")
    else:
        reasons.append("U noemde nog geen onderwerpen. Spreek die af met uw gebiedsmanager.")
    return Placement(aspect=role_id, rung=ROLE_RUNGS[role_id], reasons=tuple(reasons) + _notes(role_id, answers))


def _notes(role_id: str, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Where the answers show that the role's agreement does not work yet, say so."""
    if role_id == "adviseur" and answers.get("terugkoppeling") in ("nooit", "soms"):
        # the guide: with advice, the municipality tells what it did with it
        return ("U hoort nu niet altijd wat de gemeente met uw advies doet. Bij deze rol hoort dat wel: "
                "maak daar een afspraak over.",)
    if role_id == "belangenbehartiger" and "geen" in (answers.get("achterban") or []):
        # the guide: the raad shows on whose behalf it speaks
        return ("Bij deze rol laat u zien namens wie u spreekt. Vraag bewoners daarom regelmatig wat "
                "zij vinden.",)
    return ()
