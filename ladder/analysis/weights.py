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
from dataclasses import dataclass

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
    if key in _ALIAS:
        return _ALIAS[key]
    # a joint margin, sex by age band: "Mannen_k_15Tot25Jaar" or "mannen 15 tot 25 jaar"
    for sep in ("_", " "):
        head, _, tail = key.partition(sep)
        if tail and _ALIAS.get(head) in SEXES.values() and _ALIAS.get(tail, "").startswith("k_"):
            return joint_column(_ALIAS[head], _ALIAS[tail])
    return name


def joint_column(sex_column: str, age_column: str) -> str:
    """The margin column of a sex by age band cell, e.g. ``Mannen_k_15Tot25Jaar``."""
    return f"{sex_column}_{age_column}"


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


JOINT = "age_sex"  # the variable of a joint age by sex margin
MISSED = 0.005  # a weighted share further than this (half a point) from its target is reported


@dataclass
class RakeWarning:
    """Something the weights could not do, for the CLI, the JSON and the report.

    ``kind``: ``empty-cell`` (a margin with people in the population but no respondent: it cannot be
    met), ``no-population`` (respondents in a category the margins give no one), ``no-margins`` (an
    area without margins: weight 1), ``not-converged`` (raking stopped before the margins agreed),
    ``missed`` (a printed weighted share further than half a point from its target, mostly because
    of the bounds or an empty cell). ``gap`` is weighted minus target share.
    """

    kind: str
    area: str
    variable: str = ""
    category: str = ""
    target: float | None = None
    weighted: float | None = None

    @property
    def gap(self) -> float | None:
        return None if self.target is None or self.weighted is None else self.weighted - self.target

    def message(self) -> str:
        where = f"{self.area}: {self.variable} {self.category}".rstrip()
        if self.kind == "empty-cell":
            return f"{where}: no respondents, target {self.target:.1%}; the margin cannot be met"
        if self.kind == "no-population":
            return f"{where}: respondents but no population in the margins; weighted to 0 as far as the bounds allow"
        if self.kind == "no-margins":
            return f"{self.area}: no margins; weight 1"
        if self.kind == "not-converged":
            return f"{self.area}: raking did not converge (largest gap {abs(self.gap or 0):.2%})"
        return f"{where}: weighted {self.weighted:.1%}, target {self.target:.1%}"

    def tekst(self) -> str:
        """The same in plain Dutch, for the report."""
        where = f"{self.area}, {self.variable} {self.category}".rstrip()
        if self.kind == "empty-cell":
            return f"{where}: niemand uit deze groep deed mee, dus de weging kan dit aandeel ({self.target:.0%}) niet halen."
        if self.kind == "no-population":
            return f"{where}: deelnemers in een groep die volgens de cijfers niet bestaat."
        if self.kind == "no-margins":
            return f"{self.area}: geen bevolkingscijfers, deze deelnemers tellen ongewogen (gewicht 1)."
        if self.kind == "not-converged":
            return f"{self.area}: de weging kwam niet uit; het grootste verschil is {abs(self.gap or 0):.1%}."
        return (f"{where}: ook na weging wijkt dit aandeel meer dan een half procentpunt af van de bevolking "
                f"({self.target:.0%}); de grenzen aan de gewichten laten niet meer toe.")

    def as_dict(self) -> dict:
        return {"kind": self.kind, "area": self.area, "variable": self.variable, "category": self.category,
                "target": self.target, "weighted": self.weighted, "message": self.message()}


def _targets(margins: pd.DataFrame, area, categories: dict) -> pd.Series:
    row = margins.loc[area]
    counts = pd.Series({value: float(row[col]) for value, col in categories.items()}, dtype="float64")
    total = counts.sum()
    return counts / total if total > 0 else counts


