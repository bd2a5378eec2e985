"""Skip logic: when to show a question or a page, evaluated the same way by the form, the API and exports.

A condition is a small mapping, written in the survey file as an inline table:

    {question = "kent_dorpsoverleg", equals = "ja"}
    {question = "thema", contains = "verkeer"}            # multiple choice or ranking holds the value
    {question = "thema", in = ["verkeer", "groen"]}
    {question = "kosten", min = 1000, max = 15000}
    {all = [cond, ...]}   {any = [cond, ...]}   {not = cond}

A question that is itself hidden counts as unanswered, so conditions on it are false
(except ``not``), which makes chains of skips behave as a resident expects.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OPERATORS = ("equals", "not_equals", "in", "contains", "answered", "min", "max")
COMBINATORS = ("all", "any", "not")


class ConditionError(ValueError):
    """A condition that cannot be evaluated; raised when a survey file is loaded."""


def check(condition: Mapping[str, Any], question_ids: set[str] | None = None, where: str = "show_if") -> None:
    """Raise ConditionError if ``condition`` is malformed or names an unknown question."""
    if not isinstance(condition, Mapping) or not condition:
        raise ConditionError(f"{where}: must be a table such as {{question = \"id\", equals = \"value\"}}")
    keys = set(condition)
    combinators = keys & set(COMBINATORS)
    if combinators:
        if len(keys) != 1:
            raise ConditionError(f"{where}: {sorted(combinators)[0]!r} must stand alone in its table")
        (key,) = keys
        value = condition[key]
        if key == "not":
            check(value, question_ids, f"{where}.not")
            return
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{where}.{key}: must be a non-empty list of conditions")
        for i, sub in enumerate(value):
            check(sub, question_ids, f"{where}.{key}[{i}]")
        return
    if "question" not in keys:
        raise ConditionError(f"{where}: needs 'question' (or one of {', '.join(COMBINATORS)})")
    qid = condition["question"]
    if question_ids is not None and qid not in question_ids:
        raise ConditionError(f"{where}: refers to question {qid!r}, which is not asked before this point")
    ops = keys - {"question"}
    unknown = ops - set(OPERATORS)
    if unknown:
        raise ConditionError(f"{where}: unknown operator {sorted(unknown)[0]!r}; use one of {', '.join(OPERATORS)}")
    if not ops:
        raise ConditionError(f"{where}: needs an operator: one of {', '.join(OPERATORS)}")
    if "in" in ops and not isinstance(condition["in"], list):
        raise ConditionError(f"{where}.in: must be a list")


def evaluate(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """Return whether ``condition`` holds for ``answers``; no condition means always."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    value = answers.get(condition["question"])
    answered = value not in (None, "", [])
    for op, expected in condition.items():
        if op == "question":
            continue
        if op == "answered":
            ok = answered == bool(expected)
        elif not answered:
            ok = False
        elif op == "equals":
            ok = value == expected
        elif op == "not_equals":
            ok = value != expected
        elif op == "in":
            ok = value in expected
        elif op == "contains":
            ok = isinstance(value, list) and expected in value
        elif op == "min":
            ok = isinstance(value, int | float) and value >= expected
        else:  # max
            ok = isinstance(value, int | float) and value <= expected
        if not ok:
            return False
    return True


def questions_in(condition: Mapping[str, Any] | None) -> set[str]:
    """The question ids a condition looks at."""
    if not condition:
        return set()
    if "question" in condition:
        return {condition["question"]}
    if "not" in condition:
        return questions_in(condition["not"])
    return set().union(*(questions_in(c) for c in condition.get("all", condition.get("any", []))))


# ------------------------------------------------------------------ conditions on the same page (issue 13)
def depends_on_page(question, page) -> bool:
    """Whether ``question``'s condition looks at another question of ``page`` (its own page)."""
    return bool(questions_in(question.show_if) & {q.id for q in page.questions if q is not question})


def page_questions(page, answers: Mapping[str, Any]) -> list:
    """The questions a page shows before it is answered: those whose condition holds for earlier pages'
    ``answers``, and every question whose condition reads this page (decided when the page is sent)."""
    if not evaluate(page.show_if, answers):
        return []
    earlier = {k: v for k, v in answers.items() if k not in {q.id for q in page.questions}}
    return [q for q in page.questions if depends_on_page(q, page) or evaluate(q.show_if, earlier)]


def resolve_other_pages(condition: Mapping[str, Any], page, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``condition`` with every part about an earlier page replaced by its value, ``{"value": bool}``,
    so a browser can evaluate the rest from the page's own fields."""
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        return {key: [resolve_other_pages(c, page, answers) for c in condition[key]]}
    if "not" in condition:
        return {"not": resolve_other_pages(condition["not"], page, answers)}
    if condition["question"] in {q.id for q in page.questions}:
        return dict(condition)
    return {"value": evaluate(condition, answers)}


def in_words(condition: Mapping[str, Any], survey, locale: str) -> str:
    """The condition as a resident reads it: "u bij 'Heeft u een hond?' 'Ja' koos"."""
    from .messages import _
    from .text import pick

    if "all" in condition:
        return (" " + _("en") + " ").join(in_words(c, survey, locale) for c in condition["all"])
    if "any" in condition:
        return (" " + _("of") + " ").join(in_words(c, survey, locale) for c in condition["any"])
    if "not" in condition:
        return _("het volgende niet geldt: %(condition)s", condition=in_words(condition["not"], survey, locale))
    question = survey.question(condition["question"])
    label = pick(question.label, locale)

    def answer(value):
        return "‘" + (question.choice_label(value, locale) if question.choices else str(value)) + "’"

    parts = []
    for op, expected in condition.items():
        if op == "equals":
            parts.append(_("u bij ‘%(question)s’ %(answer)s koos", question=label, answer=answer(expected)))
        elif op == "not_equals":
            parts.append(_("u bij ‘%(question)s’ niet %(answer)s koos", question=label, answer=answer(expected)))
        elif op == "in":
            chosen = (" " + _("of") + " ").join(answer(v) for v in expected)
            parts.append(_("u bij ‘%(question)s’ %(answer)s koos", question=label, answer=chosen))
        elif op == "contains":
            parts.append(_("u bij ‘%(question)s’ %(answer)s aankruiste", question=label, answer=answer(expected)))
        elif op == "answered":
            parts.append(_("u ‘%(question)s’ beantwoordde", question=label) if expected
                         else _("u ‘%(question)s’ niet beantwoordde", question=label))
        elif op == "min":
            parts.append(_("u bij ‘%(question)s’ %(n)s of meer invulde", question=label, n=expected))
        elif op == "max":
            parts.append(_("u bij ‘%(question)s’ %(n)s of minder invulde", question=label, n=expected))
    return (" " + _("en") + " ").join(parts)
