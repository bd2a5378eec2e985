"""Summaries: named functions from a response frame (see ``response_frame``) to a long table.

Every function takes the frame first and the survey second, so each can be registered as a
``Summary`` (``fn(frame, survey)``); extra arguments have defaults. The built-in ones are
registered by ``ladder.default_plugins.analysis``. Per-question summaries belong to the question
types (``QuestionType.summary``); :func:`question_summaries` collects them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..question_types import borda
from ..text import Text, text
from .disclosure import PROTECTION, Layout, layout_of, protect


@dataclass(frozen=True)
class Summary:
    """``fn(frame, survey) -> DataFrame``; ``surveys`` limits it to some slugs (empty: every survey).

    What the table publishes, for disclosure control (``ladder.analysis.disclosure``): ``counts``
    are the columns counting people (or computed from such counts, like Borda points); ``derived``
    maps shares and means to the count they come from; ``groups`` name a group (its cells add up to
    its size ``size``), ``categories`` a category, ``split`` separate tables within the table. A
    summary that declares no ``counts`` has every numeric column protected as a count.
    """

    name: str
    title: Text
    fn: Callable[[Any, Any], Any]
    surveys: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    derived: Mapping[str, str] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    split: tuple[str, ...] = ()
    size: str | None = None

    def applies_to(self, survey) -> bool:
        return not self.surveys or survey.slug in self.surveys

    def layout(self, table: pd.DataFrame) -> Layout:
        """The table's layout: as declared, else read off the table (every numeric column a count)."""
        if not self.counts:
            return layout_of(table)
        declared = {k: v for k, v in (("groups", self.groups), ("categories", self.categories),
                                      ("split", self.split), ("size", self.size)) if v}
        return layout_of(table, counts=self.counts, derived=dict(self.derived), **declared)

    def protected(self, table: pd.DataFrame, threshold: int, protection: float = PROTECTION) -> pd.DataFrame:
        """``table`` fit to publish (see :func:`suppress`); threshold 0 returns it unchanged."""
        return protect(table, self.layout(table), threshold, protection) if threshold else table


def make_summary(name: str, title, fn, surveys=(), **disclosure) -> Summary:
    """A :class:`Summary`; ``disclosure`` takes its ``counts``, ``derived``, ``groups``, ``categories``,
    ``split`` and ``size``."""
    fields = {k: (tuple(v) if k not in ("derived", "size") else v) for k, v in disclosure.items()}
    return Summary(name=name, title=text(title), fn=fn, surveys=tuple(surveys), **fields)


def question_summaries(frame: pd.DataFrame, survey, registry, locale: str = "nl", public: bool = False) -> list:
    """Each question's own summary (``QuestionType.summary``), in survey order; ``public`` leaves out
    what is never published (free text)."""
    out = []
    for question in survey.questions:
        found = registry.type_of(question).summary(question, frame, survey, locale)
        if found is not None and (found.public or not public):
            out.append(found)
    return out

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


def rungs_per_area(frame: pd.DataFrame, survey=None, weighted: bool | None = None) -> pd.DataFrame:
    """Responses per area, aspect and rung: columns area, aspect, rung, count, share.

    ``share`` is the count divided by the responses placed on that aspect in that area. Rungs
    nobody reached are left out; rows follow area order, aspect order and the ladder's rung order.

    When the frame has a ``weight`` column (see ``ladder.analysis.weights``), ``count`` is the sum of
    the weights (a float), ``share`` the weighted share, and an extra column ``respondents`` holds the
    unweighted number of people, which :func:`suppress` uses. ``weighted=False`` ignores the column.
    """
    rung_cols = [c for c in frame.columns if c.startswith(RUNG_PREFIX)]
    w = _weights(frame, weighted)
    out_cols = ["area", "aspect", "rung", "count", "share"] + (["respondents"] if w is not None else [])
    if frame.empty or not rung_cols:
        return pd.DataFrame(columns=out_cols)
    parts = []
    area = _area(frame)
    for col in rung_cols:
        counts = pd.crosstab(area, frame[col], dropna=True)  # area x rung, categories in order
        long = counts.stack().rename("respondents").reset_index()
        long.columns = ["area", "rung", "respondents"]
        if w is not None:
            sums = pd.crosstab(area, frame[col], values=w, aggfunc="sum", dropna=True)
            long["count"] = sums.reindex_like(counts).fillna(0.0).stack().to_numpy()
        else:
            long["count"] = long["respondents"]
        long = long[long["respondents"] > 0]
        long.insert(1, "aspect", col.removeprefix(RUNG_PREFIX))
        parts.append(long)
    out = pd.concat(parts, ignore_index=True)
    totals = out.groupby(["area", "aspect"], observed=True, sort=False)["count"].transform("sum")
    out["count"] = out["count"].astype("float64" if w is not None else "int64")
    out["respondents"] = out["respondents"].astype("int64")
    out["share"] = out["count"] / totals
    out["area"] = out["area"].astype(str)
    out["rung"] = out["rung"].astype(str)
    out = out[out_cols].reset_index(drop=True)
    out.attrs["disclosure"] = RUNGS_LAYOUT_WEIGHTED if w is not None else RUNGS_LAYOUT
    return out


