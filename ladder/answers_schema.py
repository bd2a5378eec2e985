"""The JSON Schema of one survey's answers: exactly what ``answers.validate`` accepts.

Each question's value is its type's schema. Which questions must be answered follows the skip logic:
a required question must be answered whenever it is shown, which is written as ``if``/``then`` on
the conditions (a question the skip logic hides counts as unanswered, as in ``conditions.evaluate``).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .conditions import operators_of


def answers_schema(survey, registry) -> dict[str, Any]:
    """The schema of the ``answers`` object for ``survey``.

    An optional question also allows what its type reads as "not answered". A question the skip
    logic hides may hold anything: the API drops its answer unread, so its value is checked only
    ``if`` the question is shown.
    """
    visible = _Visibility(survey)
    required, conditional, properties = [], [], {}
    for question in survey.questions:
        qtype = registry.type_of(question)
        value = qtype.schema(question, survey)
        if not question.required:
            value = {"anyOf": [value, qtype.unanswered_schema(question, survey)]}
        shown = visible.of(question.id)
        if shown is True:
            properties[question.id] = value
            if question.required:
                required.append(question.id)
            continue
        properties[question.id] = {}
        then: dict[str, Any] = {"properties": {question.id: value}}
        if question.required:
            then["required"] = [question.id]
        conditional.append({"if": shown, "then": then})
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if conditional:
        schema["allOf"] = conditional
    return schema


class _Visibility:
    """When each question is shown, as a JSON Schema over the answers object (True: always)."""

    def __init__(self, survey):
        self.conditions: dict[str, list] = {}
        for page in survey.pages:
            for question in page.questions:
                self.conditions[question.id] = [c for c in (page.show_if, question.show_if) if c]
        self.cache: dict[str, Any] = {}

    def of(self, qid: str):
        if qid not in self.cache:
            parts = [self.condition(c) for c in self.conditions.get(qid, [])]
            self.cache[qid] = True if not parts else (parts[0] if len(parts) == 1 else {"allOf": parts})
        return self.cache[qid]

    def condition(self, condition: Mapping[str, Any]):
        if "all" in condition:
            return {"allOf": [self.condition(c) for c in condition["all"]]}
        if "any" in condition:
            return {"anyOf": [self.condition(c) for c in condition["any"]]}
        if "not" in condition:
            return {"not": self.condition(condition["not"])}
        qid = condition["question"]
        checks: list[Any] = []
        for op, expected in operators_of(condition):
            if op.relation is None:  # whether there is an answer at all
                checks.append(self.answered(qid) if expected else {"not": self.answered(qid)})
                continue
            checks += [self.answered(qid), {"properties": {qid: op.schema(expected)}}]
        return checks[0] if len(checks) == 1 else {"allOf": checks}

    def answered(self, qid: str):
        """``qid`` has a value that counts as an answer, and is itself shown."""
        present = {"required": [qid], "properties": {qid: {"not": {"enum": [None, "", []]}}}}
        shown = self.of(qid)
        return present if shown is True else {"allOf": [present, shown]}
