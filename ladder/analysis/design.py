"""Design-based standard errors for weighted shares and means: the survey as a stratified sample.

The design ladder assumes, and which an export carries (see docs/analysts.rst):

- **strata**: the areas; **PSUs**: the respondents (one stage, no clusters);
- **weights**: the raking weights of ``ladder.analysis.weights`` (or 1 for an unweighted table);
- **calibration variables**: the raking cells of each variable within each area (the unknown cell
  included), the same cells the weights were raked to;
- **population sizes** ``N_h`` where the margins give them (the population the area's weights stand
  for), for the finite population correction ``1 - n_h / N_h``.

Standard errors come from **Taylor linearisation** as in R's ``survey`` package (``svymean`` on a
design calibrated with ``calibrate(..., calfun = "raking")``): the influence values of a ratio
``R = Σ w y d / Σ w d`` (``d`` the domain, e.g. those in the area who answered) are
``z = d (y - R) / Σ w d``; with calibration, ``z`` is replaced by its residual from a least squares
regression on the calibration variables (with the weights before calibration, as ``survey`` does),
within each stratum; then

    Var = Σ_h (1 - f_h) n_h / (n_h - 1) Σ_{i in h} (w_i e_i - mean_h(w e))²

A stratum of one respondent adds nothing (``survey.lonely.psu = "certainty"``).

**Replicate weights**: stratified jackknife (JKn, R's ``as.svrepdesign(type = "JKn")``): one replicate
per respondent, who gets weight 0 while the others in the area are raked again to the same totals;
``Var = Σ_r (1 - f_h) (n_h - 1) / n_h (θ_r - θ)²`` (centred on the full-sample estimate, ``mse = TRUE``).

**Intervals** for weighted shares: the logit interval of ``svyciprop(method = "xlogit")`` with the
normal quantile (``df = Inf``), ``expit(logit p ± 1.96 · se / (p (1 - p)))``. Where the standard
error is 0 (a share of 0 or 1, or a single respondent) that interval has no width and says nothing, so
the Wilson interval on Kish's effective sample size is given instead (see ``ladder.analysis.intervals``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .intervals import Z95, wilson

DESIGN = "design"  # frame.attrs key of the Design the frame's weights come with
UNKNOWN = "onbekend"  # the label of a variable's unknown cell (not answered, or no margin) in exports


@dataclass(eq=False)  # compared by identity: pandas compares frame.attrs when it joins frames
class Design:
    """One row per respondent (aligned with ``index``): stratum, weight, base weight (before
    calibration), calibration cells (an integer code per variable, -1 outside calibration) and
    the stratum's population size (NaN where unknown)."""

    index: pd.Index
    strata: np.ndarray
    weights: np.ndarray
    base: np.ndarray
    cells: np.ndarray | None = None  # n x variables, codes unique within a stratum and variable
    population: np.ndarray | None = None
    labels: dict | None = None  # variable -> {area: cell labels by code}, for exports
    rake_info: dict | None = None  # stratum -> (positions, codes, totals, bounds), for the replicates

    def __deepcopy__(self, memo):
        # pandas deep-copies frame.attrs on every operation (each column taken, each filter); a design is
        # never changed once made (``at`` and ``take`` make new ones), so copies of the frame share it
        return self

    def stratum_rows(self) -> list[np.ndarray]:
        """The row positions of each stratum (computed once)."""
        found = getattr(self, "_rows", None)
        if found is None:
            order = np.argsort(self.strata, kind="stable")
            bounds = np.flatnonzero(np.diff(self.strata[order])) + 1
            found = self._rows = np.split(order, bounds) if len(order) else []
        return found

    def at(self, index: pd.Index) -> Design:
        """The design of the rows ``index`` (a frame filtered after weighting)."""
        if index.equals(self.index):
            return self
        pos = self.index.get_indexer(index)
        if (pos < 0).any():
            raise KeyError("rows without a design")
        return self.take(pos)

    def take(self, pos: np.ndarray) -> Design:
        """The design of the rows at positions ``pos``."""
        return Design(self.index[pos], self.strata[pos], self.weights[pos], self.base[pos],
                      None if self.cells is None else self.cells[pos],
                      None if self.population is None else self.population[pos], self.labels, None)


def simple(frame: pd.DataFrame, weights=None) -> Design:
    """Areas as strata and the given weights (1 when None) taken as they are: no calibration, no
    population sizes."""
    n = len(frame)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype="float64")
    return Design(frame.index, _strata(frame), w, np.ones(n))


