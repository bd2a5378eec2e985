"""WTForms for one survey page, built per request from the survey's questions.

A new form class per request keeps shared classes untouched: two residents, two languages,
two different sets of visible questions never see each other's fields.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm

from ..survey import Question, Survey


def page_form(survey: Survey, questions: list[Question], question_types, locale: str, formdata=None,
              stored: Mapping[str, Any] | None = None) -> FlaskForm:
    """Return a bound form for ``questions``; ``stored`` answers fill it when there is no POST."""
    fields = {q.id: question_types[q.type].field(q, survey, locale) for q in questions}
    form_class = type(f"Page_{survey.slug}", (FlaskForm,), fields)
    if formdata is not None:
        return form_class(formdata=formdata)
    data = {q.id: question_types[q.type].form_data(q, stored[q.id]) for q in questions if stored and q.id in stored}
    return form_class(formdata=None, data=data)


def parsed_answers(form: FlaskForm, questions: list[Question]) -> dict[str, Any]:
    """The normalised answers of a validated form (unanswered questions left out)."""
    out = {}
    for q in questions:
        value = getattr(form[q.id], "parsed", None)
        if value is not None:
            out[q.id] = value
    return out
