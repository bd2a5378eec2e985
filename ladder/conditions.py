"""Skip logic: when to show a question or a page, evaluated the same way by the form, the API and exports.

A condition is a small mapping, written in the survey file as an inline table:

    {question = "kent_dorpsoverleg", equals = "ja"}
    {question = "thema", contains = "verkeer"}            # multiple choice or ranking holds the value
    {question = "thema", in = ["verkeer", "groen"]}
    {question = "kosten", min = 1000, max = 15000}
    {all = [cond, ...]}   {any = [cond, ...]}   {not = cond}

A question that is itself hidden counts as unanswered, so conditions on it are false
(except ``not``), which makes chains of skips behave as a resident expects.

Each operator is one row of :data:`OPERATORS`; evaluation (one answer set or a whole frame), the words
for residents and on paper, the JSON schema, XLSForm's XPath and the browser script are all made from
it. A new operator is a new row (and, if it compares in a new way, a new :data:`RELATIONS` entry and its
few lines in ``static/conditional.js``).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .messages import N_

COMBINATORS = ("all", "any", "not")


def _number(value) -> bool:
    return isinstance(value, int | float)


def _numbers(series):
    import pandas as pd  # only the analysis evaluates whole frames; importing ladder stays light
    return pd.to_numeric(series, errors="coerce")


@dataclass(frozen=True)
class Relation:
    """How an answer is compared with a condition's value: for one answer set (``test``), for a column of
    answers (``column``: a pandas Series of single values, or None when the answers are lists, then
    ``chosen`` maps each value to whether it was chosen), and as JSON schema of the answer (``schema``).
    The browser script implements the same relations under the same names."""
    test: Callable[[Any, Any], bool]
    column: Callable[[Any, dict | None, Any], Any]  # -> boolean numpy array, or None: cannot tell
    schema: Callable[[Any], dict]
    numeric: bool = False  # its value is a number (the survey editor reads one from text)


def _same(column, chosen, expected):
    return None if column is None else (column == expected).fillna(False).to_numpy(dtype=bool)


def _one_of(column, chosen, expected):
    return None if column is None else column.isin(list(expected)).to_numpy(dtype=bool)


def _holds(column, chosen, expected):
    return None if chosen is None else chosen.get(expected, False)  # False: nobody chose it


def _bound(compare):
    def column_test(column, chosen, expected):
        return None if column is None else compare(_numbers(column), expected).fillna(False).to_numpy(dtype=bool)
    return column_test


RELATIONS: dict[str, Relation] = {
    "is": Relation(lambda value, expected: value == expected, _same, lambda expected: {"const": expected}),
    "one_of": Relation(lambda value, expected: value in expected, _one_of, lambda expected: {"enum": list(expected)}),
    "holds": Relation(lambda value, expected: isinstance(value, list) and expected in value, _holds,
                      lambda expected: {"type": "array", "items": {}, "contains": {"const": expected}}),
    "at_least": Relation(lambda value, expected: _number(value) and value >= expected,
                         _bound(lambda numbers, bound: numbers >= bound),
                         lambda expected: {"type": "number", "minimum": expected}, numeric=True),
    "at_most": Relation(lambda value, expected: _number(value) and value <= expected,
                        _bound(lambda numbers, bound: numbers <= bound),
                        lambda expected: {"type": "number", "maximum": expected}, numeric=True),
}


@dataclass(frozen=True)
class Operator:
    """One operator of the condition language.

    ``relation`` names how the answer is compared (None: the operator asks whether there is an answer at
    all, its value true or false); ``negated``: the relation must not hold. ``listed``: the value is a
    list of values. The words complete "... alleen als ...": ``words`` for a page (``%(question)s`` the
    question's label, ``%(answer)s`` the answer(s) in quotes, ``%(n)s`` the value), ``paper`` on paper
    (``%(n)s`` the question's number, ``%(answer)s`` one answer, ``%(answers)s`` quoted answers,
    ``%(value)s`` the value); ``*_not`` for a false value. ``xpath`` is XLSForm's comparison, such as
    ``>=`` (``selected`` for the function, ``!=`` with '' for an answer at all).
    """
    name: str
    relation: str | None
    words: str
    paper: str
    xpath: str
    negated: bool = False
    listed: bool = False
    words_not: str = ""
    paper_not: str = ""
    editor: str = ""  # how the survey editor names the comparison ("is minstens")

    def value_from_text(self, text: str, number: Callable[[str], Any] = float) -> Any:
        """The survey editor's one text field as this operator's value: true (an answer at all), a list
        (comma-separated), a number (read by ``number``) or the text itself; None when it is empty."""
        if self.relation is None:
            return True
        text = (text or "").strip()
        if not text:
            return None
        if self.listed:
            return [v.strip() for v in text.split(",") if v.strip()]
        return number(text) if RELATIONS[self.relation].numeric else text

    def value_as_text(self, value: Any) -> str:
        """The inverse of :meth:`value_from_text`, for the editor's field."""
        if self.relation is None:
            return ""
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    def holds(self, value: Any, expected: Any) -> bool:
        answered = value not in (None, "", [])
        if self.relation is None:
            return answered == bool(expected)
        return answered and RELATIONS[self.relation].test(value, expected) != self.negated

    def column(self, column, chosen, answered, expected):
        """Whether the operator holds for each row (numpy booleans); None when it cannot be told."""
        if self.relation is None:
            return answered == bool(expected)
        found = RELATIONS[self.relation].column(column, chosen, expected)
        return None if found is None else answered & (found != self.negated)

    def schema(self, expected: Any) -> dict:
        """The JSON schema an answer meets when the operator holds (given it is answered)."""
        found = RELATIONS[self.relation].schema(expected)
        return {"not": found} if self.negated else found

    def to_xpath(self, ref: str, expected: Any) -> str:
        if self.relation is None:
            return f"{ref} {'!=' if expected else '='} ''"
        if self.xpath == "selected":
            return f"selected({ref}, {xpath_literal(expected)})"
        if self.listed:
            return " or ".join(f"{ref} {self.xpath} {xpath_literal(v)}" for v in expected)
        return f"{ref} {self.xpath} {xpath_literal(expected)}"


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("equals", "is", editor=N_("is gelijk aan"), xpath="=",
             words=N_("u bij ‘%(question)s’ %(answer)s koos"),
             paper=N_("u bij vraag %(n)s ‘%(answer)s’ antwoordde")),
    Operator("not_equals", "is", editor=N_("is niet gelijk aan"), negated=True, xpath="!=",
             words=N_("u bij ‘%(question)s’ niet %(answer)s koos"),
             paper=N_("u bij vraag %(n)s niet ‘%(answer)s’ antwoordde")),
    Operator("in", "one_of", editor=N_("is een van (met komma's)"), listed=True, xpath="=",
             words=N_("u bij ‘%(question)s’ %(answer)s koos"),
             paper=N_("u bij vraag %(n)s %(answers)s antwoordde")),
    Operator("contains", "holds", editor=N_("bevat (meerkeuze)"), xpath="selected",
             words=N_("u bij ‘%(question)s’ %(answer)s aankruiste"),
             paper=N_("u bij vraag %(n)s ‘%(answer)s’ aankruiste")),
    Operator("answered", None, editor=N_("is beantwoord"), xpath="!=",
             words=N_("u ‘%(question)s’ beantwoordde"), words_not=N_("u ‘%(question)s’ niet beantwoordde"),
             paper=N_("u vraag %(n)s hebt beantwoord"), paper_not=N_("u vraag %(n)s niet hebt beantwoord")),
    Operator("min", "at_least", editor=N_("is minstens"), xpath=">=",
             words=N_("u bij ‘%(question)s’ %(n)s of meer invulde"),
             paper=N_("uw antwoord op vraag %(n)s %(value)s of meer is")),
    Operator("max", "at_most", editor=N_("is hoogstens"), xpath="<=",
             words=N_("u bij ‘%(question)s’ %(n)s of minder invulde"),
             paper=N_("uw antwoord op vraag %(n)s %(value)s of minder is")),
)}


