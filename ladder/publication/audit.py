"""The audit: what an attacker can work out from everything published for a survey, all tables at once.

A linear program over the atoms of :class:`.build.Structure` (people per area and value of each frame
column; people per area): every published count bounds its atoms to what the perturbation table allows
(:func:`.cellkey.possible`), every family adds up to the area sizes, skip logic makes one question's
answerers a part of another's answers, the choices of one multiple-choice question share their
non-answerers. For each published count the lowest and highest true value consistent with all of it is
found (HiGHS, warm-started: one model, one objective per count), unless the optima already found show it
is wide enough. A count whose range is narrower than the protection interval is hidden, and the audit runs
again until every range is wide enough.
"""
from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
try:  # the public Highs enables callbacks, which print a banner on stdout (``ladder summary --format json``)
    from highspy._core import _Highs
except ImportError:  # pragma: no cover - another layout of the package: the public class (and its banner)
    _Highs = highspy.Highs

from ..config import RESULTS_PROTECTION as PROTECTION  # the narrowest range of any count, given all published
from .build import N, NONE, Structure


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


class _Programs:
    """One HiGHS model of everything published but ``hidden``, and the counted cells' expressions over it."""

    def __init__(self, st: Structure, hidden: set[int]):
        model = _variables(st)
        self.n = n = len(model.index)
        self.highs = h = _Highs()
        h.setOptionValue("output_flag", False)
        h.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
        for row, lo, hi in _structure_rows(model, st):
            h.addRow(lo, hi, len(row), np.array(list(row), dtype=np.int32), np.array(list(row.values()), dtype=float))
        self.expressions = [_expression(model, st, c.terms) for c in st.counted]
        for number, (expr, cell) in enumerate(zip(self.expressions, st.counted)):
            if number not in hidden:
                h.addRow(float(cell.bounds[0]), float(cell.bounds[1]), len(expr),
                         np.array(list(expr), dtype=np.int32), np.array(list(expr.values()), dtype=float))
        # every cell's value at a point x of the atoms: sum(x[columns] * weights) per segment
        self.columns = np.array([i for expr in self.expressions for i in expr], dtype=np.int64)
        self.weights = np.array([w for expr in self.expressions for w in expr.values()], dtype=float)
        sizes = np.array([len(expr) for expr in self.expressions], dtype=np.int64)
        self.starts = np.concatenate(([0], np.cumsum(sizes)[:-1])) if len(sizes) else sizes
        self.empty = sizes == 0

    def values_at(self, x: np.ndarray) -> np.ndarray:
        if not len(self.columns):
            return np.zeros(len(self.expressions))
        out = np.add.reduceat(x[self.columns] * self.weights, self.starts)
        out[self.empty] = 0.0
        return out

    def extreme(self, number: int, sense) -> tuple[float, np.ndarray | None]:
        """The lowest or highest value of cell ``number`` and the point where it is reached (None when the
        program has no optimum: unbounded, or, which true data cannot give, infeasible: then claim nothing)."""
        h, expr = self.highs, self.expressions[number]
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), np.zeros(self.n))
        h.changeColsCost(len(expr), np.array(list(expr), dtype=np.int32), np.array(list(expr.values()), dtype=float))
        h.changeObjectiveSense(sense)
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return h.getInfo().objective_function_value, np.array(h.getSolution().col_value)
        return (float("-inf") if sense == highspy.ObjSense.kMinimize else float("inf")), None


def narrow(st: Structure, hidden: set[int] = frozenset(), protection: float = PROTECTION,
           among: list[int] | None = None) -> list[int]:
    """The counted cells (of ``among``, else all) whose range, given every cell not in ``hidden``, is narrower
    than ``protection``: whose lowest and highest true value consistent with everything published lie
    less than ``protection`` apart.

    A cell's range is at least as wide as the spread of its values over any points that satisfy everything
    published. Every optimum found is such a point, so each is kept and every cell evaluated at it: a cell
    whose values already spread ``protection`` apart is wide without programs of its own. Only the others
    get their lowest and highest value solved, which gives their exact range (the same answer as solving
    every cell, with a fraction of the programs)."""
    programs = _Programs(st, hidden)
    cells = range(len(st.counted)) if among is None else among
    low = np.full(len(st.counted), np.inf)
    high = np.full(len(st.counted), -np.inf)
    wide = protection - 1e-6
    found = []
    for number in cells:
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            if high[number] - low[number] >= wide:
                break
            value, point = programs.extreme(number, sense)
            if point is None:
                low[number], high[number] = min(low[number], value), max(high[number], value)
                continue
            at = programs.values_at(point)
            np.minimum(low, at, out=low)
            np.maximum(high, at, out=high)
        if high[number] - low[number] < wide:
            found.append(number)
    return found


def protect(st: Structure, protection: float = PROTECTION, rounds: int = 20) -> set[int]:
    """The counted cells to hide so that every count's range is at least ``protection`` wide.

    Hiding a cell drops a constraint, so no range narrows: a cell wide in one round stays wide, and the next
    round looks again only at the cells that were narrow."""
    hidden: set[int] = set()
    among = None
    for _ in range(rounds):
        among = narrow(st, hidden, protection, among)
        fresh = [i for i in among if i not in hidden]
        if not among:
            return hidden
        if not fresh:  # only hidden cells are still narrow: hide what shares atoms with them
            fresh = _neighbours(st, among, hidden)
            if not fresh:
                return hidden
        hidden |= set(fresh)
    return hidden


def _neighbours(st: Structure, narrow: list[int], hidden: set[int]) -> list[int]:
    tables_rows = {(st.counted[i].table, st.counted[i].row) for i in narrow}
    return [i for i, c in enumerate(st.counted) if (c.table, c.row) in tables_rows and i not in hidden]
