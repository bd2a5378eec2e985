"""Helpers for plugin authors' tests: does the rung logic use the survey's real ids and values?

    from ladder.testing import answers_read_by
    ids, compared = answers_read_by(rungs)
    assert ids <= {q.id for q in survey.questions}
"""
from __future__ import annotations

import ast
import inspect
from types import ModuleType


def answers_read_by(module: ModuleType) -> tuple[set[str], dict[str, set[str]]]:
    """Question ids read with ``answers.get("...")`` in ``module``, and the strings each is compared with.

    Follows a name back to its question: ``voted = answers.get("gestemd")`` ... ``voted == "nee"``.
    Values used through tables or constants are not seen; test those directly.
    """
    tree = ast.parse(inspect.getsource(module))
    ids: set[str] = set()
    compared: dict[str, set[str]] = {}
    named: dict[str, str] = {}

    def question_of(node):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "answers"
                and node.args and isinstance(node.args[0], ast.Constant)):
            return node.args[0].value
        return None

    for node in ast.walk(tree):
        qid = question_of(node)
        if qid:
            ids.add(qid)
        if isinstance(node, ast.Assign) and question_of(node.value) and isinstance(node.targets[0], ast.Name):
            named[node.targets[0].id] = question_of(node.value)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        left = question_of(node.left) or (named.get(node.left.id) if isinstance(node.left, ast.Name) else None)
        if left:
            for comparator in node.comparators:
                for const in ast.walk(comparator):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        compared.setdefault(left, set()).add(const.value)
    return ids, compared