def aspect_gap(frame: pd.DataFrame, survey=None, first: str | None = None, second: str | None = None,
               by: str = "area", weighted: bool | None = None) -> pd.DataFrame:
    """Per area: how many are placed higher on ``second`` than on ``first`` (want more say), lower, the same.

    ``first`` and ``second`` default to the survey's first two aspects (e.g. huidig and gewenst).
    Columns: area, first, second, n (placed on both), more, same, less, mean_difference (rung
    levels of second minus first). With a ``weight`` column, more/same/less are sums of weights,
    the mean is weighted, ``n`` stays the number of people and ``weighted_n`` is added.
    """
    cols = ["area", "first", "second", "n", "more", "same", "less", "mean_difference"]
    w = _weights(frame, weighted)
    if first is None or second is None:
        aspects = [c.removeprefix(RUNG_PREFIX) for c in frame.columns if c.startswith(RUNG_PREFIX)]
        if survey is not None and len(survey.aspects) >= 2:
            aspects = list(survey.aspects)
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
    grouped = work.groupby(by, observed=False, sort=True)
    sums = grouped[["more", "same", "less", "w", "wdiff"]].sum()
    out = pd.DataFrame({
        "n": grouped.size(),
        "more": sums["more"], "same": sums["same"], "less": sums["less"],
        "mean_difference": sums["wdiff"] / sums["w"].where(sums["w"] > 0),
    }).reset_index()
    if w is not None:
        out["weighted_n"] = sums["w"].to_numpy()
    out = out.rename(columns={by: "area"} if by != "area" else {})
    out.insert(1, "first", first)
    out.insert(2, "second", second)
    out["area"] = out["area"].astype(str)
    out["n"] = out["n"].astype("int64")
    for col in ("more", "same", "less"):
        out[col] = out[col].astype("float64" if w is not None else "int64")
    out["mean_difference"] = out["mean_difference"].astype("float64")
    out.attrs["disclosure"] = GAP_LAYOUT
    return out


def ranking_questions(frame: pd.DataFrame, survey=None) -> dict[str, list[str]]:
    """Ranking question id -> its position columns in the frame, in position order."""
    return {qid: [c for c in cols if c in frame.columns]
            for qid, cols in frame.attrs.get("rankings", {}).items() if all(c in frame.columns for c in cols)}


def ranking_borda(frame: pd.DataFrame, survey, question: str | None = None, by: str = "area") -> pd.DataFrame:
    """Ranking questions aggregated per area with Borda points (see ``ladder.question_types.borda``).

    Columns: area, question, choice, points, first (times ranked first), ranked (times ranked at
    all), n (respondents who answered the question in that area), mean_points (points / n). Rows
    are sorted by points within each area.
    """
    cols = ["area", "question", "choice", "points", "first", "ranked", "n", "mean_points"]
    rankings = ranking_questions(frame, survey)
    if question is not None:
        rankings = {question: rankings[question]}
    parts = []
    groups = frame[by]
    keys = list(groups.cat.categories) if isinstance(groups.dtype, pd.CategoricalDtype) else sorted(groups.dropna().unique())
    for qid, positions in rankings.items():
        for key in keys:
            table = borda(frame[(groups == key).fillna(False).to_numpy()], positions)
            table = table.rename(columns={"value": "choice"})
            table.insert(0, "area", str(key))
            table.insert(1, "question", qid)
            parts.append(table)
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["area", "question", "points", "choice"], ascending=[True, True, False, True],
                          kind="stable")
    for col in ("points", "first", "ranked", "n"):
        out[col] = out[col].astype("int64")
    out = out[cols].reset_index(drop=True)
    out.attrs["disclosure"] = BORDA_LAYOUT
    return out


def _by_column(frame: pd.DataFrame, by: str) -> str:
    if by in frame.columns:
        return by
    if RUNG_PREFIX + by in frame.columns:
        return RUNG_PREFIX + by
    raise KeyError(f"no column {by!r} (nor {RUNG_PREFIX + by!r}) in the frame")