def _strata(frame: pd.DataFrame) -> np.ndarray:
    if "area" not in frame.columns:
        return np.zeros(len(frame), dtype="int64")
    codes, _keys = pd.factorize(frame["area"].astype(object), use_na_sentinel=True)
    return codes.astype("int64")  # respondents without an area form one stratum (-1)


def from_weights(frame: pd.DataFrame, weights: pd.Series, fpc: bool = True) -> Design:
    """The design of raking weights (from ``ladder.analysis.weights.rake``): their cells as
    calibration variables and, with ``fpc``, the areas' populations for the correction."""
    design = simple(frame, weights.to_numpy(dtype="float64"))
    info = weights.attrs.get("calibration") or {}
    variables = weights.attrs.get("variables") or []
    population = weights.attrs.get("population") or {}
    if not info:
        return design
    n = len(frame)
    cells = np.full((n, len(variables)), -1, dtype="int64")
    labels: dict = {}
    rake_info = {}
    positions_of = {}
    for area, (idx, codes, totals, names) in info.items():
        pos = frame.index.get_indexer(idx)
        positions_of[area] = pos
        for j, code in enumerate(codes):
            cells[pos, j] = code
            labels.setdefault(variables[j], {})[area] = list(names[j]) + [UNKNOWN]
        rake_info[area] = (pos, codes, totals, weights.attrs.get("bounds", (0.25, 4.0)),
                           weights.attrs.get("area_factor", {}).get(area, 1.0))
    design.cells = cells
    design.labels = labels
    design.rake_info = rake_info
    if fpc and population:
        pop = np.full(n, np.nan)
        for area, size in population.items():
            if area in positions_of:
                pop[positions_of[area]] = size
        design.population = pop
    return design


def design_of(frame: pd.DataFrame, weights=None) -> Design:
    """The design the frame's weights came with (``frame.attrs["design"]``), else :func:`simple`."""
    found = frame.attrs.get(DESIGN)
    if isinstance(found, Design):
        try:
            design = found.at(frame.index)
        except KeyError:
            design = None
        if design is not None:
            if weights is not None:
                w = np.asarray(weights, dtype="float64")
                if not np.allclose(w, design.weights, rtol=0, atol=1e-12):
                    return simple(frame, w)  # weights changed since: treated as given
            return design
    return simple(frame, weights)


def design_columns(design: Design) -> pd.DataFrame:
    """The columns an export carries so that R or statsmodels can rebuild the design (the area
    column is the stratum, ``weight`` the weight): ``population`` (the area's population size from the
    margins; empty without), ``jk_scale`` (the scale of the jackknife replicate that leaves this
    respondent out, ``(1 - f_h)(n_h - 1)/n_h``) and per raking variable ``cal_<variable>`` (the
    raking cell: the answer, or ``onbekend`` for the unknown cell; empty in an area without
    margins)."""
    out = pd.DataFrame(index=design.index)
    out["population"] = design.population if design.population is not None else np.nan
    out["jk_scale"] = jackknife_scales(design)
    for j, (var, names) in enumerate((design.labels or {}).items()):
        col = np.full(len(design.index), None, dtype=object)
        for area, labels in names.items():
            pos = design.rake_info[area][0]
            col[pos] = [labels[c] for c in design.cells[pos, j]]
        out[f"cal_{var}"] = col
    return out


def replicate_columns(design: Design) -> pd.DataFrame:
    """The jackknife replicate weights as columns ``rep_1`` .. ``rep_n`` (replicate ``r`` leaves out
    the ``r``-th row), one row per respondent: the side file of ``ladder export --replicates``."""
    reps, _scales = jackknife(design)
    return pd.DataFrame(reps, index=design.index, columns=[f"rep_{r + 1}" for r in range(reps.shape[1])])


# --- linearisation -------------------------------------------------------------------------------

def _residuals(design: Design, z: np.ndarray) -> np.ndarray:
    """``z`` (n x k) minus its least squares fit on the calibration cells within each stratum
    (weighted by the base weights), as ``survey`` does for a calibrated design."""
    if design.cells is None:
        return z
    out = z.copy()
    for rows in design.stratum_rows():
        if not z[rows].any():
            continue  # nothing of the estimate in this stratum
        cells = design.cells[rows]
        calibrated = (cells >= 0).all(axis=1)
        if not calibrated.any():
            continue
        rows = rows[calibrated]
        x = _indicators(design.cells[rows])
        root = np.sqrt(design.base[rows])[:, None]
        coef, *_ = np.linalg.lstsq(x * root, z[rows] * root, rcond=None)
        out[rows] = z[rows] - x @ coef
    return out


