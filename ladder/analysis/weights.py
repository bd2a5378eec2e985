"""Representativeness against CBS margins and raking weights (iterative proportional fitting).

Margins come as a CSV shaped like CBS "Kerncijfers wijken en buurten": one row per area, a column
with the survey's area code (``gebied`` by default) and count columns. Both CBS's own column codes
(``AantalInwoners_5``, ``Mannen_6``, ``k_15Tot25Jaar_9``; the numeric suffixes are dropped) and the
Dutch headers of a StatLine download (``aantal inwoners``, ``mannen``, ``15 tot 25 jaar``, ``65 jaar of
ouder``) are read, and become the CBS codes. Lines starting with ``#`` are comments.

A survey file says which questions hold age band and sex (``demographics = { age = ..., sex = ... }``);
:func:`survey_demographics` turns that into the ``questions`` and ``categories`` the functions here
take: for each variable, answer value -> margin column.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

# CBS column codes for the margins ladder knows, and the headers (lower case) that mean the same.
MARGIN_ALIASES = {
    "AantalInwoners": ("aantal inwoners", "aantalinwoners", "inwoners", "inhabitants", "population"),
    "Mannen": ("mannen", "man", "men", "male"),
    "Vrouwen": ("vrouwen", "vrouw", "women", "female"),
    "k_0Tot15Jaar": ("0 tot 15 jaar", "k_0tot15jaar", "age_0_15", "0-15"),
    "k_15Tot25Jaar": ("15 tot 25 jaar", "k_15tot25jaar", "age_15_25", "15-25"),
    "k_25Tot45Jaar": ("25 tot 45 jaar", "k_25tot45jaar", "age_25_45", "25-45"),
    "k_45Tot65Jaar": ("45 tot 65 jaar", "k_45tot65jaar", "age_45_65", "45-65"),
    "k_65JaarOfOuder": ("65 jaar of ouder", "k_65jaarofouder", "age_65_plus", "65+", "65 jaar en ouder"),
}
AREA_ALIASES = ("gebied", "codering", "code", "gebiedscode", "area", "area code", "area_code")
_ALIAS = {alias: code for code, aliases in MARGIN_ALIASES.items() for alias in (code.lower(), *aliases)}

# Answer values -> margin column, for the age bands and sexes CBS publishes.
AGE_BANDS = {"0-15": "k_0Tot15Jaar", "15-25": "k_15Tot25Jaar", "25-45": "k_25Tot45Jaar", "45-65": "k_45Tot65Jaar",
             "65+": "k_65JaarOfOuder"}
SEXES = {"man": "Mannen", "vrouw": "Vrouwen"}
DEFAULT_CATEGORIES = {"age": AGE_BANDS, "sex": SEXES}
VARIABLE_LABELS = {"age": "leeftijd", "sex": "geslacht"}


def _column_name(raw) -> str:
    name = re.sub(r"_\d+$", "", str(raw).strip())
    key = re.sub(r"\s+", " ", name.lower())
    return _ALIAS.get(key, name)


def read_margins(path_or_fh, area_column: str = "gebied") -> pd.DataFrame:
    """Read a CBS-shaped margins CSV (``,`` or ``;`` separated, ``#`` comments); index: area code,
    columns: counts under their CBS codes (``Mannen``, ``k_15Tot25Jaar``, ...)."""
    table = pd.read_csv(path_or_fh, sep=None, engine="python", comment="#", dtype=str, skipinitialspace=True)
    table.columns = [_column_name(c) for c in table.columns]
    if area_column not in table.columns:
        found = [c for c in table.columns if str(c).strip().lower() in AREA_ALIASES]
        if not found:
            raise ValueError(f"margins: no area column {area_column!r} (columns: {', '.join(map(str, table.columns))})")
        area_column = found[0]
    table[area_column] = table[area_column].str.strip()
    for col in table.columns:
        if col != area_column:
            raw = table[col].str.replace(r"\s", "", regex=True)
            grouped = raw.str.fullmatch(r"\d{1,3}(\.\d{3})+").fillna(False)
            numbers = pd.to_numeric(raw.where(~grouped, raw.str.replace(".", "", regex=False)), errors="coerce")
            if numbers.notna().all():  # counts (also written 1.234 or 1 234); names stay text
                table[col] = numbers
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
        weights.loc[sub] = _within_bounds(w, low, high)
    return weights


def _within_bounds(w: np.ndarray, low: float, high: float, passes: int = 100) -> np.ndarray:
    """Rescale to mean 1 and clip to the bounds, in turn, until both hold (trimming)."""
    for _ in range(passes):
        w = w / w.mean()
        if w.min() >= low - 1e-12 and w.max() <= high + 1e-12:
            break
        w = np.clip(w, low, high)
    return w


# --- the survey's own demographics -------------------------------------------------------------------

def survey_demographics(survey, margins: pd.DataFrame | None = None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``(questions, categories)`` from the survey's ``demographics``: variable -> question id, and per
    variable the answer values that have a margin column (e.g. ``{"15-25": "k_15Tot25Jaar"}``).

    Answer values without a CBS counterpart (``anders``) are left out: those respondents keep weight 1.
    With ``margins``, only columns the margins have are used. Raises ValueError when the survey
    declares no demographics or none of its answer values match.
    """
    declared = dict(getattr(survey, "demographics", {}) or {})
    if not declared:
        raise ValueError(f"survey {survey.slug!r} declares no demographics (demographics = {{ age = ..., sex = ... }})")
    questions, categories = {}, {}
    for var, qid in declared.items():
        known = DEFAULT_CATEGORIES.get(var, {})
        values = [c.value for c in survey.question(qid).choices] if survey.question(qid) else []
        mapped = {v: known[v] for v in values if v in known
                  and (margins is None or known[v] in margins.columns)}
        if len(mapped) < 2:
            raise ValueError(f"survey {survey.slug!r}: the answers of {qid!r} ({', '.join(values)}) do not match "
                             f"the margins' {var} columns")
        questions[var], categories[var] = qid, mapped
    return questions, categories


def survey_weights(frame: pd.DataFrame, survey, margins: pd.DataFrame, bounds=(0.25, 4.0), **kwargs) -> pd.Series:
    """:func:`rake` with the survey's demographics."""
    questions, categories = survey_demographics(survey, margins)
    return rake(frame, margins, questions, categories, bounds=bounds, **kwargs)


def representativeness_index(table: pd.DataFrame, share: str = "sample_share") -> pd.DataFrame:
    """Per area: ``100 * (1 - mean over the variables of the dissimilarity index)``, where the
    dissimilarity index of a variable is half the sum of ``|sample share - population share|`` (the share
    of respondents that would have to move to another category to match the population).
    100 means the respondents match the margins exactly; columns ``area, index`` plus one column
    per variable with its dissimilarity (0..1)."""
    if table.empty:
        return pd.DataFrame(columns=["area", "index"])
    work = table.assign(gap=(table[share] - table["population_share"]).abs())
    d = work.groupby(["area", "variable"], sort=False)["gap"].sum().div(2).unstack("variable")
    out = pd.DataFrame({"area": d.index, "index": (100 * (1 - d.mean(axis=1))).to_numpy()})
    for var in d.columns:
        out[f"dissimilarity_{var}"] = d[var].to_numpy()
    return out.reset_index(drop=True)


def weight_summary(frame: pd.DataFrame, weights: pd.Series, bounds=None) -> pd.DataFrame:
    """Per area: respondents, min/mean/max weight, Kish's effective sample size
    ``(sum w)^2 / sum w^2`` and design effect ``n / n_eff``; ``at_bound`` counts weights held at a bound."""
    rows = []
    for area, w in weights.groupby(frame["area"].astype(object), sort=False):
        w = w.astype(float)
        n = len(w)
        n_eff = w.sum() ** 2 / (w ** 2).sum() if n else np.nan
        row = {"area": str(area), "respondents": n, "min": w.min(), "mean": w.mean(), "max": w.max(),
               "effective_n": n_eff, "design_effect": n / n_eff if n_eff else np.nan}
        if bounds is not None:
            low, high = bounds
            row["at_bound"] = int(((w <= low + 1e-9) | (w >= high - 1e-9)).sum())
        rows.append(row)
    return pd.DataFrame(rows)
