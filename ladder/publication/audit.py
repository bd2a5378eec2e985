"""The audit: what an attacker can work out from everything published for a survey, all tables at once.

A linear program over the atoms of :class:`.build.Structure` (people per area and value of each frame
column; people per area): every published count bounds its atoms to what the perturbation table allows
(:func:`.cellkey.possible`), every family adds up to the area sizes, skip logic makes one question's
answerers a part of another's answers, the choices of one multiple-choice question share their
non-answerers. For each published count the lowest and highest true value consistent with all of it is
found (HiGHS, warm-started: one model, one objective per count). A count whose range is narrower
than the protection interval is hidden, and the audit runs again until every range is wide enough.
"""
from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
try:  # the public Highs enables callbacks, which print a banner on stdout (``ladder summary --format json``)
    from highspy._core import _Highs
except ImportError:  # pragma: no cover - another layout of the package: the public class (and its banner)
    _Highs = highspy.Highs

from .build import N, NONE, Structure

PROTECTION = 3  # every published or hidden count's range, given everything published, is at least this wide


@dataclass
class _Model:
    index: dict
    areas: list


def _variables(st: Structure) -> _Model:
    index = {}
    for a in st.areas:
        index[(N, a)] = len(index)
    for family, values in st.families.items():
        for v in [*values, NONE]:
            if family in st.by_area:
                for a in st.areas:
                    index[(family, a, v)] = len(index)
            else:
                index[(family, None, v)] = len(index)
    return _Model(index, st.areas)


def _expression(model: _Model, st: Structure, terms) -> dict[int, float]:
    out: dict[int, float] = {}
    for term in terms:
        weights = term.weights or (1,) * len(term.values)
        if term.family == N:
            for a in term.areas if term.areas is not None else model.areas:
                out[model.index[(N, a)]] = out.get(model.index[(N, a)], 0) + 1
            continue
        split = term.family in st.by_area
        areas = (term.areas if term.areas is not None else model.areas) if split else (None,)
        for a in areas:
            for v, w in zip(term.values, weights):
                i = model.index[(term.family, a, v)]
                out[i] = out.get(i, 0) + w
    return out


def _structure_rows(model: _Model, st: Structure) -> list[tuple[dict[int, float], float, float]]:
    rows = []
    for family, values in st.families.items():
        everything = [*values, NONE]
        if family in st.by_area:
            for a in model.areas:
                row = {model.index[(family, a, v)]: 1.0 for v in everything}
                row[model.index[(N, a)]] = -1.0
                rows.append((row, 0.0, 0.0))
        else:
            row = {model.index[(family, None, v)]: 1.0 for v in everything}
            for a in model.areas:
                row[model.index[(N, a)]] = -1.0
            rows.append((row, 0.0, 0.0))
    for f, g in st.equal_missing:
        rows.append(({model.index[(f, None, NONE)]: 1.0, model.index[(g, None, NONE)]: -1.0}, 0.0, 0.0))
    for f, g, allowed in st.subsets:
        row: dict[int, float] = {}
        for key, i in model.index.items():
            if key[0] == f and key[2] is not NONE:
                row[i] = row.get(i, 0) + 1.0
            if key[0] == g and key[2] in allowed:
                row[i] = row.get(i, 0) - 1.0
        rows.append((row, -highspy.kHighsInf, 0.0))
    return rows


def ranges(st: Structure, hidden: set[int] = frozenset()) -> list[tuple[float, float]]:
    """The (lowest, highest) true value of every counted cell, given every cell not in ``hidden``."""
    model = _variables(st)
    h = _Highs()
    h.setOptionValue("output_flag", False)
    n = len(model.index)
    inf = highspy.kHighsInf
    h.addVars(n, np.zeros(n), np.full(n, inf))
    for row, lo, hi in _structure_rows(model, st):
        h.addRow(lo, hi, len(row), np.array(list(row), dtype=np.int32), np.array(list(row.values()), dtype=float))
    expressions = [_expression(model, st, c.terms) for c in st.counted]
    for number, (expr, cell) in enumerate(zip(expressions, st.counted)):
        if number not in hidden:
            h.addRow(float(cell.bounds[0]), float(cell.bounds[1]), len(expr), np.array(list(expr), dtype=np.int32),
                     np.array(list(expr.values()), dtype=float))
    out = []
    zeros = np.zeros(n)
    for expr in expressions:
        found = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeColsCost(n, np.arange(n, dtype=np.int32), zeros)
            h.changeColsCost(len(expr), np.array(list(expr), dtype=np.int32), np.array(list(expr.values()), dtype=float))
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kUnbounded:
                found.append(float("inf"))
            elif status == highspy.HighsModelStatus.kOptimal:
                found.append(h.getInfo().objective_function_value)
            else:  # infeasible cannot happen for true data; be safe: claim nothing
                found.append(float("-inf") if sense == highspy.ObjSense.kMinimize else float("inf"))
        out.append((found[0], found[1]))
    return out


def protect(st: Structure, protection: float = PROTECTION, rounds: int = 20) -> set[int]:
    """The counted cells to hide so that every count's range is at least ``protection`` wide."""
    hidden: set[int] = set()
    for _ in range(rounds):
        found = ranges(st, hidden)
        narrow = [i for i, (lo, hi) in enumerate(found) if hi - lo < protection - 1e-6]
        fresh = [i for i in narrow if i not in hidden]
        if not narrow:
            return hidden
        if not fresh:  # only hidden cells are still narrow: hide what shares atoms with them
            fresh = _neighbours(st, narrow, hidden)
            if not fresh:
                return hidden
        hidden |= set(fresh)
    return hidden


def _neighbours(st: Structure, narrow: list[int], hidden: set[int]) -> list[int]:
    tables_rows = {(st.counted[i].table, st.counted[i].row) for i in narrow}
    return [i for i, c in enumerate(st.counted) if (c.table, c.row) in tables_rows and i not in hidden]