def _indicators(cells: np.ndarray) -> np.ndarray:
    """One column per cell of each variable (within one stratum)."""
    columns = []
    for j in range(cells.shape[1]):
        for code in np.unique(cells[:, j]):
            columns.append(cells[:, j] == code)
    return np.column_stack(columns).astype("float64")


def _stratified_variance(design: Design, u: np.ndarray, fpc: bool) -> np.ndarray:
    """Σ_h (1 - f_h) n_h/(n_h - 1) Σ (u - ū_h)² per column of ``u`` (n x k)."""
    var = np.zeros(u.shape[1])
    for rows in design.stratum_rows():
        n_h = len(rows)
        if n_h < 2 or not u[rows].any():
            continue  # a lonely respondent (certainty), or nothing of the estimate here
        f = 0.0
        if fpc and design.population is not None and np.isfinite(design.population[rows[0]]):
            f = min(n_h / design.population[rows[0]], 1.0)
        centred = u[rows] - u[rows].mean(axis=0)
        var += (1 - f) * n_h / (n_h - 1) * (centred * centred).sum(axis=0)
    return var


def ratio(design: Design, y, domain, fpc: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Estimates ``Σ w y d / Σ w d`` and their linearised standard errors, for each column of ``y``
    and ``domain`` (n x k arrays, or 1-d for one estimate). A share is the ratio of an indicator."""
    y = np.asarray(y, dtype="float64")
    d = np.asarray(domain, dtype="float64")
    one = y.ndim == 1
    y, d = np.atleast_2d(y.T).T, np.atleast_2d(d.T).T
    y, d = np.broadcast_arrays(y, d)
    y = np.where(d > 0, y, 0.0)  # values outside the domain (missing answers) do not count
    w = design.weights[:, None]
    total = (w * d).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = (w * d * y).sum(axis=0) / total
        z = d * (y - estimate) / total
    z = np.nan_to_num(z)
    e = _residuals(design, z)
    se = np.sqrt(_stratified_variance(design, w * e, fpc))
    se = np.where(total > 0, se, np.nan)
    return (estimate[0], se[0]) if one else (estimate, se)


def logit_interval(share, se, kish_n=None, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """The logit interval of a share with standard error ``se`` (``svyciprop(method="xlogit")``);
    Wilson on ``kish_n`` where ``se`` is 0 or the share is 0 or 1."""
    p = np.atleast_1d(np.asarray(share, dtype="float64"))
    s = np.atleast_1d(np.asarray(se, dtype="float64"))
    p, s = np.broadcast_arrays(p, s)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (p > 0) & (p < 1) & (s > 0)
        logit = np.log(p / (1 - p))
        half = z * s / (p * (1 - p))
        low = np.where(ok, 1 / (1 + np.exp(-(logit - half))), np.nan)
        high = np.where(ok, 1 / (1 + np.exp(-(logit + half))), np.nan)
    if kish_n is not None and not ok.all():
        w_low, w_high = wilson(p, np.broadcast_to(np.asarray(kish_n, dtype="float64"), p.shape))
        low, high = np.where(ok, low, w_low), np.where(ok, high, w_high)
    low = np.where(np.isnan(p), np.nan, low)
    high = np.where(np.isnan(p), np.nan, high)
    return low, high


def share_intervals(design: Design, hits: np.ndarray, domain: np.ndarray, fpc: bool = True):
    """Weighted shares of ``hits`` (n x k booleans) within ``domain`` (n x k), their standard errors
    and logit intervals: ``(share, se, ci_low, ci_high)``."""
    share, se = ratio(design, np.asarray(hits, dtype="float64"), domain, fpc)
    d = np.asarray(domain, dtype="float64")
    d = np.atleast_2d(d.T).T
    w = design.weights[:, None]
    sw, sw2 = (w * d).sum(axis=0), (w * w * d).sum(axis=0)
    kish = np.divide(sw * sw, sw2, out=np.zeros(len(sw)), where=sw2 > 0)
    low, high = logit_interval(share, se, kish)
    return np.atleast_1d(share), np.atleast_1d(se), low, high


def _by_group(design: Design, group_codes, groups: int, y: np.ndarray, answered, fpc: bool, interval: bool):
    """Per group (``group_codes`` 0 .. ``groups - 1``, -1 for none), the ratio of each column of ``y``
    among the ``answered`` in the group: estimate, se (and with ``interval`` the logit interval)."""
    k = y.shape[1]
    out = [np.full((groups, k), np.nan) for _ in range(4 if interval else 2)]
    for g in range(groups):
        domain = (group_codes == g) & answered
        if not domain.any():
            continue
        # only the strata the group reaches add to its variance: compute on their rows alone
        reached = set(np.unique(design.strata[domain]).tolist())
        rows = np.concatenate([r for r in design.stratum_rows() if design.strata[r[0]] in reached])
        part = design.take(rows)
        d = np.repeat(domain[rows, None].astype("float64"), k, axis=1)
        found = share_intervals(part, y[rows], d, fpc) if interval else ratio(part, y[rows], d, fpc)
        for a, b in zip(out, found):
            a[g] = b
    return tuple(out)


def group_shares(design: Design, group_codes: np.ndarray, groups: int, hits: list[np.ndarray],
                 answered: np.ndarray, fpc: bool = True):
    """Weighted shares of each of ``hits`` among the ``answered`` in each group (``group_codes`` 0..
    ``groups - 1``, -1 for none) with standard errors and intervals: four arrays of shape (groups, k)."""
    if not hits:
        return tuple(np.full((groups, 0), np.nan) for _ in range(4))
    return _by_group(design, np.asarray(group_codes), groups, np.column_stack(hits).astype("float64"),
                     np.asarray(answered, dtype=bool), fpc, interval=True)


def group_means(design: Design, group_codes: np.ndarray, groups: int, values: np.ndarray,
                answered: np.ndarray, fpc: bool = True):
    """Weighted means of ``values`` (n, or n x k) among the ``answered`` in each group, and their
    linearised standard errors: two arrays of shape (groups,) or (groups, k)."""
    v = np.asarray(values, dtype="float64")
    one = v.ndim == 1
    mean, se = _by_group(design, np.asarray(group_codes), groups, v[:, None] if one else v,
                         np.asarray(answered, dtype=bool), fpc, interval=False)
    return (mean[:, 0], se[:, 0]) if one else (mean, se)


# --- replicate weights ---------------------------------------------------------------------------

def jackknife_scales(design: Design) -> np.ndarray:
    """Per respondent, the scale ``(1 - f_h)(n_h - 1)/n_h`` of the replicate that leaves them out."""
    scales = np.zeros(len(design.weights))
    for h in np.unique(design.strata):
        rows = np.flatnonzero(design.strata == h)
        n_h = len(rows)
        f = 0.0
        if design.population is not None and np.isfinite(design.population[rows[0]]):
            f = min(n_h / design.population[rows[0]], 1.0)
        scales[rows] = (1 - f) * (n_h - 1) / n_h if n_h > 1 else 0.0
    return scales


def jackknife(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Stratified jackknife (JKn) replicate weights, n x n (one replicate per respondent, in row
    order), and each replicate's scale ``(1 - f_h)(n_h - 1)/n_h``. In a raked area the others are
    raked again to the area's totals (bounds as in the full sample); elsewhere they get ``n_h/(n_h - 1)``."""
    from .weights import rake_cells
    n = len(design.weights)
    reps = np.repeat(design.weights[:, None], n, axis=1)
    scales = jackknife_scales(design)
    raked = {}
    for pos, codes, totals, bounds, factor in (design.rake_info or {}).values():
        for p in pos:
            raked[p] = (pos, codes, totals, bounds, factor)
    for h in np.unique(design.strata):
        rows = np.flatnonzero(design.strata == h)
        n_h = len(rows)
        for r in rows:
            if n_h < 2:
                continue
            if r in raked:
                pos, codes, totals, bounds, factor = raked[r]
                keep = pos != r
                w, _converged, _gap = rake_cells([c[keep] for c in codes], totals, bounds, max_iter=5000, tol=1e-12)
                reps[pos, r] = 0.0
                reps[pos[keep], r] = w * factor
            else:
                reps[rows, r] = design.weights[rows] * n_h / (n_h - 1)
                reps[r, r] = 0.0
    return reps, scales


def replicate_ratio(replicates: np.ndarray, scales: np.ndarray, y, domain, full_weights) -> tuple:
    """Estimates and replicate standard errors of ``Σ w y d / Σ w d`` (``y`` and ``domain`` n x k)."""
    y = np.atleast_2d(np.asarray(y, dtype="float64").T).T
    d = np.atleast_2d(np.asarray(domain, dtype="float64").T).T
    y = np.where(d > 0, y, 0.0)
    w = np.asarray(full_weights, dtype="float64")[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        full = (w * d * y).sum(axis=0) / (w * d).sum(axis=0)
        thetas = (replicates.T @ (d * y)) / (replicates.T @ d)  # replicates x k
    thetas = np.where(np.isnan(thetas), full, thetas)
    var = (scales[:, None] * (thetas - full) ** 2).sum(axis=0)
    return full, np.sqrt(var)
