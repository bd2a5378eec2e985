"""Representativeness against CBS margins and raking weights (iterative proportional fitting).

Margins come as a CSV shaped like CBS "Kerncijfers wijken en buurten": one row per area, a column
with the area code (``gebied`` by default) and count columns such as ``Mannen``, ``Vrouwen``,
``k_15Tot25Jaar``, ``k_25Tot45Jaar``, ``k_45Tot65Jaar``, ``k_65JaarOfOuder`` (CBS's numeric suffixes like
``_6`` are dropped). Surveys cannot declare their age and sex questions yet, so pass
``questions={"age": qid, "sex": qid}`` and ``categories``: for each variable, answer value -> margin column.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd


def read_margins(path_or_fh, area_column: str = "gebied") -> pd.DataFrame:
    """Read a CBS-shaped margins CSV (``,`` or ``;`` separated); index: area code, columns: counts."""
    table = pd.read_csv(path_or_fh, sep=None, engine="python", dtype={area_column: str})
    table.columns = [re.sub(r"_\d+$", "", str(c).strip()) for c in table.columns]
    return table.set_index(area_column)


def _targets(margins: pd.DataFrame, area, categories: dict[str, str]) -> pd.Series:
    row = margins.loc[area]
    counts = pd.Series({value: float(row[col]) for value, col in categories.items()})
    return counts / counts.sum()


def representativeness(frame: pd.DataFrame, margins: pd.DataFrame, questions: dict[str, str],
                       categories: dict[str, dict[str, str]], weights: pd.Series | None = None) -> pd.DataFrame:
    """Sample against population per area and variable: area, variable, category, sample_n,
    sample_share, population_share, difference (sample minus population share). With ``weights``
    the sample shares are weighted."""
    rows = []
    w = weights if weights is not None else pd.Series(1.0, index=frame.index)
    for area in frame["area"].dropna().unique():
        in_area = frame["area"] == area
        if area not in margins.index:
            continue
        for var, qid in questions.items():
            answers = frame.loc[in_area, qid].astype(object)
            target = _targets(margins, area, categories[var])
            known = answers.isin(list(target.index))
            total = w[in_area][known].sum()
            for value, pop_share in target.items():
                hit = answers == value
                share = w[in_area][hit].sum() / total if total else np.nan
                rows.append({"area": str(area), "variable": var, "category": value, "sample_n": int(hit.sum()),
                             "sample_share": share, "population_share": pop_share,
                             "difference": share - pop_share})
    return pd.DataFrame(rows, columns=["area", "variable", "category", "sample_n", "sample_share",
                                       "population_share", "difference"])


def rake(frame: pd.DataFrame, margins: pd.DataFrame, questions: dict[str, str],
         categories: dict[str, dict[str, str]], bounds: tuple[float, float] = (0.25, 4.0), max_iter: int = 100,
         tol: float = 1e-6) -> pd.Series:
    """Raking weights per area so that weighted shares match the margins of each variable.

    Weights average 1 within each area and are kept within ``bounds`` (relative to that mean) so a
    few respondents in a small area cannot carry it. Respondents with a missing or unmapped answer,
    or in an area without margins, get weight 1. Returns a float Series aligned with ``frame``.
    """
    weights = pd.Series(1.0, index=frame.index, name="weight")
    low, high = bounds
    for area in frame["area"].dropna().unique():
        if area not in margins.index:
            continue
        idx = frame.index[frame["area"] == area]
        answers = {var: frame.loc[idx, qid].astype(object) for var, qid in questions.items()}
        usable = np.ones(len(idx), dtype=bool)
        for var, values in answers.items():
            usable &= values.isin(list(categories[var])).to_numpy()
        if not usable.any():
            continue
        sub = idx[usable]
        w = np.ones(len(sub))
        targets = {var: _targets(margins, area, categories[var]) for var in questions}
        for _ in range(max_iter):
            before = w.copy()
            for var, target in targets.items():
                values = answers[var][usable].to_numpy()
                total = w.sum()
                for value, share in target.items():
                    hit = values == value
                    current = w[hit].sum()
                    if current > 0:
                        w[hit] *= share * total / current
                w = np.clip(w / w.mean(), low, high)
            if np.abs(w - before).max() < tol:
                break
        weights.loc[sub] = w / w.mean()
    return weights
