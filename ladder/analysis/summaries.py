"""Summaries: named functions from a response frame (see ``response_frame``) to a long table.

Every function takes the frame first and the survey second, so each can be registered as a
``Summary`` (``fn(frame, survey)``); extra arguments have defaults. The built-in ones are
registered by ``ladder.default_plugins.analysis``. Per-question summaries belong to the question
types (``QuestionType.summary``); :func:`question_summaries` collects them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .disclosure import PROTECTION, Layout, layout_of, protect
from .design import design_of, group_means, group_shares
from .intervals import SE_COLUMN, add_intervals, mean_se


def question_summaries(frame: pd.DataFrame, survey, registry, locale: str = "nl", public: bool = False) -> list:
    """Each question's own summary (``QuestionType.summary``), in survey order; ``public`` leaves out
    what is never published (free text)."""
    out = []
    for question in survey.questions:
        found = registry.type_of(question).summary(question, frame, survey, locale)
        if found is not None and (found.public or not public):
            out.append(with_uncertainty(found, frame))
    return out


def with_uncertainty(found, frame: pd.DataFrame):
    """A question summary with its uncertainty (see ``ladder.analysis.intervals``): ``ci_low`` and
    ``ci_high`` beside ``share`` (Wilson, of those who answered), ``se`` beside ``mean_points``, and
    ``mean``/``se`` on the summary itself for a scale or number. Each is declared derived from the
    count its estimate comes from, so disclosure control hides them together."""
    table, derived = found.table, dict(found.derived)
    if "share" in table.columns and "count" in table.columns and len(table):
        table = add_intervals(table, found.answered)
        source = derived.get("share", "count")
        derived.update({"ci_low": source, "ci_high": source})
    qid = found.question.id
    positions = frame.attrs.get("rankings", {}).get(qid)
    if "mean_points" in table.columns and positions and all(p in frame.columns for p in positions):
        answered = frame[positions[0]].notna().to_numpy()
        table = table.copy()
        table[SE_COLUMN] = [mean_se(_points_of(frame, positions, value)[answered]) for value in table["value"]]
        derived[SE_COLUMN] = derived.get("mean_points", "n")
    found.table, found.derived = table, derived
    numbers = _numeric_answers(frame, qid)
    if numbers is not None and len(numbers):
        found.mean, found.se = float(numbers.mean()), mean_se(numbers)
    return found


def _numeric_answers(frame: pd.DataFrame, qid: str) -> np.ndarray | None:
    """The answers to a scale or number question as floats (None for other questions)."""
    if qid not in frame.columns:
        return None
    col = frame[qid]
    if isinstance(col.dtype, pd.CategoricalDtype):
        if not (col.cat.ordered and all(isinstance(c, int | np.integer) for c in col.cat.categories)):
            return None
        col = col.astype("float64")
    elif not pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        return None
    return col.astype("Float64").dropna().to_numpy(dtype="float64")


def _points_of(frame: pd.DataFrame, positions: list[str], value) -> np.ndarray:
    """Each respondent's Borda points for ``value``: ``k`` at position 1 .. 1 at position ``k``, else 0."""
    k = len(positions)
    points = np.zeros(len(frame), dtype="float64")
    for i, p in enumerate(positions):
        points += (frame[p] == value).fillna(False).to_numpy(dtype=bool) * (k - i)
    return points

RUNG_PREFIX = "rung_"
WEIGHT = "weight"  # a frame column of survey weights (``frame["weight"] = rake(...)``); summaries use it


def _area(frame: pd.DataFrame) -> pd.Series:
    return frame["area"] if "area" in frame else pd.Series(pd.NA, index=frame.index, name="area")


def _weights(frame: pd.DataFrame, weighted: bool | None) -> pd.Series | None:
    """The ``weight`` column when the frame has one (and ``weighted`` is not False)."""
    if weighted is False or WEIGHT not in frame.columns:
        if weighted:
            raise KeyError("weighted=True but the frame has no 'weight' column")
        return None
    return frame[WEIGHT].astype("float64").fillna(1.0)


