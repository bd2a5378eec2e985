"""Issue 27: design-based standard errors equal to R's ``survey`` on three generated surveys.

The numbers in tests/fixtures/design_survey.json were computed once by tests/fixtures/design_survey.R
(its provenance is in the file) from the CSVs tests/design_cases.py writes; here the same frames are
built again and every standard error, estimate and interval must agree to 1e-6.
"""
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from design_cases import SURVEYS, csv_text, weighted

from ladder.analysis.design import from_weights, jackknife, ratio, replicate_ratio, share_intervals, simple

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "design_survey.json").read_text(encoding="utf-8"))
TOL = 1e-6


def designs(frame, weights):
    """The designs of the fixture by name, as (design, fpc, replicates)."""
    raked = from_weights(frame, weights)
    plain = simple(frame)
    return {
        "unweighted": (plain, False, False),
        "unweighted_fpc": (replace(plain, population=raked.population), True, False),
        "fixed": (simple(frame, weights.to_numpy()), False, False),
        "raked": (raked, False, False),
        "raked_fpc": (raked, True, False),
        "jkn_raked": (replace(raked, population=None), False, True),
        "jkn_raked_fpc": (raked, True, True),
    }


def estimates(frame, design, fpc, replicates):
    """(area, value) -> (estimate, se) for every rung share and the mean rung among those who answered."""
    answered = frame["antwoord"].notna().to_numpy()
    level = np.nan_to_num(frame["antwoord"].astype("float64").to_numpy())
    areas = list(dict.fromkeys(frame["area"]))
    values = ["1", "2", "3", "4", "5", "mean"]
    ys = [(frame["antwoord"] == v).fillna(False).to_numpy().astype(float) if v != "mean" else level for v in values]
    y = np.column_stack([yy for _a in areas for yy in ys])
    d = np.column_stack([((frame["area"] == a).to_numpy() & answered).astype(float) for a in areas for _v in values])
    if replicates:
        reps, scales = jackknife(design if fpc else replace(design, population=None))
        est, se = replicate_ratio(reps, scales, y, d, design.weights)
    else:
        est, se = ratio(design, y, d, fpc=fpc)
    keys = [(a, v) for a in areas for v in values]
    return dict(zip(keys, zip(est, se)))


@pytest.fixture(scope="module", params=list(SURVEYS))
def case(request):
    slug = request.param
    frame, _margins, weights = weighted(slug)
    return slug, frame, weights, FIXTURE[slug]


def test_the_fixture_was_computed_from_these_frames(case):
    slug, _frame, _weights, fixture = case
    assert hashlib.md5(csv_text(slug).encode()).hexdigest() == fixture["md5"]
    # ladder's raking and R's calibrate(calfun = "raking") give the same weights
    assert fixture["weight_gap"] < TOL


@pytest.mark.parametrize("name", ["unweighted", "unweighted_fpc", "fixed", "raked", "raked_fpc", "jkn_raked",
                                  "jkn_raked_fpc"])
def test_standard_errors_equal_r_survey(case, name):
    slug, frame, weights, fixture = case
    design, fpc, replicates = designs(frame, weights)[name]
    got = estimates(frame, design, fpc, replicates)
    rows = fixture[name]
    assert len(rows) >= 25
    for row in rows:
        est, se = got[(row["area"], row["value"])]
        assert est == pytest.approx(row["estimate"], abs=TOL), (slug, name, row)
        assert se == pytest.approx(row["se"], abs=TOL), (slug, name, row)


def test_calibration_and_fpc_change_the_standard_errors(case):
    # the checks above would pass for a design that ignored them if the numbers did not differ
    _slug, _frame, _weights, fixture = case
    se = {name: {(r["area"], r["value"]): r["se"] for r in fixture[name]} for name in ("fixed", "raked", "raked_fpc")}
    assert max(abs(se["fixed"][k] - se["raked"][k]) for k in se["raked"]) > 1e-3
    assert max(abs(se["raked"][k] - se["raked_fpc"][k]) for k in se["raked"]) > 1e-3


def test_logit_intervals_equal_svyciprop(case):
    slug, frame, weights, fixture = case
    design = from_weights(frame, weights)
    answered = frame["antwoord"].notna().to_numpy()
    for row in fixture["logit_raked_fpc"]:
        hit = (frame["antwoord"] == row["value"]).fillna(False).to_numpy().astype(float)
        domain = ((frame["area"] == row["area"]).to_numpy() & answered).astype(float)
        _share, _se, low, high = share_intervals(design, hit, domain)
        assert low[0] == pytest.approx(row["ci_low"], abs=TOL), (slug, row)
        assert high[0] == pytest.approx(row["ci_high"], abs=TOL), (slug, row)
