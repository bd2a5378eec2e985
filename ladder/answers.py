"""Check a resident's answers against a survey: one set of rules for the form, the API and rescoring."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .conditions import evaluate
from .messages import _
from .question_types import AnswerError
from .survey import Page, Survey


def validate_page(survey: Survey, page: Page, raw: Mapping[str, Any], earlier: Mapping[str, Any],
                  question_types) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse the visible questions of one page; skip logic sees earlier answers and this page's own."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if not evaluate(page.show_if, earlier):
        return answers, errors
    for question in page.questions:
        seen = {**earlier, **answers}
        if not evaluate(question.show_if, seen):
            continue
        try:
            value = question_types[question.type].parse(question, raw.get(question.id), survey)
        except AnswerError as exc:
            errors[question.id] = str(exc)
            continue
        if value is not None:
            answers[question.id] = value
    return answers, errors


def validate(survey: Survey, raw: Mapping[str, Any], question_types) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (answers, errors) for a whole survey.

    Answers to questions that skip logic hides are dropped, so a changed earlier answer never
    leaves stale answers behind. Unknown question ids are errors: they are usually typos.
    """
    if not isinstance(raw, Mapping):
        return {}, {"answers": _("Geef de antwoorden als een object met vraag-id's.")}
    known = {q.id for q in survey.questions}
    errors = {key: _("Deze vraag bestaat niet in deze vragenlijst.") for key in raw if key not in known}
    answers: dict[str, Any] = {}
    for page in survey.pages:
        page_answers, page_errors = validate_page(survey, page, raw, answers, question_types)
        answers.update(page_answers)
        errors.update(page_errors)
    return answers, errors
