"""Disclosure control (issue 9): no hidden cell can be worked out from what is published.

The attacker's view is solved with linear programming: for each hidden cell, the lowest and highest
value consistent with every published cell and total (all cells between 0 and the grand total).
"""
from __future__ import annotations


import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from ladder.analysis.disclosure import PROTECTION, THRESHOLD, Layout, protect, protect_counts, protect_grid
from ladder.analysis.summaries import suppress

SMALLEST: list[float] = []  # smallest range found, reported at the end


def attacker_ranges(values, hidden, row_hidden, col_hidden, row_totals=True, col_totals=True):
    """Min and max of each hidden cell given the published cells and margins (the grand total is known)."""
    values = np.asarray(values, dtype=float)
    r, c = values.shape
    col_totals = col_totals and r > 1
    var = {}
    for i in range(r):
        for j in range(c):
            if hidden[i, j]:
                var[("cell", i, j)] = len(var)
    for i in range(r):
        if row_totals and row_hidden[i]:
            var[("row", i)] = len(var)
    for j in range(c):
        if col_totals and col_hidden[j]:
            var[("col", j)] = len(var)
    if not var:
        return {}
    a, b = [], []

    def equation(cells, total_key, total_value):
        row, rhs = np.zeros(len(var)), 0.0
        for key, v in cells:
            if key in var:
                row[var[key]] += 1
            else:
                rhs -= v
        if total_key in var:
            row[var[total_key]] -= 1
        else:
            rhs += total_value
        if row.any():
            a.append(row)
            b.append(rhs)

    if row_totals:
        for i in range(r):
            equation([(("cell", i, j), values[i, j]) for j in range(c)], ("row", i), values[i].sum())
        if r > 1:
            equation([(("row", i), values[i].sum()) for i in range(r)], None, values.sum())
    if col_totals:
        for j in range(c):
            equation([(("cell", i, j), values[i, j]) for i in range(r)], ("col", j), values[:, j].sum())
        equation([(("col", j), values[:, j].sum()) for j in range(c)], None, values.sum())
    if r == 1 and not row_totals:
        equation([(("cell", 0, j), values[0, j]) for j in range(c)], None, values.sum())
    out = {}
    for key, k in var.items():
        objective = np.zeros(len(var))
        objective[k] = 1
        low = linprog(objective, A_eq=np.array(a), b_eq=np.array(b), bounds=(0, values.sum()), method="highs")
        high = linprog(-objective, A_eq=np.array(a), b_eq=np.array(b), bounds=(0, values.sum()), method="highs")
        assert low.success and high.success
        out[key] = (low.fun, -high.fun)
    return out


CELL = st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30])


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(2, 6))
    return np.array(draw(st.lists(st.lists(CELL, min_size=cols, max_size=cols), min_size=rows, max_size=rows)))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_can_be_narrowed_below_the_protection_interval(values):
    hidden, row_hidden, col_hidden = protect_grid(values, THRESHOLD, PROTECTION)
    assert not ((values > 0) & (values < THRESHOLD) & ~hidden).any(), "a small count is shown"
    if values.sum() < THRESHOLD:
        return  # a table of fewer people than the threshold: everything is hidden, nothing to narrow
    for key, (low, high) in attacker_ranges(values, hidden, row_hidden, col_hidden).items():
        SMALLEST.append(high - low)
        assert high - low >= PROTECTION - 1e-6, (key, low, high, values, hidden)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELL, min_size=2, max_size=8))
def test_a_list_with_its_total_gives_no_hidden_count_away(counts):
    shown = protect_counts(dict(enumerate(counts)))
    values = np.array([counts], dtype=float)
    hidden = np.array([[shown[i] is None for i in range(len(counts))]])
    assert all(shown[i] is None for i, n in enumerate(counts) if 0 < n < THRESHOLD)
    if sum(counts) < THRESHOLD:
        return
    for key, (low, high) in attacker_ranges(values, hidden, [False], [], row_totals=False,
                                            col_totals=False).items():
        SMALLEST.append(high - low)
        assert high - low >= PROTECTION - 1e-6, (key, counts, shown)


def test_the_smallest_range_found_is_reported():
    # runs after the two property tests above (file order): print what they found
    if SMALLEST:
        print(f"\nsmallest protection range found: {min(SMALLEST):g} (interval {PROTECTION})")
        assert min(SMALLEST) >= PROTECTION - 1e-6


# --- the findings of the issue, one by one ---------------------------------------------------------

def test_area_counts_total_24_one_area_22_cannot_give_the_other_away():
    shown = protect_counts({"testdorp": 22, "proefwijk": 2})
    assert shown["proefwijk"] is None
    assert shown["testdorp"] is None  # else 24 - 22 = 2


