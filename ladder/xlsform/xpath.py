"""The XPath subset of XLSForm's ``relevant`` and ``constraint`` columns: tokenised by pyxform's own lexer,
parsed by a small recursive-descent parser into ladder's conditions and question options. Anything outside
the subset that maps (comparisons, ``selected()``, ``and``/``or``/``not()``, ``count-selected()``) raises
:class:`Unsupported` with the reason."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..conditions import from_xpath, merge_all, merge_any
from ..question_types import BUILTIN_TYPES, QuestionType


class Unsupported(Exception):
    """Part of a row that does not map; the message is the reason."""


@dataclass(frozen=True)
class Node:
    kind: str  # or, and, cmp, call, ref, lit, self
    value: Any = None
    args: tuple = ()


def _tokens(text: str) -> list:
    from pyxform.parsing.expression import parse_expression
    out = []
    for tok in parse_expression(text):
        kind = tok.type  # the lexer's token kind
        if kind == "WHITESPACE":
            out.append(("WS", tok.value))
            continue
        # pyxform's lexer splits ">=" and "<=" in two; join them back.
        if kind == "OPS_COMP" and out and out[-1][0] == "OPS_COMP" and out[-1][1] in ("<", ">", "!") \
                and tok.value == "=":
            out[-1] = ("OPS_COMP", out[-1][1] + "=")
            continue
        out.append((kind, tok.value))
    return [t for t in out if t[0] != "WS"]


class _Parser:
    """expr := and ('or' and)* ; and := cmp ('and' cmp)* ; cmp := primary (op primary)? ;
    primary := '(' expr ')' | name '(' args ')' | ${ref} | . | number | 'literal'"""

    def __init__(self, text: str, allow_names: bool = False):
        self.toks = _tokens(text)
        self.i = 0
        self.allow_names = allow_names

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.toks:
            raise Unsupported("an empty expression")
        node = self.expr()
        if self.i != len(self.toks):
            raise Unsupported(f"cannot read the expression from {self.peek()[1]!r} on")
        return node

    def _chain(self, word, sub):
        items = [sub()]
        while self.peek()[0] == "OPS_BOOL" and self.peek()[1].strip() == word:
            self.take()
            items.append(sub())
        return items[0] if len(items) == 1 else Node(word, args=tuple(items))

    def expr(self):
        return self._chain("or", self.conj)

    def conj(self):
        return self._chain("and", self.comparison)

    def comparison(self):
        left = self.primary()
        if self.peek()[0] == "OPS_COMP":
            op = self.take()[1]
            return Node("cmp", op, (left, self.primary()))
        return left

    def primary(self):
        kind, value = self.take()
        if kind == "OPEN_PAREN":
            node = self.expr()
            if self.take()[0] != "CLOSE_PAREN":
                raise Unsupported("a bracket is not closed")
            return node
        if kind == "FUNC_CALL":
            name, args = value[:-1].strip(), []
            if self.peek()[0] != "CLOSE_PAREN":
                args.append(self.expr())
                while self.peek()[0] == "COMMA":
                    self.take()
                    args.append(self.expr())
            if self.take()[0] != "CLOSE_PAREN":
                raise Unsupported(f"{name}() is not closed")
            return Node("call", name, tuple(args))
        if kind == "PYXFORM_REF":
            return Node("ref", value[2:-1])
        if kind == "SELF_REF":
            return Node("self")
        if kind == "NAME" and self.allow_names:  # a column of the choices sheet, in a choice_filter
            return Node("name", value)
        if kind == "NUMBER":
            return Node("lit", float(value) if "." in value else int(value))
        if kind == "SYSTEM_LITERAL":
            return Node("lit", value[1:-1])
        if kind is None:
            raise Unsupported("the expression ends too early")
        raise Unsupported(f"{value!r} is not supported (use ${{name}}, comparisons, selected(), and, or, not())")


def _builtin_types() -> dict[str, QuestionType]:
    return {t.name: t for t in BUILTIN_TYPES}


def parse_xpath(text: str) -> Node:
    return _Parser(text).parse()


def _refs(node: Node) -> bool:
    return node.kind == "ref" or any(_refs(a) for a in node.args if isinstance(a, Node))


def _keeps(node: Node, row: Mapping[str, Any], value: str) -> bool:
    """Evaluate a fixed choice_filter on one row of the choices sheet."""
    def operand(n):
        if n.kind == "lit":
            return n.value
        if n.kind == "name":
            return row.get(n.value, "")
        if n.kind == "self":
            return value
        raise Unsupported("choice_filter compares columns of the choices sheet with fixed values only")
    if node.kind == "and":
        return all(_keeps(a, row, value) for a in node.args)
    if node.kind == "or":
        return any(_keeps(a, row, value) for a in node.args)
    if node.kind == "call" and node.value == "not" and len(node.args) == 1:
        return not _keeps(node.args[0], row, value)
    if node.kind == "cmp" and node.value in ("=", "!="):
        left, right = (str(operand(a)) for a in node.args)
        return (left == right) == (node.value == "=")
    raise Unsupported("choice_filter uses more than =, !=, and, or, not()")


_FLIP = {"=": "=", "!=": "!=", ">=": "<=", "<=": ">=", ">": "<", "<": ">"}


def relevant_to_condition(text: str) -> dict[str, Any]:
    """An XLSForm ``relevant`` expression as a ladder condition; Unsupported when it does not map."""
    return _condition(parse_xpath(text))


def _condition(node: Node) -> dict[str, Any]:
    if node.kind in ("and", "or"):
        parts = [_condition(a) for a in node.args]
        if node.kind == "or":
            merged = merge_any(parts)
            return merged or {"any": parts}
        merged = merge_all(parts)
        return merged or {"all": parts}
    if node.kind == "call":
        if node.value == "not" and len(node.args) == 1:
            return {"not": _condition(node.args[0])}
        if node.value == "selected" and len(node.args) == 2 and node.args[0].kind == "ref" \
                and node.args[1].kind == "lit":
            return from_xpath(node.args[0].value, "selected", node.args[1].value)
        raise Unsupported(f"the function {node.value}() is not supported here")
    if node.kind == "cmp":
        return _comparison(node)
    raise Unsupported("a condition must compare an answer, such as ${vraag} = 'ja'")


def _comparison(node: Node) -> dict[str, Any]:
    op, (left, right) = node.value, node.args
    if left.kind == "lit" and right.kind != "lit":
        left, right, op = right, left, _FLIP[op]
    if right.kind != "lit":
        raise Unsupported("compare an answer with a fixed value")
    value = right.value
    if left.kind == "call" and left.value == "count-selected" and len(left.args) == 1 and left.args[0].kind == "ref":
        qid = left.args[0].value
        if (op, value) in ((">", 0), (">=", 1), ("!=", 0)):
            return from_xpath(qid, "!=", "")  # something is chosen: the question is answered
        if (op, value) in (("=", 0), ("<", 1), ("<=", 0)):
            return from_xpath(qid, "=", "")
        raise Unsupported("count-selected() maps only to 'answered' (> 0 or = 0)")
    if left.kind != "ref":
        raise Unsupported("compare an answer (${name}) with a fixed value")
    if value == "" and op not in ("=", "!="):
        raise Unsupported("compare with '' only with = or !=")
    if isinstance(value, str) and op not in ("=", "!="):
        raise Unsupported("greater or smaller than works with numbers only")
    found = from_xpath(left.value, op, value)
    if found is None:
        raise Unsupported(f"{op} with a decimal number is not supported; use >= or <=")
    return found


def constraint_to_options(text: str, qtype: QuestionType | str) -> dict[str, Any]:
    """A ``constraint`` that the type's settings express (its ``xlsform_bounds``: bounds on ``.``,
    ``string-length(.)`` or ``count-selected(.)``); Unsupported otherwise. ``qtype`` is a question
    type, or the name of a built-in one."""
    if isinstance(qtype, str):
        qtype = _builtin_types()[qtype]
    node = parse_xpath(text)
    parts = node.args if node.kind == "and" else (node,)
    target = qtype.xlsform_bounds
    if target is None:
        raise Unsupported(f"a constraint on a {qtype.name} question is not supported")
    options = {}
    for part in parts:
        if part.kind != "cmp":
            raise Unsupported("only bounds such as . >= 0 and . <= 10 map to settings")
        op, (left, right) = part.value, part.args
        if left.kind == "lit":
            left, right, op = right, left, _FLIP[op]
        is_target = (left.kind == "self") if target[0] == "self" else (
            left.kind == "call" and left.value == target[0] and len(left.args) == 1 and left.args[0].kind == "self")
        if not is_target or right.kind != "lit" or isinstance(right.value, str):
            raise Unsupported("only bounds such as . >= 0 and . <= 10 map to settings")
        value = right.value
        if op in (">", "<") and isinstance(value, int):
            op, value = op + "=", value + (1 if op == ">" else -1)
        if op not in target[1]:
            raise Unsupported(f"{op} in this constraint does not map to a setting")
        options[target[1][op]] = value
    return options