def crosstab(frame: pd.DataFrame, survey, question: str, by: str = "area") -> pd.DataFrame:
    """Counts of the answers to ``question`` per value of ``by`` (``area``, an aspect or a rung column).

    Works for any coded question: choices, scales, area, rungs; multiple choice counts each choice
    (``share`` is then of those who answered the question, so shares may add up to more than 1);
    ranking counts the choice at position 1. Columns: <by>, question, value, count, share (count
    divided by those in the group who answered).
    """
    by_col = _by_column(frame, by)
    group = frame[by_col]
    own = frame.attrs.get("questions", {}).get(question, [])
    mc = [c for c in own if isinstance(frame[c].dtype, pd.BooleanDtype)]
    if mc:
        answered = frame[mc[0]].notna()
        n = group[answered].value_counts(sort=False)
        parts = []
        for col in mc:
            counts = frame.loc[answered, col].astype(bool).groupby(group[answered], observed=False).sum()
            part = pd.DataFrame({by: counts.index, "value": col.split("__", 1)[1],
                                 "count": counts.to_numpy(), "n": n.reindex(counts.index).fillna(0).to_numpy()})
            parts.append(part)
        long = pd.concat(parts, ignore_index=True)
        long = long.sort_values([by], kind="stable")
    else:
        col = question if question in frame.columns else (f"{question}_1" if f"{question}_1" in frame.columns
                                                           else _by_column(frame, question))
        table = pd.crosstab(group, frame[col], dropna=True)
        if isinstance(group.dtype, pd.CategoricalDtype):
            table = table.reindex(index=pd.CategoricalIndex(group.cat.categories, name=table.index.name,
                                                            categories=group.cat.categories), fill_value=0)
        table = table.reindex(columns=frame[col].cat.categories if hasattr(frame[col], "cat") else table.columns,
                              fill_value=0)
        long = table.stack().rename("count").reset_index()
        long.columns = [by, "value", "count"]
        long["n"] = long.groupby(by, observed=False)["count"].transform("sum")
    long["count"] = long["count"].astype("int64")
    long["n"] = long["n"].astype("int64")
    long["share"] = np.where(long["n"] > 0, long["count"] / long["n"].where(long["n"] > 0, 1), np.nan)
    long.insert(1, "question", question)
    long[by] = long[by].astype(str)
    long["value"] = long["value"].astype(str)
    long = long[[by, "question", "value", "count", "share"]].reset_index(drop=True)
    long.attrs["disclosure"] = crosstab_layout(by)
    return long


def choice_questions(frame: pd.DataFrame, survey) -> list[str]:
    """Question ids of the survey whose answers are coded (choices, scales, rankings, own coded types)."""
    return [qid for qid, cols in frame.attrs.get("questions", {}).items()
            if isinstance(frame[cols[0]].dtype, pd.CategoricalDtype | pd.BooleanDtype)]


def crosstabs(frame: pd.DataFrame, survey, by: str = "area") -> pd.DataFrame:
    """:func:`crosstab` of every coded question by ``by``, stacked."""
    parts = [crosstab(frame, survey, qid, by) for qid in choice_questions(frame, survey)]
    if not parts:
        return pd.DataFrame(columns=[by, "question", "value", "count", "share"])
    out = pd.concat(parts, ignore_index=True)
    out.attrs["disclosure"] = crosstab_layout(by)
    return out


# --- disclosure control -------------------------------------------------------------------------

COUNT_COLUMNS = ("count", "n", "more", "same", "less", "first", "ranked", "points")
# A derived column and the count column whose smallness it would reveal.
DERIVED = {"share": "count", "mean_difference": "n", "mean_points": "points", "weighted_n": "n"}

RUNGS_LAYOUT = Layout(counts=("count",), derived={"share": "count"}, groups=("area",), categories=("rung",),
                      split=("aspect",))
RUNGS_LAYOUT_WEIGHTED = Layout(counts=("count",), derived={"share": "count"}, groups=("area",),
                               categories=("rung",), split=("aspect",), people={"count": "respondents"})
GAP_LAYOUT = Layout(counts=("more", "same", "less", "n"), derived={"mean_difference": "n", "weighted_n": "n"},
                    groups=("area",), split=("first", "second"), size="n", wide=("more", "same", "less"))
BORDA_LAYOUT = Layout(counts=("points", "first", "ranked", "n"), derived={"mean_points": "points"},
                      groups=("area",), categories=("choice",), split=("question",), size="n",
                      together=(("first", "points"),))


def crosstab_layout(by: str) -> Layout:
    return Layout(counts=("count",), derived={"share": "count"}, groups=(by,), categories=("value",),
                  split=("question",))


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
