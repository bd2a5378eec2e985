"""Buurt Bestuurt: how a resident wants to be involved, and the buurt's priorities by Borda count.

Buurt Bestuurt (Rotterdam, since 2007): a representative group of residents sets the buurt's own
priorities for safety and liveability, works on them with police, municipality, housing and welfare
bodies, and evaluates the result itself.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ladder import borda as core_borda
from ladder import Placement

if TYPE_CHECKING:  # pandas is imported where a table is made: loading the plugin (every app start) needs none
    import pandas as pd

ASPECT = "betrokkenheid"
RANKING = "prioriteiten"  # question id of the ranking
COLUMNS = ["area", "theme", "points", "first_places", "respondents"]
UNKNOWN_AREA = "onbekend"

# Answer of question "betrokkenheid" -> (rung, reason).
INVOLVEMENT = {
    "uitkomst": ("informeren", "U wilt alleen horen wat de uitkomst is. U krijgt de uitslag en hoort wat de "
                               "groep ermee doet."),
    "mening": ("raadplegen", "U wilt af en toe uw mening geven, bijvoorbeeld in een korte vragenlijst."),
    "meedenken": ("adviseren", "U wilt meedenken en ideeën geven aan de groep die de prioriteiten kiest."),
    "meedoen": ("coproduceren", "U wilt samen met buren en instanties aan de slag met een actie in de buurt."),
    "groep": ("meebeslissen", "U wilt in de groep die de prioriteiten vaststelt, samen met politie, gemeente, "
                              "woningcorporatie en welzijnswerk."),
    "zelf": ("zelfbeheer", "U wilt zelf een actie opzetten en die met buren regelen, met hulp als dat nodig is."),
}
JOIN = ("Aanmelden voor de groep of een actie gaat apart, zodat uw antwoorden los blijven van uw naam.")
ACTIVE = ("meedoen", "groep", "zelf")

THEMES = {  # the survey's labels, in lower case, for the reasons
    "zwerfvuil": "zwerfvuil en afval op straat",
    "overlast_jongeren": "overlast van jongeren",
    "verkeersveiligheid": "verkeersveiligheid",
    "woninginbraak": "inbraak in woningen",
    "verlichting": "verlichting op straat",
    "drugsoverlast": "overlast van drugs",
    "groen": "groen in de buurt",
    "parkeren": "parkeren",
}


def rung_and_reasons(answers: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """The rung the resident chose and why; None when the question was not answered."""
    choice = answers.get("betrokkenheid")
    if choice not in INVOLVEMENT:
        return None
    rung, reason = INVOLVEMENT[choice]
    reasons = [reason]
    if choice in ACTIVE:
        reasons.append(JOIN)
    ranking = answers.get(RANKING) or []
    if ranking:
        first = ranking[0]
        reasons.append(f"Uw belangrijkste onderwerp: {THEMES.get(first, first)}.")
    return rung, reasons


def place(answers: Mapping[str, Any]) -> list[Placement]:
    """Survey hook: aspect ``betrokkenheid``; no placement when the question is unanswered."""
    found = rung_and_reasons(answers)
    if found is None:
        return []
    rung, reasons = found
    return [Placement(aspect=ASPECT, rung=rung, reasons=tuple(reasons))]


# --- The priorities summary -------------------------------------------------------------------

def _as_list(value: Any) -> list[str]:
    """A stored ranking as a list: from a list, tuple or array, or a JSON text; [] when unanswered."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []
    if hasattr(value, "tolist"):  # numpy array, as pyarrow-backed frames may hold
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [str(v) for v in value if _present(v)]
    return []


def _present(value: Any) -> bool:
    """False for None, NaN, pd.NA and empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    import pandas as pd
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # pd.isna of a list-like gives an array
        return True


def _expanded_columns(frame: pd.DataFrame, qid: str) -> list[str]:
    """Columns ``<qid>_1``, ``<qid>_2``, ... in position order."""
    pattern = re.compile(rf"^{re.escape(qid)}_(\d+)$")
    found = [(int(m.group(1)), col) for col in frame.columns if (m := pattern.match(str(col)))]
    return [col for _, col in sorted(found)]


def rankings(frame: pd.DataFrame, qid: str = RANKING) -> list[list[str]]:
    """The ranking of each row, most important first, from a list column or expanded columns."""
    if qid in frame.columns:
        return [_as_list(v) for v in frame[qid]]
    columns = _expanded_columns(frame, qid)
    return [[str(v) for v in row if _present(v)] for row in frame[columns].itertuples(index=False, name=None)]


def _top_and_themes(survey: Any, qid: str) -> tuple[int | None, list[str]]:
    """The ranking's ``top`` and its choice values from the survey, if the survey has the question."""
    try:
        question = survey.question(qid)
    except (AttributeError, KeyError):
        return None, []
    values = [c.value for c in question.choices]
    return int(question.options.get("top", len(values))), values


def borda(frame: pd.DataFrame, survey: Any = None, qid: str = RANKING) -> pd.DataFrame:
    """Borda points per area and theme, with the core's Borda count (``ladder.borda``).

    A top-k ranking gives position 1 k points, position 2 k-1, ..., position k 1 point; k is the
    question's ``top`` (from the survey), else the longest ranking found. Every theme of the
    question gets a row in every area, 0 points included. ``respondents`` counts the rows of the area
    with a ranking. Sorted by area, then points (high first), then first places, then theme.
    """
    import pandas as pd
    top, themes = _top_and_themes(survey, qid)
    ranked = rankings(frame, qid) if len(frame) else []
    if top is None:
        top = max((len(r) for r in ranked), default=0)
    areas = ([str(a) if _present(a) else UNKNOWN_AREA for a in frame["area"]] if "area" in frame.columns
             else [UNKNOWN_AREA] * len(ranked))
    positions = [f"place_{i}" for i in range(1, top + 1)]
    # one column per place, None where a ranking is shorter or absent
    places = pd.DataFrame([(r[:top] + [None] * top)[:top] if r else [None] * top for r in ranked],
                          columns=positions, dtype=object)
    rows = []
    for area in sorted({a for a, r in zip(areas, ranked) if r}):
        mine = places[[a == area for a in areas]]
        seen = themes + sorted({v for p in positions for v in mine[p].dropna()} - set(themes))
        scored = core_borda(mine, positions, choices=seen)
        rows += [{"area": area, "theme": row.value, "points": row.points, "first_places": row.first,
                  "respondents": row.n} for row in scored.itertuples(index=False)]
    result = pd.DataFrame(rows, columns=COLUMNS)
    result = result.sort_values(["area", "points", "first_places", "theme"],
                                ascending=[True, False, False, True], kind="stable")
    return result.reset_index(drop=True).astype({"points": "int64", "first_places": "int64",
                                                 "respondents": "int64"})
