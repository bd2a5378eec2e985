"""95 % intervals for shares and standard errors for means, the same in every summary.

Column names, everywhere (summaries, question summaries, exports of summaries, the report, docs):

``ci_low``, ``ci_high``
    The 95 % interval of the row's ``share``.
``se``
    The standard error of the table's mean (``mean_difference``, ``mean_points``).

Unweighted shares get the **Wilson score interval** (it stays within 0..1 and behaves with small
counts, unlike ``p ± 1.96·sqrt(p(1-p)/n)``). Weighted shares get the same formula with the group's
**Kish effective sample size** ``n_eff = (Σw)² / Σw²`` in place of ``n``: the weights' spread costs
precision as if fewer people had answered (design effect ``n / n_eff``). Means get the linearised
(sandwich) standard error ``sqrt(n/(n-1) · Σ w²(x - x̄)²) / Σw``, which is ``s / sqrt(n)`` without
weights. All treat the respondents as a simple random sample of the area's residents, which a
self-selected participation survey is not: the interval shows chance, not who chose to answer.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
INTERVAL_COLUMNS = ("ci_low", "ci_high")
SE_COLUMN = "se"


def wilson(share, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``share`` observed among ``n`` (arrays or numbers; ``n`` may be an
    effective sample size, so need not be whole). Missing where ``n`` is 0 or missing."""
    p = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(share)), errors="coerce").astype("float64"))
    size = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(n)), errors="coerce").astype("float64"))
    p, size = np.broadcast_arrays(p, size)
    with np.errstate(invalid="ignore", divide="ignore"):
        z2n = z * z / size
        centre = (p + z2n / 2) / (1 + z2n)
        half = z * np.sqrt(p * (1 - p) / size + z2n / size / 4) / (1 + z2n)
        bad = ~(size > 0) | np.isnan(p)
        # 0 and 1 exactly at the ends (rounding would leave 3e-17 where nobody chose an answer)
        low = np.where(bad, np.nan, np.where(p <= 0, 0.0, np.clip(centre - half, 0.0, 1.0)))
        high = np.where(bad, np.nan, np.where(p >= 1, 1.0, np.clip(centre + half, 0.0, 1.0)))
    return low, high


def effective_n(weights) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` (``n`` when every weight is equal)."""
    w = np.asarray(weights, dtype="float64")
    w = w[~np.isnan(w)]
    square = float((w * w).sum())
    return float(w.sum()) ** 2 / square if square > 0 else 0.0


def mean_se(values, weights=None) -> float:
    """Standard error of the (weighted) mean of ``values`` by linearisation; missing under 2 values."""
    x = np.asarray(values, dtype="float64")
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype="float64")
    keep = ~np.isnan(x) & ~np.isnan(w)
    x, w = x[keep], w[keep]
    n = len(x)
    if n < 2 or w.sum() <= 0:
        return float("nan")
    mean = (w * x).sum() / w.sum()
    return float(np.sqrt(n / (n - 1) * (w * w * (x - mean) ** 2).sum()) / w.sum())


def add_intervals(table: pd.DataFrame, n, share: str = "share") -> pd.DataFrame:
    """``table`` with ``ci_low``/``ci_high`` beside ``share``; ``n`` (a number, an array or a column
    name) is the (effective) number behind each share."""
    size = table[n].to_numpy(dtype="float64") if isinstance(n, str) else n
    low, high = wilson(table[share].to_numpy(dtype="float64", na_value=np.nan), size)
    at = list(table.columns).index(share) + 1
    out = table.drop(columns=[c for c in INTERVAL_COLUMNS if c in table.columns])
    out.insert(at, "ci_low", low if len(table) else np.array([], dtype="float64"))
    out.insert(at + 1, "ci_high", high if len(table) else np.array([], dtype="float64"))
    out.attrs = dict(table.attrs)
    return out
