"""A survey from a survey file's data plus its placement: the ``[[placement]]`` mapping table or a rung function.

Shared by instance survey files (default_plugins/instance_surveys.py) and surveys made by staff in the browser
(stored_surveys.py), so both are checked the same way, with file (or version), key and reason.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .survey import Survey
from .survey_file import SurveyFileError, survey_from_dict
from .placing import mapping_place

PLACEMENT_KEYS = {"question", "choice", "aspect", "rung"}
# Keys beside the survey file's own: how answers are placed on the ladder.
PLACING_KEYS = ("placement", "rung_function")
DATE_KEYS = ("opens", "closes", "results_expected")


def survey_from_data(data: Mapping[str, Any], *, source: str, question_types: Mapping[str, Any] | None = None,
                     rung_functions: Mapping[str, Any] | None = None) -> Survey:
    """Build the survey in ``data``; a ``placement`` table or a ``rung_function`` name gives its rung logic.

    ``rung_functions`` (name -> survey whose ``place`` and ``advise`` are used) are the plugins' rung functions
    a staff-made survey may name; None means naming one is not allowed (an instance file).
    """
    data = dict(data)
    rows = data.pop("placement", [])
    named = data.pop("rung_function", None)
    if not isinstance(rows, list):
        raise SurveyFileError(source, "placement", "must be a list of [[placement]] tables")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) - PLACEMENT_KEYS or not {"question", "aspect", "rung"} <= set(row):
            raise SurveyFileError(source, f"placement[{i}]", "needs question, aspect and rung (and choice)")
    mapping = [{k: str(row.get(k, "")) for k in PLACEMENT_KEYS} for row in rows]
    place = advise = None
    if named is not None:
        if rung_functions is None:
            raise SurveyFileError(source, "rung_function", "unknown key (allowed only for surveys made in the browser)")
        if mapping:
            raise SurveyFileError(source, "rung_function", "use either a placement table or a rung function, not both")
        owner = rung_functions.get(named) if isinstance(named, str) else None
        if owner is None:
            raise SurveyFileError(source, "rung_function",
                                  f"no rung function {named!r} (known: {', '.join(sorted(rung_functions)) or 'none'})")
        place, advise = owner.place, owner.advise
    elif mapping:
        place = mapping_place(mapping)
    survey = survey_from_dict(data, source=source, place=place, advise=advise, question_types=question_types)
    questions = {q.id for q in survey.questions}
    for i, row in enumerate(mapping):
        if row["question"] not in questions:
            raise SurveyFileError(source, f"placement[{i}].question", f"no question {row['question']!r}")
    return survey


def to_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """The survey file's data as JSON can hold it: its dates as ISO text."""
    return {k: (v.isoformat() if k in DATE_KEYS and isinstance(v, date) else v) for k, v in data.items()}


def from_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """The survey file's data from JSON: its dates back as dates (text that is no date is left for the check)."""
    out = dict(data)
    for key in DATE_KEYS:
        if isinstance(out.get(key), str):
            try:
                out[key] = date.fromisoformat(out[key])
            except ValueError:
                pass
    return out
