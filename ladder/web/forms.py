"""WTForms for one survey page, built from the survey's questions.

The form *class* of a page is made once per survey version, set of questions and language and kept by the app
(the survey's questions, their labels and choices are immutable, and a question type's ``field`` depends on its
arguments and the interface language alone); each request gets its own form *instance*, so two residents, two
languages or two sets of visible questions never share fields or data, and no class is changed after it was made.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm

from ..messages import current_locale
from ..survey import Question, Survey

# Made classes per app; a bound keeps a process that serves many survey versions from growing without end.
_CLASSES = "ladder.form_classes"
_CLASSES_MAX = 512


def page_form(survey: Survey, questions: list[Question], question_types, locale: str, formdata=None,
              stored: Mapping[str, Any] | None = None) -> FlaskForm:
    """Return a bound form for ``questions``; ``stored`` answers fill it when there is no POST."""
    form_class = _form_class(survey, questions, question_types, locale)
    if formdata is not None:
        return form_class(formdata=formdata)
    data = {q.id: question_types[q.type].form_data(q, stored[q.id]) for q in questions if stored and q.id in stored}
    return form_class(formdata=None, data=data)


def _form_class(survey: Survey, questions: list[Question], question_types, locale: str) -> type[FlaskForm]:
    # The survey object and the question types are part of the key by identity and kept in the value, so a
    # key is never reused by another survey or registry; ``current_locale`` is the language of the messages
    # the fields carry (a placeholder, a validator's words).
    made = current_app.extensions.setdefault(_CLASSES, {})
    key = (id(survey), id(question_types), tuple(q.id for q in questions), locale, current_locale())
    found = made.get(key)
    if found is not None and found[0] is survey and found[1] is question_types:
        return found[2]
    fields = {q.id: question_types[q.type].field(q, survey, locale) for q in questions}
    form_class = type(f"Page_{survey.slug}", (FlaskForm,), fields)
    if len(made) >= _CLASSES_MAX:
        made.pop(next(iter(made)))
    made[key] = (survey, question_types, form_class)
    return form_class


def parsed_answers(form: FlaskForm, questions: list[Question]) -> dict[str, Any]:
    """The normalised answers of a validated form (unanswered questions left out)."""
    out = {}
    for q in questions:
        value = getattr(form[q.id], "parsed", None)
        if value is not None:
            out[q.id] = value
    return out