def _answers(frame: pd.DataFrame, idx, question) -> np.ndarray:
    """The answers of the rows ``idx`` as objects; a joint variable's answer is the tuple of its
    questions' answers (None when any is missing)."""
    def values(q):  # missing as None, so that comparing and looking up never meets pd.NA
        col = frame.loc[idx, q].astype(object)
        return [None if pd.isna(v) else v for v in col]
    out = np.empty(len(idx), dtype=object)
    if isinstance(question, tuple):
        parts = [values(q) for q in question]
        out[:] = [None if any(v is None for v in vals) else tuple(vals) for vals in zip(*parts)]
    else:
        out[:] = values(question)
    return out


def representativeness(frame: pd.DataFrame, margins: pd.DataFrame, questions: dict[str, str],
                       categories: dict[str, dict[str, str]], weights: pd.Series | None = None) -> pd.DataFrame:
    """Sample against population per area and variable: area, variable, category, sample_n,
    sample_share, population_share, difference (sample minus population share). With ``weights``
    the sample shares are weighted. Shares are of those who gave a matching answer (the unknown
    cell is left out), which is what raking makes equal to the population shares."""
    rows = []
    w = weights if weights is not None else pd.Series(1.0, index=frame.index)
    for area in frame["area"].dropna().unique():
        in_area = (frame["area"] == area).to_numpy()
        if area not in margins.index:
            continue
        idx = frame.index[in_area]
        wa = w.loc[idx].to_numpy(dtype="float64")
        for var, qid in questions.items():
            answers = _answers(frame, idx, qid)
            target = _targets(margins, area, categories[var])
            wanted = set(target.index)
            known = np.array([a is not None and a in wanted for a in answers], dtype=bool)
            total = wa[known].sum()
            for value, pop_share in target.items():
                hit = np.array([a == value for a in answers], dtype=bool)
                share = wa[hit].sum() / total if total else np.nan
                rows.append({"area": str(area), "variable": var,
                             "category": "|".join(value) if isinstance(value, tuple) else value,
                             "sample_n": int(hit.sum()), "sample_share": share, "population_share": pop_share,
                             "difference": share - pop_share})
    return pd.DataFrame(rows, columns=["area", "variable", "category", "sample_n", "sample_share",
                                       "population_share", "difference"])


def _scale_to(w: np.ndarray, target: float, low: float, high: float) -> np.ndarray:
    """``w`` times one factor so that it sums to ``target``, each weight kept within ``low..high``:
    weights that would cross a bound are held at it and the rest scaled to make up the difference
    (trimming inside the step, so the margin is still met when it can be)."""
    at_low = np.zeros(len(w), dtype=bool)
    at_high = np.zeros(len(w), dtype=bool)
    factor = 1.0
    for _ in range(len(w) + 1):
        free = ~(at_low | at_high)
        rest = target - low * at_low.sum() - high * at_high.sum()
        total = w[free].sum()
        if not free.any() or total <= 0:
            break
        factor = max(rest, 0.0) / total
        scaled = w * factor
        new_low, new_high = free & (scaled < low), free & (scaled > high)
        if not (new_low.any() or new_high.any()):
            break
        at_low |= new_low
        at_high |= new_high
    return np.where(at_low, low, np.where(at_high, high, w * factor))


def rake_cells(codes: list[np.ndarray], totals: list[np.ndarray], bounds, max_iter: int = 500, tol: float = 1e-6):
    """Bounded raking of one area: ``codes`` per variable (category index per respondent), ``totals``
    per variable (target weight total per category). Returns (weights, converged, largest gap as
    a share of the area).

    The weights then add up to the area's total (the sum of any variable's totals) exactly, each
    within ``bounds``: when the bounds keep a margin from being met, raking alone would leave the
    area's mean weight off 1 (Goudriaan-like skew: 0.949), so the area is scaled back to its total
    with the bounds held (always possible, as LOW <= 1 <= HIGH) and the missed margin is reported."""
    n = len(codes[0])
    low, high = bounds
    w = np.ones(n)
    size = float(sum(totals[0])) if totals else float(n)
    w, converged, gap = _ipf(w, codes, totals, low, high, max_iter, tol)
    if n and abs(w.sum() - size) > 1e-12 * max(size, 1.0):
        w = _scale_to(w, size, low, high)
    return w, converged, gap


