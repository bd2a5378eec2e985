"""Built-in summaries, registered like any plugin's."""
from __future__ import annotations

import pandas as pd

from ..hookspecs import hookimpl
from ..summaries import make_summary


def rungs_per_area(frame: pd.DataFrame, survey) -> pd.DataFrame:
    """Count responses per area, aspect and rung (columns ``rung_<aspect>`` of the response frame)."""
    rung_cols = [c for c in frame.columns if c.startswith("rung_")]
    if frame.empty or not rung_cols:
        return pd.DataFrame(columns=["area", "aspect", "rung", "count", "share"])
    long = frame.melt(id_vars=["area"], value_vars=rung_cols, var_name="aspect", value_name="rung")
    long["aspect"] = long["aspect"].str.removeprefix("rung_")
    long = long.dropna(subset=["rung"])
    counts = long.groupby(["area", "aspect", "rung"], observed=True, dropna=False).size().rename("count").reset_index()
    totals = counts.groupby(["area", "aspect"], dropna=False)["count"].transform("sum")
    counts["share"] = counts["count"] / totals
    return counts


@hookimpl(trylast=True)
def register_summaries(app):
    return [make_summary("rungs-per-area", {"nl": "Treden per gebied", "en": "Rungs per area"}, rungs_per_area)]