def _group_codes(group: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes of a grouping column (-1 when missing) and its keys in order (categories, else sorted)."""
    if isinstance(group.dtype, pd.CategoricalDtype):
        return group.cat.codes.to_numpy(dtype="int64"), list(group.cat.categories)
    codes, keys = pd.factorize(group, sort=True)
    return codes.astype("int64"), list(keys)


def _sums(codes: np.ndarray, mask: np.ndarray, groups: int, weights: np.ndarray | None = None) -> np.ndarray:
    keep = mask & (codes >= 0)
    if weights is None:
        return np.bincount(codes[keep], minlength=groups)
    # float even when nothing is kept (bincount then gives int64)
    return np.bincount(codes[keep], weights=weights[keep], minlength=groups).astype("float64")


def rungs_per_area(frame: pd.DataFrame, survey=None, weighted: bool | None = None) -> pd.DataFrame:
    """Responses per area, aspect and rung: columns area, aspect, rung, count, share, ci_low, ci_high.

    ``share`` is the count divided by the responses placed on that aspect in that area, with its
    95 % interval ``ci_low``..``ci_high`` (see ``ladder.analysis.intervals``). Rungs nobody reached are
    left out; rows follow area order, aspect order and the ladder's rung order.

    When the frame has a ``weight`` column (see ``ladder.analysis.weights``), ``count`` is the sum of
    the weights (a float), ``share`` the weighted share (its interval is design-based: see
    ``ladder.analysis.design``), and an extra column ``respondents`` holds the unweighted number of people, which
    :func:`suppress` uses. ``weighted=False`` ignores the column.
    """
    rung_cols = [c for c in frame.columns if c.startswith(RUNG_PREFIX)]
    w = _weights(frame, weighted)
    out_cols = ["area", "aspect", "rung", "count", "share", "ci_low", "ci_high"] + \
        (["respondents"] if w is not None else [])
    if frame.empty or not rung_cols:
        return pd.DataFrame(columns=out_cols)
    parts = []
    area_codes, areas = _group_codes(_area(frame))
    weights = None if w is None else w.to_numpy(dtype="float64")
    for col in rung_cols:
        rungs = list(frame[col].cat.categories)
        codes = frame[col].cat.codes.to_numpy(dtype="int64")
        placed = (codes >= 0) & (area_codes >= 0)
        cell = area_codes * len(rungs) + codes
        size = len(areas) * len(rungs)
        people = _sums(cell, placed, size).reshape(len(areas), len(rungs))
        if weights is None:
            count, n_eff = people.astype("float64"), people.sum(axis=1)
            low = high = None
        else:
            count = _sums(cell, placed, size, weights).reshape(len(areas), len(rungs))
            n_eff = np.zeros(len(areas))
            # weighted: the design-based interval (ladder.analysis.design), not Wilson
            _share, _se, low, high = group_shares(design_of(frame, weights), area_codes, len(areas),
                                                  [codes == k for k in range(len(rungs))], placed)
        totals = count.sum(axis=1, keepdims=True)
        share = np.divide(count, totals, out=np.full_like(count, np.nan), where=totals > 0)
        long = pd.DataFrame({
            "area": np.repeat(np.asarray(areas, dtype=object), len(rungs)),
            "aspect": col.removeprefix(RUNG_PREFIX),
            "rung": np.tile(np.asarray(rungs, dtype=object), len(areas)),
            "count": count.ravel(), "share": share.ravel(), "respondents": people.ravel(),
            "n_eff": np.repeat(n_eff, len(rungs)),
        })
        if low is not None:
            long["ci_low"], long["ci_high"] = low.ravel(), high.ravel()
        parts.append(long[long["respondents"] > 0])
    out = pd.concat(parts, ignore_index=True)
    out["count"] = out["count"].astype("float64" if w is not None else "int64")
    out["respondents"] = out["respondents"].astype("int64")
    out["area"] = out["area"].astype(str)
    out["rung"] = out["rung"].astype(str)
    if w is None:
        out = add_intervals(out, "n_eff")
    out = out[out_cols].reset_index(drop=True)
    out.attrs["disclosure"] = RUNGS_LAYOUT_WEIGHTED if w is not None else RUNGS_LAYOUT
    return out


def aspect_gap(frame: pd.DataFrame, survey=None, first: str | None = None, second: str | None = None,
               by: str = "area", weighted: bool | None = None) -> pd.DataFrame:
    """Per area: how many are placed higher on ``second`` than on ``first`` (want more say), lower, the same.

    ``first`` and ``second`` default to the survey's aspects for now and wanted (``Survey.now_and_wanted``,
    e.g. huidig and gewenst; none: an empty table), or without a survey the frame's first two rung columns.
    Columns: area, first, second, n (placed on both), more, same, less, mean_difference (rung
    levels of second minus first), se (its standard error). With a ``weight`` column, more/same/less
    are sums of weights, the mean is weighted (its se design-based: ``ladder.analysis.design``),
    ``n`` stays the number of people and ``weighted_n`` is added.
    """
    cols = ["area", "first", "second", "n", "more", "same", "less", "mean_difference", "se"]
    w = _weights(frame, weighted)
    if first is None or second is None:
        aspects = [c.removeprefix(RUNG_PREFIX) for c in frame.columns if c.startswith(RUNG_PREFIX)]
        if survey is not None:  # two unrelated aspects (two roles) would give a difference without meaning
            aspects = list(survey.now_and_wanted() or ())
        if len(aspects) < 2:
            return pd.DataFrame(columns=cols)
        first, second = first or aspects[0], second or aspects[1]
    a = frame[RUNG_PREFIX + first].cat.codes.astype("int64")
    b = frame[RUNG_PREFIX + second].cat.codes.astype("int64")
    both = (a >= 0) & (b >= 0)
    diff = (b - a).where(both)
    work = pd.DataFrame({by: frame[by], "diff": diff, "w": 1.0 if w is None else w})[both]
    work["more"] = (work["diff"] > 0) * work["w"]
    work["same"] = (work["diff"] == 0) * work["w"]
    work["less"] = (work["diff"] < 0) * work["w"]
    work["wdiff"] = work["diff"] * work["w"]
    # for the linearised standard error: sums of w², w²x and w²x²
    work["w2"] = work["w"] ** 2
    work["w2x"] = work["w2"] * work["diff"]
    work["w2x2"] = work["w2x"] * work["diff"]
    grouped = work.groupby(by, observed=False, sort=True)
    sums = grouped[["more", "same", "less", "w", "wdiff", "w2", "w2x", "w2x2"]].sum()
    size = grouped.size()
    mean = sums["wdiff"] / sums["w"].where(sums["w"] > 0)
    spread = sums["w2x2"] - 2 * mean * sums["w2x"] + mean ** 2 * sums["w2"]
    se = np.sqrt((size / (size - 1)).where(size > 1) * spread.clip(lower=0)) / sums["w"].where(sums["w"] > 0)
    out = pd.DataFrame({
        "n": size,
        "more": sums["more"], "same": sums["same"], "less": sums["less"],
        "mean_difference": mean, "se": se,
    }).reset_index()
    if w is not None:
        out["weighted_n"] = sums["w"].to_numpy()
        # weighted: the design-based standard error of the mean (ladder.analysis.design)
        codes, keys = _group_codes(frame[by])
        _mean, design_se = group_means(design_of(frame, w.to_numpy(dtype="float64")), codes, len(keys),
                                       diff.fillna(0).to_numpy(dtype="float64"), both.to_numpy(dtype=bool))
        by_key = dict(zip(keys, design_se))
        out["se"] = [by_key.get(k, np.nan) if n > 1 else np.nan for k, n in zip(out[by], out["n"])]
    out = out.rename(columns={by: "area"} if by != "area" else {})
    out.insert(1, "first", first)
    out.insert(2, "second", second)
    out["area"] = out["area"].astype(str)
    out["n"] = out["n"].astype("int64")
    for col in ("more", "same", "less"):
        out[col] = out[col].astype("float64" if w is not None else "int64")
    out["mean_difference"] = out["mean_difference"].astype("float64")
    out["se"] = out["se"].astype("float64")
    out.attrs["disclosure"] = GAP_LAYOUT
    return out


def ranking_questions(frame: pd.DataFrame, survey=None) -> dict[str, list[str]]:
    """Ranking question id -> its position columns in the frame, in position order."""
    return {qid: [c for c in cols if c in frame.columns]
            for qid, cols in frame.attrs.get("rankings", {}).items() if all(c in frame.columns for c in cols)}


def ranking_borda(frame: pd.DataFrame, survey, question: str | None = None, by: str = "area",
                  weighted: bool | None = None) -> pd.DataFrame:
    """Ranking questions aggregated per area with Borda points (see ``ladder.question_types.borda``).

    Columns: area, question, choice, points, first (times ranked first), ranked (times ranked at
    all), n (respondents who answered the question in that area), mean_points (points / n), se
    (its standard error). Rows are sorted by points within each area.

    With a ``weight`` column, points, first and ranked are sums of weights (each respondent's points
    times their weight), mean_points is the weighted mean and se its design-based standard error
    (``ladder.analysis.design``);
    ``n`` stays people, and ``first_respondents`` and ``ranked_respondents`` hold the people behind
    first and ranked (and the points), which disclosure control decides on.
    """
    w = _weights(frame, weighted)
    cols = ["area", "question", "choice", "points", "first", "ranked", "n", "mean_points", "se"]
    if w is not None:
        cols += ["first_respondents", "ranked_respondents"]
    rankings = ranking_questions(frame, survey)
    if question is not None:
        rankings = {question: rankings[question]}
    group_codes, keys = _group_codes(frame[by])
    g = len(keys)
    weights = np.ones(len(frame)) if w is None else w.to_numpy(dtype="float64")
    parts = []
    for qid, positions in rankings.items():
        answered = frame[positions[0]].notna().to_numpy()
        n = _sums(group_codes, answered, g)
        sw = _sums(group_codes, answered, g, weights)
        sw2 = _sums(group_codes, answered, g, weights * weights)
        first_col = frame[positions[0]]
        choices = list(first_col.cat.categories) if isinstance(first_col.dtype, pd.CategoricalDtype) \
            else sorted({v for p in positions for v in frame[p].dropna()})
        for choice in choices:
            pts = _points_of(frame, positions, choice)
            first = (first_col == choice).fillna(False).to_numpy(dtype=bool)
            ranked = pts > 0
            wpts = _sums(group_codes, answered, g, weights * pts)
            mean = np.divide(wpts, sw, out=np.full(g, np.nan), where=sw > 0)
            # linearised standard error of the weighted mean: Σw²(x - mean)² per group
            w2x = _sums(group_codes, answered, g, weights ** 2 * pts)
            w2x2 = _sums(group_codes, answered, g, weights ** 2 * pts ** 2)
            spread = np.clip(w2x2 - 2 * mean * w2x + mean ** 2 * sw2, 0, None)
            with np.errstate(invalid="ignore", divide="ignore"):
                se = np.where(n > 1, np.sqrt(n / np.maximum(n - 1, 1) * spread) / np.where(sw > 0, sw, np.nan), np.nan)
            if w is not None:  # weighted: the design-based standard error (ladder.analysis.design)
                se = np.where(n > 1, group_means(design_of(frame, weights), group_codes, g, pts, answered)[1], np.nan)
            part = pd.DataFrame({
                "area": [str(k) for k in keys], "question": qid, "choice": choice,
                "points": _sums(group_codes, answered, g, pts if w is None else weights * pts),
                "first": _sums(group_codes, answered & first, g, None if w is None else weights),
                "ranked": _sums(group_codes, answered & ranked, g, None if w is None else weights),
                "n": n, "mean_points": mean if w is not None else np.divide(
                    _sums(group_codes, answered, g, pts), n, out=np.full(g, np.nan), where=n > 0),
                "se": se,
            })
            if w is not None:
                part["first_respondents"] = _sums(group_codes, answered & first, g)
                part["ranked_respondents"] = _sums(group_codes, answered & ranked, g)
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["area", "question", "points", "choice"], ascending=[True, True, False, True],
                          kind="stable")
    counts = ("n", "first_respondents", "ranked_respondents") if w is not None else ("points", "first", "ranked", "n")
    for col in counts:
        out[col] = out[col].astype("int64")
    out = out[cols].reset_index(drop=True)
    out.attrs["disclosure"] = BORDA_LAYOUT_WEIGHTED if w is not None else BORDA_LAYOUT
    return out


def _by_column(frame: pd.DataFrame, by: str) -> str:
    if by in frame.columns:
        return by
    if RUNG_PREFIX + by in frame.columns:
        return RUNG_PREFIX + by
    raise KeyError(f"no column {by!r} (nor {RUNG_PREFIX + by!r}) in the frame")


def crosstab(frame: pd.DataFrame, survey, question: str, by: str = "area", weighted: bool | None = None) -> pd.DataFrame:
    """Counts of the answers to ``question`` per value of ``by`` (``area``, an aspect or a rung column).

    Works for any coded question: choices, scales, area, rungs; multiple choice counts each choice
    (``share`` is then of those who answered the question, so shares may add up to more than 1);
    ranking counts the choice at position 1. Columns: <by>, question, value, count, share (count
    divided by those in the group who answered), ci_low, ci_high (its 95 % interval). With a
    ``weight`` column, count is a sum of weights, share the weighted share (design-based interval,
    ``ladder.analysis.design``) and ``respondents`` the number of people.
    """
    by_col = _by_column(frame, by)
    group_codes, keys = _group_codes(frame[by_col])
    g = len(keys)
    w = _weights(frame, weighted)
    weights = None if w is None else w.to_numpy(dtype="float64")
    own = frame.attrs.get("questions", {}).get(question, [])
    mc = [c for c in own if isinstance(frame[c].dtype, pd.BooleanDtype)]
    if mc:
        answered = frame[mc[0]].notna().to_numpy()
        values = [c.split("__", 1)[1] for c in mc]
        hits = [frame[c].fillna(False).to_numpy(dtype=bool) for c in mc]
    else:
        col = question if question in frame.columns else (f"{question}_1" if f"{question}_1" in frame.columns
                                                           else _by_column(frame, question))
        value_codes, values = _group_codes(frame[col])
        answered = value_codes >= 0
        hits = [value_codes == j for j in range(len(values))]
    people = np.column_stack([_sums(group_codes, answered & h, g) for h in hits]) if hits else np.zeros((g, 0))
    n = _sums(group_codes, answered, g)
    if weights is None:
        count, total, n_eff = people.astype("float64"), n.astype("float64"), n.astype("float64")
    else:
        count = np.column_stack([_sums(group_codes, answered & h, g, weights) for h in hits]) if hits \
            else np.zeros((g, 0))
        total = _sums(group_codes, answered, g, weights)
        n_eff = np.zeros(len(total))
        # weighted: the design-based interval (ladder.analysis.design), not Wilson
        _share, _se, low, high = group_shares(design_of(frame, weights), group_codes, g, hits, answered)
    k = len(values)
    share = np.divide(count, total[:, None], out=np.full(count.shape, np.nan), where=total[:, None] > 0)
    long = pd.DataFrame({
        by: np.repeat(np.asarray([str(x) for x in keys], dtype=object), k),
        "question": question,
        "value": np.tile(np.asarray([str(v) for v in values], dtype=object), g),
        "count": count.ravel() if weights is not None else people.ravel().astype("int64"),
        "share": share.ravel(),
        "n_eff": np.repeat(n_eff, k),
    })
    long = add_intervals(long, "n_eff").drop(columns="n_eff")
    if weights is not None:
        long["ci_low"], long["ci_high"] = low.ravel(), high.ravel()
        long["respondents"] = people.ravel().astype("int64")
    long.attrs["disclosure"] = crosstab_layout(by, weighted=weights is not None)
    return long


def choice_questions(frame: pd.DataFrame, survey) -> list[str]:
    """Question ids of the survey whose answers are coded (choices, scales, rankings, own coded types)."""
    return [qid for qid, cols in frame.attrs.get("questions", {}).items()
            if isinstance(frame[cols[0]].dtype, pd.CategoricalDtype | pd.BooleanDtype)]


def crosstabs(frame: pd.DataFrame, survey, by: str = "area", weighted: bool | None = None) -> pd.DataFrame:
    """:func:`crosstab` of every coded question by ``by``, stacked."""
    parts = [crosstab(frame, survey, qid, by, weighted=weighted) for qid in choice_questions(frame, survey)]
    if not parts:
        return pd.DataFrame(columns=[by, "question", "value", "count", "share", "ci_low", "ci_high"])
    out = pd.concat(parts, ignore_index=True)
    out.attrs["disclosure"] = crosstab_layout(by, weighted="respondents" in out.columns)
    return out


# --- disclosure control -------------------------------------------------------------------------

# A derived column and the count column whose smallness it would reveal.
DERIVED = {"share": "count", "mean_difference": "n", "mean_points": "points", "weighted_n": "n",
           "ci_low": "count", "ci_high": "count"}
_SHARE = {"share": "count", "ci_low": "count", "ci_high": "count"}

RUNGS_LAYOUT = Layout(counts=("count",), derived=_SHARE, groups=("area",), categories=("rung",),
                      split=("aspect",))
RUNGS_LAYOUT_WEIGHTED = Layout(counts=("count",), derived=_SHARE, groups=("area",),
                               categories=("rung",), split=("aspect",), people={"count": "respondents"})
GAP_LAYOUT = Layout(counts=("more", "same", "less", "n"),
                    derived={"mean_difference": "n", "se": "n", "weighted_n": "n"},
                    groups=("area",), split=("first", "second"), size="n", wide=("more", "same", "less"))
BORDA_LAYOUT = Layout(counts=("points", "first", "ranked", "n"), derived={"mean_points": "points", "se": "points"},
                      groups=("area",), categories=("choice",), split=("question",), size="n",
                      together=(("first", "points"),))
# weighted: the people behind a choice's points are those who ranked it
BORDA_LAYOUT_WEIGHTED = Layout(counts=("points", "first", "ranked", "n"),
                               derived={"mean_points": "points", "se": "points"},
                               groups=("area",), categories=("choice",), split=("question",), size="n",
                               together=(("first", "points"),),
                               people={"points": "ranked_respondents", "ranked": "ranked_respondents",
                                       "first": "first_respondents"})


def crosstab_layout(by: str, weighted: bool = False) -> Layout:
    return Layout(counts=("count",), derived=_SHARE, groups=(by,), categories=("value",),
                  split=("question",), people={"count": "respondents"} if weighted else {})


def suppress(table: pd.DataFrame, threshold: int = 5, counts=None, derived=None, keep_zero: bool = True,
             layout: Layout | None = None, protection: float = PROTECTION) -> pd.DataFrame:
    """Hide what could point at people, for publication (see ``ladder.analysis.disclosure``).

    Counts from 1 to ``threshold - 1`` become missing (primary suppression), and so do enough other
    cells that none of them can be worked out from totals, shares, group sizes or other cells
    (complementary suppression; every hidden cell keeps a range of at least ``protection``).
    ``counts`` and ``derived`` (a derived column -> its count column) declare the table; by default
    the layout a core summary attached, else every numeric column counts people. Weighted tables
    decide on the ``respondents`` column (people), not on weights. Returns a copy with nullable
    counts and a ``suppressed`` column. ``keep_zero`` is kept for compatibility: a zero is shown
    unless it must be hidden to protect another cell.
    """
    if threshold <= 0:
        return table.copy()
    if layout is None:
        layout = layout_of(table, counts=list(counts) if counts is not None else None,
                           derived=dict(derived) if derived is not None else None)
    return protect(table, layout, threshold, protection)
