"""Disclosure control: one place every published table goes through (``/r/``, ``ladder summary``,
``ladder report``, the charts).

Hiding the small counts alone (primary suppression) does not hold: a hidden cell is the row total
minus the cells shown, or a count divided by its share, or a chart's single grey segment. This
module therefore does three things, in this order, on the *people* behind each cell:

1. **Primary suppression.** A count from 1 to ``threshold - 1`` is hidden. A group (a row: an area,
   an area within an aspect) under the threshold is hidden whole, its size included. A group whose
   answers all fall in one category (every other category 0) gives the group's answer away, so
   that one non-zero cell is hidden too.
2. **Complementary (secondary) suppression.** Every table is seen as cells and *equations*: the
   cells of a group add up to the group's total (its size ``n``, or what ``count / share`` gives);
   the cells of a category add up over the groups to a category total, and the group totals to a
   grand total, both taken as published (the public page shows the overall answers, and the
   report the "all areas" table). Heuristic, repeated until nothing changes: in every equation
   with exactly one hidden cell, or whose hidden cells add up to less than the protection interval,
   also hide the smallest other non-zero cell that brings the hidden sum to the interval (else
   the largest, else a zero, else the group total). A hidden group total hides the group's size
   and every share and mean of the group (they would give the total back).
3. **Audit.** For every hidden cell, the lowest and highest value consistent with everything
   published (cells shown, totals, all cells between 0 and the largest total) is found by linear
   programming (HiGHS). Where the range is narrower than the protection
   interval (default :data:`PROTECTION` = 3), one more cell of an equation through that cell is
   hidden and the heuristic runs again.

What a table publishes is declared by a :class:`Layout`: which columns count people (or are
computed from counts, like Borda points), which are derived (shares, means), which columns name a
group, a category and a separate table. An undeclared table counts every numeric column as people.

Hidden cells carry one label everywhere ("verborgen"): a reader cannot tell a small count from a
cell hidden to protect it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

THRESHOLD = 5  # the default of RESULTS_MIN_COUNT and of the commands' --threshold
PROTECTION = 3  # a hidden cell's range, given everything published, is at least this wide
HIDDEN = "verborgen"

# Columns the core knows by name (used when a table declares nothing and has these).
SIZE_COLUMNS = ("n",)
# Count columns of one row that give each other away, hidden together: with two places ranked, a
# choice's Borda points minus the times it was ranked are the times it was ranked first.
TOGETHER = (("first", "points"),)
DERIVED = {"share": "count", "mean_difference": "n", "mean_points": "points", "weighted_n": "n",
           "more_share": "more", "same_share": "same", "less_share": "less"}
# Uncertainty columns (``ladder.analysis.intervals``) -> the estimates they belong to, in order of
# preference: an interval or standard error is hidden whenever its estimate's count is, whatever
# layout a table declares (a table that names only ``share`` still has its ``ci_low`` hidden).
UNCERTAINTY = {"ci_low": ("share",), "ci_high": ("share",), "se": ("mean_difference", "mean_points", "mean")}


@dataclass(frozen=True)
class Layout:
    """What a table publishes, for disclosure control.

    ``counts``: columns counting people, or computed from such counts (Borda points, times ranked
    first); each is protected. ``derived``: column -> the count column it is computed from (shares,
    means); hidden with it, and with its group's total. ``groups``: columns naming a group (row),
    whose cells add up to the group's total; ``size``: a column holding that group's size.
    ``categories``: columns naming a category (column of the table); the same category adds up over
    the groups. ``split``: columns naming separate tables (an aspect, a question). ``wide``: count
    columns that are the categories of one row together (more, same, less: they add up to ``size``).
    ``people``: a weighted count column -> the column with the number of people behind it, which
    decides what is hidden. ``together``: sets of count columns whose cells in one row are hidden
    together, because one can be worked out from the others.
    """

    counts: tuple[str, ...] = ()
    derived: Mapping[str, str] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    split: tuple[str, ...] = ()
    size: str | None = None
    wide: tuple[str, ...] = ()
    people: Mapping[str, str] = field(default_factory=dict)
    together: tuple[tuple[str, ...], ...] = ()

    def __deepcopy__(self, memo):
        return self  # frozen: the frames a summary's table is copied into (frame.attrs) share it


def layout_of(table: pd.DataFrame, counts: Iterable[str] | None = None, derived: Mapping | None = None,
              **fields) -> Layout:
    """The layout of ``table``: the one a core summary attached (``table.attrs["disclosure"]``), else one
    read off its columns. Every numeric column that is not declared derived counts as people."""
    attached = table.attrs.get("disclosure")
    if counts is None and derived is None and not fields and isinstance(attached, Layout):
        return attached
    numeric = [c for c in table.columns if c != "suppressed" and pd.api.types.is_numeric_dtype(table[c].dtype)
               and not pd.api.types.is_bool_dtype(table[c].dtype)]
    derived = dict(DERIVED if derived is None else derived)
    derived = {d: s for d, s in derived.items() if d in table.columns and s in table.columns}
    derived = _with_uncertainty(derived, table.columns, counts)
    people = dict(fields.pop("people", {}))
    if "respondents" in table.columns and "count" in table.columns and "people" not in fields:
        people.setdefault("count", "respondents")
    # ``public``: numbers that are not about the respondents (population shares from CBS): left as they are
    public = set(fields.pop("public", ()))
    if counts is None:
        counts = [c for c in numeric if c not in derived and c not in people.values() and c not in public]
    counts = tuple(c for c in counts if c in table.columns)
    # every numeric column that is neither declared count, derived nor public is still protected as a count
    counts += tuple(c for c in numeric if c not in counts and c not in derived and c not in people.values()
                    and c not in public)
    size = fields.pop("size", next((c for c in SIZE_COLUMNS if c in counts), None))
    wide = tuple(fields.pop("wide", tuple(c for c in ("more", "same", "less") if c in counts)))
    text = [c for c in table.columns if c not in numeric and c != "suppressed"]
    split = tuple(fields.pop("split", tuple(c for c in ("aspect", "question", "first", "second") if c in text)))
    groups = tuple(fields.pop("groups", tuple(c for c in text if c not in split)[:1] if wide or size else
                              tuple(c for c in ("area",) if c in text)))
    categories = tuple(fields.pop("categories", tuple(c for c in text if c not in split and c not in groups
                                                      and c != "label")))
    together = tuple(fields.pop("together", tuple(t for t in TOGETHER if all(c in counts for c in t))))
    return Layout(counts=counts, derived=derived, groups=groups, categories=categories, split=split,
                  size=size if size in table.columns else None, wide=wide, people=people, together=together,
                  **fields)


def _with_uncertainty(derived: Mapping, columns, counts=None) -> dict:
    """``derived`` plus every uncertainty column of the table, derived from its estimate's source
    (else from the table's first count): an interval hides with the share it belongs to."""
    derived = dict(derived)
    for col, estimates in UNCERTAINTY.items():
        if col not in columns or col in derived:
            continue
        source = next((derived[e] for e in estimates if e in derived), None)
        if source is None:
            source = next((c for c in (*(counts or ()), "count", "n", "points") if c in columns), None)
        if source is not None:
            derived[col] = source
    return derived


def with_uncertainty(layout: Layout, table: pd.DataFrame) -> Layout:
    """``layout`` with the table's uncertainty columns declared derived (and never counts)."""
    derived = _with_uncertainty(layout.derived, table.columns, layout.counts)
    counts = tuple(c for c in layout.counts if c not in derived)
    if derived == dict(layout.derived) and counts == tuple(layout.counts):
        return layout
    return replace(layout, derived=derived, counts=counts)


# --- the engine: cells and equations ---------------------------------------------------------------

class Cells:
    """Numbers with equations ``total = sum(parts)`` between them. ``fixed`` cells are published
    elsewhere and never hidden; ``links`` are sets of cells hidden together (a group's size and the
    totals it gives)."""

    def __init__(self):
        self.value: list[float] = []
        self.hidden: list[bool] = []
        self.fixed: list[bool] = []
        self.equations: list[tuple[int, list[int], bool]] = []
        self.linked: dict[int, set[int]] = {}

    def add(self, value, fixed: bool = False) -> int:
        self.value.append(float(value))
        self.hidden.append(False)
        self.fixed.append(fixed)
        return len(self.value) - 1

    def equation(self, total: int, parts: list[int], group: bool = False) -> None:
        if parts:
            self.equations.append((total, list(parts), group))

    def link(self, ids: Iterable[int]) -> None:
        ids = set(ids)
        for i in list(ids):
            ids |= self.linked.get(i, set())
        for i in ids:
            self.linked[i] = ids

    def hide(self, i: int) -> None:
        for j in self.linked.get(i, {i}):
            if not self.fixed[j]:
                self.hidden[j] = True


def _primary(cells: Cells, threshold: int) -> None:
    for i, v in enumerate(cells.value):
        if not cells.fixed[i] and 0 < v < threshold:
            cells.hide(i)
    for total, parts, group in cells.equations:
        if not group:
            continue
        if cells.hidden[total]:  # a small group: hidden whole, zeros too
            for p in parts:
                cells.hide(p)
            continue
        nonzero = [p for p in parts if cells.value[p] > 0]
        if cells.value[total] > 0 and len(parts) > 1 and len(nonzero) == 1:
            cells.hide(nonzero[0])  # everyone in the group gave the same answer


def _candidate(cells: Cells, total: int, parts: list[int], need: float) -> int | None:
    free = [p for p in parts if not cells.hidden[p] and not cells.fixed[p]]
    nonzero = sorted((p for p in free if cells.value[p] > 0), key=lambda p: (cells.value[p], p))
    enough = [p for p in nonzero if cells.value[p] >= need]
    if enough:
        return enough[0]
    if nonzero:
        return nonzero[-1]
    if free:
        return free[0]
    if not cells.hidden[total] and not cells.fixed[total]:
        return total
    return None


def _hidden_mass(cells: Cells, total: int, parts: list[int]) -> tuple[int, float]:
    ids = [*parts, total]
    hidden = [i for i in ids if cells.hidden[i]]
    return len(hidden), sum(cells.value[i] for i in hidden)


def _complementary(cells: Cells, protection: float) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts, _ in cells.equations:
            count, mass = _hidden_mass(cells, total, parts)
            if count == 0 or (count > 1 and mass >= protection):
                continue
            pick = _candidate(cells, total, parts, protection - mass)
            if pick is not None:
                cells.hide(pick)
                changed = True


# The exact audit solves two small linear programs per hidden cell. Hidden cells tied together by
# equations form a component; components larger than this are left to the complementary heuristic
# (which already keeps every equation's hidden mass at least the protection interval), so that a public
# page with many small areas is drawn in well under a second. docs/analysts.rst says so.
AUDIT_LIMIT = 120


def _components(cells: Cells, hidden: list[int]) -> list[tuple[list[int], list[tuple[int, list[int]]]]]:
    """Hidden cells grouped by the equations that tie them, each group with its equations."""
    parent = {c: c for c in hidden}

    def root(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c
    touching = []
    for total, parts, _ in cells.equations:
        members = [c for c in (total, *parts) if c in parent]
        if not members:
            continue
        touching.append((total, parts, members))
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    groups: dict[int, tuple[list[int], list]] = {}
    for c in hidden:
        groups.setdefault(root(c), ([], []))[0].append(c)
    for total, parts, members in touching:
        groups[root(members[0])][1].append((total, parts))
    return list(groups.values())


def ranges(cells: Cells, limit: int | None = AUDIT_LIMIT) -> dict[int, tuple[float, float]]:
    """Lowest and highest value of each hidden cell given the published ones and the equations, every
    cell between 0 and the largest number in the table (linear programming, per component; components
    with more than ``limit`` hidden cells are skipped). One HiGHS model per component, its objective
    changed per cell: building the program again for each of the two bounds of each cell cost four times
    the solving."""
    import highspy

    hidden = [i for i, h in enumerate(cells.hidden) if h]
    upper = max(cells.value) if cells.value else 0.0
    out = {}
    for members, equations in _components(cells, hidden):
        if limit is not None and len(members) > limit:
            continue
        index = {c: k for k, c in enumerate(members)}
        n = len(members)
        program = highspy.Highs()
        program.setOptionValue("output_flag", False)
        program.addVars(n, np.zeros(n), np.full(n, float(upper)))
        for total, parts in equations:
            row = np.zeros(n)
            b = 0.0
            for p in parts:
                if p in index:
                    row[index[p]] += 1
                else:
                    b -= cells.value[p]
            if total in index:
                row[index[total]] -= 1
            else:
                b += cells.value[total]
            if row.any():
                columns = np.flatnonzero(row)
                program.addRow(b, b, len(columns), columns.astype(np.int32), row[columns])
        everything = np.arange(n, dtype=np.int32)
        for c, k in index.items():
            objective = np.zeros(n)
            objective[k] = 1.0
            program.changeColsCost(n, everything, objective)
            low = _optimum(program, highspy.ObjSense.kMinimize)
            high = _optimum(program, highspy.ObjSense.kMaximize)
            out[c] = (0.0 if low is None else low, upper if high is None else high)
    return out


def _optimum(program, sense) -> float | None:
    import highspy

    program.changeObjectiveSense(sense)
    program.run()
    if program.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        return program.getInfo().objective_function_value
    return None


def solve(cells: Cells, threshold: int = THRESHOLD, protection: float = PROTECTION, audit: bool = True) -> Cells:
    """Primary and complementary suppression on ``cells`` (in place), then the audit."""
    if threshold <= 0:
        return cells
    _primary(cells, threshold)
    _complementary(cells, protection)
    if not audit:
        return cells
    in_equations: dict[int, int] = {}
    for total, parts, _ in cells.equations:
        for i in (total, *parts):
            in_equations[i] = in_equations.get(i, 0) + 1
    for _ in range(len(cells.value) + 1):
        hidden = [i for i, h in enumerate(cells.hidden) if h]
        if all(in_equations.get(i, 0) <= 1 for i in hidden):
            return cells  # one equation per cell: the hidden sum (>= protection) is each one's range
        narrow = [c for c, (lo, hi) in ranges(cells).items() if hi - lo < protection - 1e-9]
        if not narrow:
            return cells
        before = sum(cells.hidden)
        for c in narrow:  # widen each: one more cell in its equation with the fewest hidden ones
            around = [(total, parts) for total, parts, _ in cells.equations if c == total or c in parts]
            for total, parts in sorted(around, key=lambda e: _hidden_mass(cells, *e)):
                pick = _candidate(cells, total, parts, protection - _hidden_mass(cells, total, parts)[1])
                if pick is not None:
                    cells.hide(pick)
                    break
        if sum(cells.hidden) == before:  # nothing left to hide around it: hide everything that can be
            for i in range(len(cells.value)):
                cells.hide(i)
            return cells
        _complementary(cells, protection)
    return cells


def _category_total(cells: Cells, value: float, threshold: int) -> int:
    """A category's total over the groups, as the overall table would show it. It is protected like
    any cell here (hidden when small or to protect another); the tables that print the overall
    numbers are protected on their own (see docs/analysts.rst, "linked tables")."""
    return cells.add(value)


# --- tables -----------------------------------------------------------------------------------------

def _keys(table: pd.DataFrame, columns) -> list[tuple]:
    columns = [c for c in columns if c in table.columns]
    if not columns:
        return [()] * len(table)
    return list(table[columns].astype(str).itertuples(index=False, name=None))


def protect(table: pd.DataFrame, layout: Layout | None = None, threshold: int = THRESHOLD,
            protection: float = PROTECTION, audit: bool = True) -> pd.DataFrame:
    """A copy of ``table`` fit to publish: hidden cells are missing (nullable Int64/Float64) and a
    ``suppressed`` column marks rows that lost a cell. ``threshold`` 0 returns the table as it is."""
    out = table.copy()
    if threshold <= 0 or table.empty:
        out["suppressed"] = False
        return out
    layout = with_uncertainty(layout or layout_of(table), table)
    people = dict(layout.people)
    splits = _keys(table, layout.split)
    groups = [(s, g) for s, g in zip(splits, _keys(table, layout.groups))]
    cats = [(s, c) for s, c in zip(splits, _keys(table, layout.categories))]
    if not layout.categories and not layout.wide:
        cats = [(s, (i,)) for i, s in enumerate(splits)]
    cells = Cells()
    size_cell: dict[tuple, int] = {}
    size = layout.size if layout.size in table.columns else None
    size_rows: dict[tuple, list[int]] = {}
    for row, g in enumerate(groups):
        size_rows.setdefault(g, []).append(row)
    group_names = list(size_rows)
    if size:
        values = table[size].astype("float64").fillna(0).to_numpy()
        for g, rows in size_rows.items():
            size_cell[g] = cells.add(values[rows[0]], fixed=len(size_rows) == 1 and values[rows[0]] >= threshold)
        for s in dict.fromkeys(splits):
            mine = [size_cell[g] for g in group_names if g[0] == s]
            if len(mine) > 1:
                cells.equation(cells.add(sum(cells.value[i] for i in mine), fixed=True), mine)
    cell_of: dict[tuple[int, str], int] = {}
    group_total: dict[tuple, list[int]] = {}

    def value(col):
        return table[people.get(col, col)].astype("float64").fillna(0).to_numpy()

    # wide: the columns are the categories of one row, adding up to its size
    wide = [c for c in layout.wide if c in table.columns]
    if wide:
        vals = {c: value(c) for c in wide}
        for row, g in enumerate(groups):
            parts = [cell_of.setdefault((row, c), cells.add(vals[c][row])) for c in wide]
            total = size_cell.get(g)
            if total is None:
                total = cells.add(sum(cells.value[p] for p in parts))
            group_total.setdefault(g, []).append(total)
            cells.equation(total, parts, group=True)
        for s in dict.fromkeys(splits):
            rows = [r for r, sp in enumerate(splits) if sp == s]
            if len(rows) > 1:
                column_totals = []
                for c in wide:
                    parts = [cell_of[(r, c)] for r in rows]
                    column_totals.append(_category_total(cells, sum(cells.value[p] for p in parts), threshold))
                    cells.equation(column_totals[-1], parts)
                cells.equation(cells.add(sum(cells.value[i] for i in column_totals), fixed=True), column_totals)
    # long: each count column is a table of groups by categories
    for col in layout.counts:
        if col not in table.columns or col == size or col in wide:
            continue
        vals = value(col)
        for row in range(len(table)):
            cell_of[(row, col)] = cells.add(vals[row])
        totals = []
        for g, rows in size_rows.items():
            parts = [cell_of[(r, col)] for r in rows]
            single = len(size_rows) == 1 and sum(cells.value[p] for p in parts) >= threshold
            total = cells.add(sum(cells.value[p] for p in parts), fixed=single)
            if size is not None:
                cells.link([total, size_cell[g]])
            group_total.setdefault(g, []).append(total)
            totals.append((g, total))
            cells.equation(total, parts, group=True)
        for s in dict.fromkeys(splits):
            mine = [t for g, t in totals if g[0] == s]
            if len(mine) > 1:
                grand = cells.add(sum(cells.value[i] for i in mine), fixed=True)
                cells.equation(grand, mine)
                by_cat: dict[tuple, list[int]] = {}
                for r, (sp, c) in enumerate(cats):
                    if sp == s:
                        by_cat.setdefault(c, []).append(cell_of[(r, col)])
                column_totals = []
                for parts in by_cat.values():
                    column_totals.append(_category_total(cells, sum(cells.value[p] for p in parts), threshold))
                    cells.equation(column_totals[-1], parts)
                cells.equation(grand, column_totals)
    for columns in layout.together:
        for row in range(len(table)):
            cells.link([cell_of[(row, c)] for c in columns if (row, c) in cell_of])
    solve(cells, threshold, protection, audit)

    any_hidden = np.zeros(len(table), dtype=bool)
    group_hidden = {g: any(cells.hidden[t] for t in ts) or (g in size_cell and cells.hidden[size_cell[g]])
                    for g, ts in group_total.items()}
    if size and size_cell:
        for g in size_cell:
            group_hidden[g] = group_hidden.get(g, False) or cells.hidden[size_cell[g]]
    row_group_hidden = np.array([group_hidden.get(g, False) for g in groups], dtype=bool)
    masks = {}
    for (row, col), i in cell_of.items():
        masks.setdefault(col, np.zeros(len(table), dtype=bool))[row] = cells.hidden[i]
    for col, mask in masks.items():
        out[col] = _nullable(out[col]).mask(mask)
        if col in people and people[col] in out.columns:
            out[people[col]] = _nullable(out[people[col]]).mask(mask | _as_mask(out[people[col]].isna()))
        any_hidden |= mask
    if size:
        out[size] = _nullable(out[size]).mask(row_group_hidden)
        any_hidden |= row_group_hidden
    for d, source in layout.derived.items():
        if d not in out.columns:
            continue
        mask = row_group_hidden.copy()
        if source in masks:
            mask |= masks[source]
        out[d] = out[d].astype("Float64").mask(mask)
        any_hidden |= mask
    out["suppressed"] = any_hidden
    out.attrs["disclosure"] = layout
    return out


def _as_mask(series) -> np.ndarray:
    return series.fillna(False).to_numpy(dtype=bool)


def _nullable(values: pd.Series) -> pd.Series:
    """Nullable Int64 for whole numbers, Float64 for weighted (fractional) ones."""
    numbers = values.astype("Float64")
    present = numbers.dropna()
    return numbers.astype("Int64") if (present == present.round()).all() else numbers


def protect_counts(counts: Mapping, threshold: int = THRESHOLD, protection: float = PROTECTION,
                   total_published: bool = True) -> dict:
    """A list of counts (say responses per area) with their published total: key -> count or None."""
    keys = list(counts)
    if threshold <= 0:
        return dict(counts)
    cells = Cells()
    ids = [cells.add(counts[k]) for k in keys]
    if total_published:
        cells.equation(cells.add(sum(counts[k] for k in keys), fixed=True), ids)
    solve(cells, threshold, protection)
    return {k: None if cells.hidden[i] else counts[k] for k, i in zip(keys, ids)}


def hidden_areas(people: Mapping, threshold: int = THRESHOLD, protection: float = PROTECTION) -> set:
    """The areas whose number of respondents must not be shown beside the published total."""
    counts = {k: int(v) for k, v in people.items()}
    return {k for k, v in protect_counts(counts, threshold, protection).items() if v is None}


def protect_grid(values, threshold: int = THRESHOLD, protection: float = PROTECTION, row_totals: bool = True,
                 column_totals: bool = True, grand_total: bool = True, group_rule: bool = True):
    """A 2-D array of counts with its margins: returns hidden cells, hidden row totals and hidden column
    totals. The grand total is published. Used by the tests."""
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    cells = Cells()
    ids = np.array([[cells.add(values[r, c]) for c in range(cols)] for r in range(rows)]).reshape(rows, cols)
    row_ids = []
    for r in range(rows):
        total = cells.add(values[r].sum(), fixed=not row_totals)
        row_ids.append(total)
        if row_totals:
            cells.equation(total, list(ids[r]), group=group_rule)
    col_ids = []
    if column_totals and rows > 1:
        for c in range(cols):
            col_ids.append(_category_total(cells, values[:, c].sum(), threshold))
            cells.equation(col_ids[-1], list(ids[:, c]))
    if grand_total and rows > 1:
        grand = cells.add(values.sum(), fixed=True)
        if row_totals:
            cells.equation(grand, row_ids)
        if col_ids:
            cells.equation(grand, col_ids)
    solve(cells, threshold, protection)
    hidden = np.array([[cells.hidden[ids[r, c]] for c in range(cols)] for r in range(rows)])
    return (hidden, np.array([cells.hidden[t] for t in row_ids]),
            np.array([cells.hidden[t] for t in col_ids], dtype=bool))