def _ipf(w, codes, totals, low, high, max_iter, tol):
    n = len(w)
    members = [[np.flatnonzero(c == k) for k in range(len(t))] for c, t in zip(codes, totals)]
    gap = previous = np.inf
    for _ in range(max_iter):
        for cells, target in zip(members, totals):
            for rows, t in zip(cells, target):
                if len(rows):
                    w[rows] = _scale_to(w[rows], t, low, high)
        gap = max(np.abs(np.bincount(c, weights=w, minlength=len(t)) - t)[[len(r) > 0 for r in m]].max(initial=0.0)
                  for c, t, m in zip(codes, totals, members)) / n
        if gap < tol:
            return w, True, gap
        if previous - gap < tol * 1e-3:  # stuck (bounds or conflicting margins): no use going on
            break
        previous = gap
    return w, False, gap


def rake(frame: pd.DataFrame, margins: pd.DataFrame, questions: dict, categories: dict,
         bounds: tuple[float, float] = (0.25, 4.0), max_iter: int = 500, tol: float = 1e-6,
         scope: str = "area") -> pd.Series:
    """Raking weights per area so that weighted shares match the margins of each variable.

    Respondents who did not answer a variable (or gave an answer without a margin, like
    ``anders``) form that variable's **unknown cell**, which keeps its share of the area's
    respondents; the known categories share the rest in the population's proportions. So among
    those who answered, every weighted share equals its target, and everyone is weighted on the
    variables they did answer.

    Weights are kept within ``bounds`` of the area's mean weight (1) *inside* each raking step
    (weights that would cross a bound are held there and the others make up the margin), so the
    margins are still met whenever the bounds allow it. ``scope="municipality"`` then scales each
    area's weights to its share of the population (the sum of its margins of the first variable,
    the survey's audience) so that results over all areas together are weighted to the whole
    municipality; within an area nothing changes.

    Returns a float Series aligned with ``frame`` with ``attrs["warnings"]`` (a list of
    :class:`RakeWarning`) and ``attrs["converged"]``.
    """
    if scope not in ("area", "municipality"):
        raise ValueError("scope must be 'area' or 'municipality'")
    weights = pd.Series(1.0, index=frame.index, name="weight")
    warnings: list[RakeWarning] = []
    converged_all = True
    population: dict = {}
    # area -> (rows, cell codes per variable, totals per variable, cell labels per variable)
    calibration: dict = {}
    for area in frame["area"].dropna().unique():
        if area not in margins.index:
            warnings.append(RakeWarning("no-margins", str(area)))
            continue
        idx = frame.index[(frame["area"] == area).to_numpy()]
        n = len(idx)
        codes, totals, plan = [], [], []
        # with a joint margin, those who answered both questions are raked on the joint cells; the
        # margins of one variable alone hold those who answered only that question (the others sit
        # in its fixed cell), so the two never pull against each other
        covered = None
        if JOINT in questions:
            joint_answers = _answers(frame, idx, questions[JOINT])
            wanted = set(categories[JOINT])
            covered = np.array([a is not None and a in wanted for a in joint_answers], dtype=bool)
        for var, qid in questions.items():
            target = _targets(margins, area, categories[var])
            values = list(target.index)
            answers = _answers(frame, idx, qid)
            printed = answers  # what representativeness shows: everyone who answered
            partial = covered is not None and var != JOINT and qid in questions[JOINT]
            if partial:
                answers = np.where(covered, None, answers)
            lookup = {v: i for i, v in enumerate(values)}
            code = np.array([len(values) if a is None else lookup.get(a, len(values)) for a in answers], dtype="int64")
            present = np.bincount(code, minlength=len(values) + 1)
            unknown = present[-1] / n
            share = target.to_numpy(dtype="float64").copy()
            for i, value in enumerate(values):
                label = "|".join(value) if isinstance(value, tuple) else str(value)
                if partial and present[i] == 0:
                    continue  # nobody answered only this question in this category: the check below tells
                if present[i] == 0 and share[i] > 0:
                    warnings.append(RakeWarning("empty-cell", str(area), var, label, target=float(share[i])))
                elif present[i] > 0 and share[i] == 0:
                    warnings.append(RakeWarning("no-population", str(area), var, label, target=0.0))
            reachable = np.where(present[:-1] > 0, share, 0.0)
            if reachable.sum() > 0:  # an empty cell's share goes to the others, in proportion
                reachable = reachable / reachable.sum()
            codes.append(code)
            totals.append(np.append(reachable * (1 - unknown) * n, unknown * n))
            plan.append((var, values, target, np.array([len(values) if a is None else lookup.get(a, len(values))
                                                        for a in printed], dtype="int64")))
        w, converged, gap = rake_cells(codes, totals, bounds, max_iter, tol)
        calibration[area] = (idx, codes, totals, [["|".join(v) if isinstance(v, tuple) else str(v) for v in values]
                                                  for _var, values, _target, _code in plan])
        if not converged:
            converged_all = False
            warnings.append(RakeWarning("not-converged", str(area), target=0.0, weighted=float(gap)))
        for var, values, target, code in plan:
            known = code < len(values)
            total = w[known].sum()
            for i, value in enumerate(values):
                got = w[code == i].sum() / total if total else np.nan
                if (code == i).any() and abs(got - target.iloc[i]) > MISSED:
                    label = "|".join(value) if isinstance(value, tuple) else str(value)
                    warnings.append(RakeWarning("missed", str(area), var, label, float(target.iloc[i]), float(got)))
        weights.loc[idx] = w
        first_var = next(iter(questions))
        population[area] = float(sum(margins.loc[area, c] for c in categories[first_var].values()))
    if scope == "municipality" and population:
        counted = frame["area"].isin(list(population))
        total_n, total_pop = int(counted.sum()), sum(population.values())
        for area, pop in population.items():
            in_area = (frame["area"] == area).to_numpy()
            weights.loc[in_area] *= (pop / total_pop) * total_n / in_area.sum()
    weights.attrs["warnings"] = warnings
    weights.attrs["converged"] = converged_all
    # what ladder.analysis.design needs: the raking cells (calibration variables), the totals they
    # were raked to, the bounds, and each area's population (for the finite population correction)
    weights.attrs["calibration"] = calibration
    weights.attrs["variables"] = list(questions)
    weights.attrs["population"] = population
    weights.attrs["bounds"] = tuple(bounds)
    weights.attrs["area_factor"] = {area: float(weights.loc[idx].sum() / len(idx)) if len(idx) else 1.0
                                    for area, (idx, *_rest) in calibration.items()}
    return weights


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


def joint_demographics(questions: dict, categories: dict, margins: pd.DataFrame) -> tuple[dict, dict] | None:
    """The age by sex variable when the margins have a column for every pair of the survey's age
    bands and sexes (``Mannen_k_15Tot25Jaar`` ..., see :func:`joint_column`), else None."""
    if "age" not in questions or "sex" not in questions:
        return None
    pairs = {(age, sex): joint_column(sex_col, age_col)
             for age, age_col in categories["age"].items() for sex, sex_col in categories["sex"].items()}
    if not all(col in margins.columns for col in pairs.values()):
        return None
    return {JOINT: (questions["age"], questions["sex"])}, {JOINT: pairs}


def survey_weights(frame: pd.DataFrame, survey, margins: pd.DataFrame, bounds=(0.25, 4.0), joint: bool = True,
                   **kwargs) -> pd.Series:
    """:func:`rake` with the survey's demographics; with ``joint`` (default) and joint age by sex
    margins in the file, also to those (besides age and sex alone: the margins of those who
    answered only one of the two questions)."""
    questions, categories = survey_demographics(survey, margins)
    both = joint_demographics(questions, categories, margins) if joint else None
    if both is not None:
        questions, categories = {**questions, **both[0]}, {**categories, **both[1]}
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