def operators_of(condition: Mapping[str, Any]) -> Iterator[tuple[Operator, Any]]:
    """The (operator, value) pairs of a condition on one question, in the order written."""
    for key, expected in condition.items():
        if key in OPERATORS:
            yield OPERATORS[key], expected


def browser_operators() -> str:
    """The operators as JSON for ``static/conditional.js`` (it implements the relations, not the operators)."""
    return json.dumps({op.name: {"relation": op.relation, "negated": op.negated} for op in OPERATORS.values()},
                      sort_keys=True)


def xpath_literal(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = str(value)
        return f'"{value}"' if "'" in value else f"'{value}'"
    return str(value)


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
    for op, expected in operators_of(condition):
        if op.listed and not isinstance(expected, list):
            raise ConditionError(f"{where}.{op.name}: must be a list")


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
    return all(op.holds(value, expected) for op, expected in operators_of(condition))


def evaluate_columns(condition: Mapping[str, Any] | None, read: Callable[[str], tuple | None], rows: int):
    """:func:`evaluate` for many answer sets at once: a numpy boolean per row. ``read(question)`` gives
    ``(column, chosen, answered)`` (see :class:`Relation`; ``answered`` per row), or None when the
    question's answers are not there; a condition that cannot be told counts as true."""
    import numpy as np
    if not condition:
        return np.ones(rows, dtype=bool)
    if "all" in condition:
        parts = [evaluate_columns(c, read, rows) for c in condition["all"]]
        return np.logical_and.reduce(parts or [np.ones(rows, bool)])
    if "any" in condition:
        parts = [evaluate_columns(c, read, rows) for c in condition["any"]]
        return np.logical_or.reduce(parts or [np.zeros(rows, bool)])
    if "not" in condition:
        return ~evaluate_columns(condition["not"], read, rows)
    found = read(condition["question"])
    if found is None:
        return np.ones(rows, dtype=bool)
    column, chosen, answered = found
    result = np.ones(rows, dtype=bool)
    for op, expected in operators_of(condition):
        holds = op.column(column, chosen, answered, expected)
        if holds is None:  # a list compared as a value: leave it to the reader
            return np.ones(rows, dtype=bool)
        result &= holds
    return result


def chosen_values(condition: Mapping[str, Any] | None) -> set | None:
    """The answers a condition on one question asks for, when it holds exactly when one of them is given
    (``equals`` or ``in`` alone); None for any other condition."""
    if not condition or "question" not in condition:
        return None
    wanted: set = set()
    for op, expected in operators_of(condition):
        if op.relation not in ("is", "one_of") or op.negated:
            return None
        wanted |= set(expected) if op.listed else {expected}
    return wanted if len(condition) > 1 else None


def condition(question: str, operator: str, value: Any) -> dict[str, Any]:
    """``{question = question, operator = value}``; KeyError for an operator that does not exist."""
    return {"question": question, OPERATORS[operator].name: value}


def from_xpath(question: str, symbol: str, value: Any) -> dict[str, Any] | None:
    """The condition XLSForm writes as ``${question} <symbol> value`` (``selected`` for the function);
    None when no operator reads it that way. Only whole numbers are shifted: ladder's bounds include
    the bound, so ``> 3`` is ``min = 4``."""
    if value == "" and symbol in ("=", "!="):
        (op,) = [o for o in OPERATORS.values() if o.relation is None]
        return {"question": question, op.name: symbol == "!="}
    if symbol in (">", "<") and isinstance(value, int) and not isinstance(value, bool):
        symbol, value = symbol + "=", value + (1 if symbol == ">" else -1)
    if symbol in (">=", "<=") and not _number(value):
        return None  # greater or smaller than works with numbers only
    for op in OPERATORS.values():
        if op.relation is not None and op.xpath == symbol and not op.listed:
            return {"question": question, op.name: str(value) if symbol == "selected" else value}
    return None


def merge_any(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``a = 1 or a = 2`` as one condition, ``{question = a, in = [1, 2]}``; None when it does not merge."""
    single = [(p["question"], *next(operators_of(p))) for p in parts if "question" in p and len(p) == 2]
    (listed,) = [o for o in OPERATORS.values() if o.listed]
    if len(single) != len(parts) or len({q for q, _, _ in single}) != 1 \
            or any(op.relation != "is" or op.negated for _, op, _ in single):
        return None
    return {"question": single[0][0], listed.name: [expected for _, _, expected in single]}


def merge_all(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``a >= 1 and a <= 5`` as one condition, ``{question = a, min = 1, max = 5}``; None otherwise."""
    single = [(p["question"], *next(operators_of(p))) for p in parts if "question" in p and len(p) == 2]
    if len(parts) != 2 or len(single) != 2 or len({q for q, _, _ in single}) != 1 \
            or {op.relation for _, op, _ in single} != {"at_least", "at_most"}:
        return None
    return {"question": single[0][0], **{op.name: expected for _, op, expected in single}}


def to_xpath(cond: Mapping[str, Any], nested: bool = False) -> str:
    """A condition as an XLSForm ``relevant`` expression."""
    def wrap(text):
        return f"({text})" if nested else text
    if "all" in cond:
        return wrap(" and ".join(to_xpath(c, True) for c in cond["all"]))
    if "any" in cond:
        return wrap(" or ".join(to_xpath(c, True) for c in cond["any"]))
    if "not" in cond:
        return f"not({to_xpath(cond['not'])})"
    ref = "${" + cond["question"] + "}"
    parts = []
    for op, expected in operators_of(cond):
        text = op.to_xpath(ref, expected)
        parts.append(f"({text})" if op.listed and len(expected) > 1 else text)
    if len(parts) == 1 and parts[0].startswith("(") and not nested:
        return parts[0][1:-1]
    return wrap(" and ".join(parts)) if len(parts) > 1 else parts[0]


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
    for op, expected in operators_of(condition):
        quoted = (" " + _("of") + " ").join(answer(v) for v in expected) if op.listed else answer(expected)
        words = op.words if expected or not op.words_not else op.words_not
        parts.append(_(words, question=label, answer=quoted, n=expected))
    return (" " + _("en") + " ").join(parts)