def test_a_single_hidden_cell_is_not_its_row_total_minus_the_zeros():
    table = pd.DataFrame({"area": ["a"] * 3, "value": ["x", "y", "z"], "count": [2, 0, 9],
                          "share": [2 / 11, 0, 9 / 11]})
    out = suppress(table, 5)
    assert out["count"].isna().sum() >= 2  # the 2 and a complement
    assert out["share"].isna().sum() >= 2


def test_a_hidden_count_is_not_its_share_times_the_total():
    table = pd.DataFrame({"area": ["a", "a", "b", "b"], "value": ["x", "y", "x", "y"], "count": [2, 9, 6, 7],
                          "share": [2 / 11, 9 / 11, 6 / 13, 7 / 13]})
    out = suppress(table, 5)
    for row in out.itertuples():
        if pd.isna(row.count):
            assert pd.isna(row.share)
    a = out[out.area == "a"]
    assert a["count"].isna().sum() == 2  # 9 would give the 2 away


def test_all_answers_in_one_category_hides_the_group_answer():
    table = pd.DataFrame({"area": ["a"] * 3, "value": ["ja", "nee", "weet niet"], "count": [12, 0, 0]})
    out = suppress(table, 5)
    assert pd.isna(out.loc[0, "count"])


def test_borda_points_are_protected():
    table = pd.DataFrame({"area": ["a"] * 3, "question": ["q"] * 3, "choice": ["x", "y", "z"],
                          "points": [12, 9, 1], "first": [4, 3, 0], "ranked": [5, 5, 2], "n": [7] * 3,
                          "mean_points": [12 / 7, 9 / 7, 1 / 7]})
    out = suppress(table, 5)
    assert pd.isna(out.loc[2, "points"]) and pd.isna(out.loc[2, "mean_points"])
    assert out["points"].isna().sum() >= 2


def test_gap_group_size_beside_a_gap_table_does_not_give_a_cell_away():
    table = pd.DataFrame({"area": ["a", "b"], "first": ["nu"] * 2, "second": ["wens"] * 2, "n": [12, 15],
                          "more": [8, 6], "same": [3, 5], "less": [1, 4], "mean_difference": [0.5, 0.2]})
    out = suppress(table, 5)
    a = out[out.area == "a"].iloc[0]
    hidden = [c for c in ("more", "same", "less") if pd.isna(a[c])]
    assert len(hidden) >= 2 or pd.isna(a["n"])


def test_a_summary_that_declares_nothing_has_every_number_protected():
    from ladder_rotterdam import buurt_bestuurt
    frame = pd.DataFrame({"area": ["noord"] + ["zuid"] * 6,
                          "prioriteiten": [["groen", "parkeren", "zwerfvuil"]] + [["groen", "zwerfvuil", "parkeren"]] * 6})
    table = buurt_bestuurt.borda(frame)
    out = suppress(table, 5)
    noord = out[out.area == "noord"]
    assert noord[["points", "first_places", "respondents"]].isna().all().all()  # one resident's ranking


def test_rotterdam_summary_declares_its_columns():
    from ladder_rotterdam import summaries
    summary = summaries()[0]
    assert set(summary.counts) >= {"points", "first_places"}


def test_protection_holds_on_a_long_table_with_published_shares():
    rng = np.random.default_rng(9)
    for _ in range(15):
        values = rng.choice([0, 0, 1, 2, 3, 4, 6, 10, 25], size=(rng.integers(2, 5), rng.integers(2, 5)))
        if values.sum() < THRESHOLD:
            continue
        rows = [{"area": f"g{i}", "value": f"c{j}", "count": int(values[i, j])}
                for i in range(values.shape[0]) for j in range(values.shape[1])]
        table = pd.DataFrame(rows)
        table["share"] = table["count"] / table.groupby("area")["count"].transform("sum").replace(0, np.nan)
        out = protect(table, Layout(counts=("count",), derived={"share": "count"}, groups=("area",),
                                    categories=("value",)))
        hidden = out["count"].isna().to_numpy().reshape(values.shape)
        # a row total is known when any share of the row is shown next to its count
        row_hidden = np.array([out[out.area == f"g{i}"]["share"].isna().all() for i in range(values.shape[0])])
        # the attacker has every cell shown, the row totals the shares give, and the grand total
        for key, (low, high) in attacker_ranges(values, hidden, row_hidden, [], col_totals=False).items():
            if key[0] != "cell":
                continue  # a row total the page publishes elsewhere (answers per area)
            SMALLEST.append(high - low)
            assert high - low >= PROTECTION - 1e-6, (key, values, hidden)
