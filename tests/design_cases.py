"""Three generated surveys for the design-based standard errors, checked against R's ``survey``.

Each case takes the areas of a bundled survey, invents margins (men, women, under and over 45) and
seeded responses: skewed areas (one far older and more male than its population, like Goudriaan),
tiny areas (8 and 9 respondents) and small villages where a good share of the population answered
(finite population correction). Answers are a rung (1..5) or empty (not answered); age may be empty
(its unknown cell).

``python tests/design_cases.py DIR`` writes DIR/<slug>.csv, which tests/fixtures/design_survey.R
reads to write tests/fixtures/design_survey.json; the tests build the same frames here, so they
need no R. The CSV is the export's design columns (see ``ladder.analysis.design.design_columns``).
"""
from __future__ import annotations

import hashlib
import io
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from ladder.analysis.design import design_columns, from_weights
from ladder.analysis.weights import rake, read_margins

ROOT = Path(__file__).resolve().parents[1]
SURVEYS = {
    "molenwaard-dorpsoverleg": ROOT / "plugins/molenwaard/ladder_molenwaard/surveys/molenwaard-dorpsoverleg.toml",
    "sudwest-fryslan-belangen":
        ROOT / "plugins/sudwest_fryslan/ladder_sudwest_fryslan/surveys/sudwest-fryslan-belangen.toml",
    "rotterdam-buurt-bestuurt": ROOT / "plugins/rotterdam/ladder_rotterdam/surveys/buurt-bestuurt.toml",
}
SEEDS = {"molenwaard-dorpsoverleg": 2701, "sudwest-fryslan-belangen": 2702, "rotterdam-buurt-bestuurt": 2703}
# per area: population, respondents, share of men and of over-45s among respondents (skew), and in
# the population
SHAPES = [(6000, 160, 0.5, 0.5, 0.49, 0.45), (1200, 70, 0.65, 0.80, 0.51, 0.45),  # Goudriaan-like skew
          (500, 60, 0.45, 0.55, 0.48, 0.40), (900, 8, 0.5, 0.5, 0.5, 0.5),     # Wijngaarden-like, tiny
          (3000, 45, 0.35, 0.35, 0.5, 0.55), (150, 9, 0.6, 0.6, 0.5, 0.5)]    # tiny and nearly whole
QUESTIONS = {"sex": "sekse", "age": "leeftijd"}
CATEGORIES = {"sex": {"man": "Mannen", "vrouw": "Vrouwen"}, "age": {"jong": "k_15Tot45Jaar", "oud": "k_45JaarOfOuder"}}
RUNGS = ["1", "2", "3", "4", "5"]


def areas_of(slug: str) -> list[str]:
    with open(SURVEYS[slug], "rb") as fh:
        return [a["code"] for a in tomllib.load(fh)["areas"]][:len(SHAPES)]


def _people(rng, n, men, old):
    """Sex and age of ``n`` respondents, every sex and age pair at least twice (so that each
    jackknife replicate can still be raked: with one old man left out of an area whose other men are
    all young, raking has no solution, and R and ladder each stop somewhere else)."""
    while True:
        sex = np.where(rng.random(n) < men, "man", "vrouw")
        age = np.where(rng.random(n) < old, "oud", "jong").astype(object)
        if min(((sex == s) & (age == a)).sum() for s in ("man", "vrouw") for a in ("oud", "jong")) >= 2:
            return sex, age


def case(slug: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(frame, margins) of one generated survey: frame columns area, sekse, leeftijd, antwoord."""
    rng = np.random.default_rng(SEEDS[slug])
    parts, margin_rows = [], []
    for area, (pop, n, men, old, pop_men, pop_old) in zip(areas_of(slug), SHAPES):
        sex, age = _people(rng, n, men, old)
        if n > 20:  # a few left their age empty: the unknown cell
            age[rng.choice(n, size=max(2, n // 25), replace=False)] = None  # 2: see _people
        level = 1 + (age == "oud") + (sex == "man") + rng.integers(0, 3, n)
        answer = np.array([RUNGS[min(v, 5) - 1] for v in level], dtype=object)
        answer[rng.random(n) < 0.1] = None  # not answered
        parts.append(pd.DataFrame({"area": area, "sekse": sex, "leeftijd": age, "antwoord": answer}))
        m = round(pop * pop_men)
        o = round(pop * pop_old)
        margin_rows.append(f"{area};{m};{pop - m};{pop - o};{o}")
    frame = pd.concat(parts, ignore_index=True)
    frame["antwoord"] = pd.Categorical(frame["antwoord"], categories=RUNGS)
    header = "gebied;Mannen;Vrouwen;k_15Tot45Jaar;k_45JaarOfOuder\n"
    margins = read_margins(io.StringIO(header + "\n".join(margin_rows)))
    return frame, margins


def weighted(slug: str, bounds=(0.01, 100.0)):
    """The case's frame, margins and raking weights (``bounds`` wide enough to leave the raking free,
    as R's ``calibrate(calfun = "raking")`` is)."""
    frame, margins = case(slug)
    weights = rake(frame, margins, QUESTIONS, CATEGORIES, bounds=bounds, tol=1e-12, max_iter=5000)
    return frame, margins, weights


def table(slug: str) -> pd.DataFrame:
    """What R reads: the answers and the design columns of the export."""
    frame, _margins, weights = weighted(slug)
    out = frame[["area", "sekse", "leeftijd", "antwoord"]].astype(object)
    out["level"] = pd.to_numeric(frame["antwoord"].astype(object), errors="coerce")
    out["stratum"] = frame["area"]
    out["weight"] = weights
    return pd.concat([out, design_columns(from_weights(frame, weights))], axis=1)


def csv_text(slug: str) -> str:
    return table(slug).to_csv(index=False, float_format="%.17g", lineterminator="\n")


def digest(slug: str) -> str:
    return hashlib.sha256(csv_text(slug).encode()).hexdigest()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "design-cases")
    out.mkdir(parents=True, exist_ok=True)
    for slug in SURVEYS:
        (out / f"{slug}.csv").write_text(csv_text(slug), encoding="utf-8")
        print(out / f"{slug}.csv", digest(slug))
