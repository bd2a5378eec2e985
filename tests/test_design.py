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
from test_analysis_report import molenwaard  # noqa: F401  (fixture)

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


# --- every weighted share ladder prints uses the design-based interval ----------------------------

def _design_interval(frame, design, column, value, area):
    """The interval computed here, independently of the summaries: the share of ``value`` in
    ``column`` among those in ``area`` who answered."""
    answered = frame[column].notna().to_numpy()
    hit = (frame[column].astype(object) == value).to_numpy().astype(float)
    domain = ((frame["area"].astype(str) == area).to_numpy() & answered).astype(float)
    share, _se, low, high = share_intervals(design, hit, domain)
    return share[0], low[0], high[0]


def _weighted_frame(app, reg, survey):
    from test_analysis_report import sample_margins

    from ladder.analysis import response_frame
    from ladder.analysis.weights import read_margins, survey_weights
    frame = response_frame(app.config["DATABASE_URL"], survey, registry=reg)
    margins = read_margins(sample_margins())
    weights = survey_weights(frame, survey, margins, bounds=(0.25, 4.0))
    return frame, margins, from_weights(frame, weights)


def test_summary_weighted_prints_design_based_intervals(molenwaard, runner):  # noqa: F811
    from test_analysis_report import MOLENWAARD, sample_margins

    from ladder.__main__ import main
    app, reg, survey = molenwaard
    with app.app_context():
        frame, _margins, design = _weighted_frame(app, reg, survey)
    base = ["summary", MOLENWAARD, "--format", "json", "--threshold", "0", "--weighted", "--margins",
            str(sample_margins())]
    result = runner.invoke(main, base + ["--name", "rungs-per-area"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("{"):])["summaries"]["rungs-per-area"]
    crosstab = runner.invoke(main, base + ["--by", "area"])
    assert crosstab.exit_code == 0, crosstab.output
    cross = json.loads(crosstab.output[crosstab.output.index("{"):])["summaries"]["crosstab-area"]
    checked = 0
    for row in rows:
        share, low, high = _design_interval(frame, design, "rung_" + row["aspect"], row["rung"], row["area"])
        assert row["share"] == pytest.approx(share, abs=1e-9)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-9), row
        checked += 1
    for row in cross:
        if row["question"] in ("themas", "woonplaats") or row["share"] is None:
            continue  # multiple choice; the area itself
        share, low, high = _design_interval(frame, design, row["question"], row["value"], row["area"])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-9), row
        checked += 1
    assert checked >= 20


def test_weighted_report_shows_design_based_intervals(molenwaard, monkeypatch):  # noqa: F811
    from ladder.analysis import report
    app, reg, survey = molenwaard
    seen = []
    original = report._rung_tables
    monkeypatch.setattr(report, "_rung_tables", lambda *a, **k: seen.append(original(*a, **k)) or seen[-1])
    with app.app_context():
        frame, margins, design = _weighted_frame(app, reg, survey)
        report.build_report(frame, survey, registry=reg, threshold=0, margins=margins, weighted=True)
    from ladder.analysis.charts import _area_names
    names = _area_names(survey)
    checked = 0
    for table in seen[0]:
        aspect = table["aspect"]
        for row in table["rows"]:
            area = next(code for code, name in names.items() if name == row["name"])
            for (share, _count, low, high), rung in zip(row["cells"], _rungs_of(frame, aspect)):
                if not share:
                    continue  # a rung nobody reached: Wilson on Kish's n (no design interval at 0)
                got = _design_interval(frame, design, "rung_" + aspect, rung, area)
                assert (low, high) == pytest.approx(got[1:], abs=1e-12), (area, aspect, rung)
                checked += 1
    assert checked >= 5


def _rungs_of(frame, aspect):
    return list(frame["rung_" + aspect].cat.categories)


def test_no_weighted_share_bypasses_the_design():
    # the places that compute an interval from a count (Wilson) or Kish's n: each is unweighted or
    # the share 0 (no design interval); a new one must be looked at and added here
    import re
    root = Path(__file__).resolve().parents[1] / "ladder"
    found = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("wilson(", "effective_n(", "add_intervals("):
            for match in re.finditer(r"^(?!\s*def ).*\b" + re.escape(name), text, flags=re.M):
                found.add((path.relative_to(root).as_posix(), name))
    assert found == {
        ("analysis/intervals.py", "wilson("),  # add_intervals: unweighted
        ("analysis/design.py", "wilson("),  # the share 0 or 1, where the logit interval has no width
        ("analysis/summaries.py", "add_intervals("),  # unweighted; weighted rows are overwritten by the design
        ("analysis/report.py", "wilson("),  # _nobody: a rung nobody reached
        ("analysis/report.py", "effective_n("),  # its n
        ("publication/build.py", "wilson("),  # /r/'s plain tables: unweighted
        ("publication/evaluation.py", "wilson("),  # unweighted
        ("analysis/plan_evaluation.py", "wilson("),  # unweighted
    }, found


def test_export_carries_the_design(molenwaard, runner, tmp_path):  # noqa: F811
    # issue 27: an export with weights says how to rebuild the design: the area is the stratum, its
    # population, the raking cells, the jackknife scale, and (side file) the replicate weights
    import pandas as pd
    from test_analysis_report import MOLENWAARD, sample_margins

    from ladder.__main__ import main
    out, side = tmp_path / "m.csv", tmp_path / "m-replicates.csv"
    result = runner.invoke(main, ["export", MOLENWAARD, "--margins", str(sample_margins()), "-o", str(out),
                                  "--replicates", str(side)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"response_id", "area", "weight", "population", "jk_scale", "cal_age", "cal_sex"} <= set(table.columns)
    langerak = table[table["area"] == "langerak"]
    # the population the weights stand for: the age bands' margins (15 and older: 100 + 180 + 220 + 150),
    # not all inhabitants (800, children included)
    assert (langerak["population"] == 650).all()
    assert langerak["jk_scale"].iloc[0] == pytest.approx((1 - 12 / 650) * 11 / 12)
    assert set(langerak["cal_sex"]) == {"man", "vrouw", "onbekend"}  # 'anders' and the empty one: unknown cell
    reps = pd.read_csv(side)
    assert list(reps["response_id"]) == list(table["response_id"]) and reps.shape == (len(table), len(table) + 1)
    # replicate r leaves out the r-th respondent; the others in the area keep its weight total
    for r, row in enumerate(table.itertuples()):
        assert reps.iloc[r, r + 1] == 0
        same = (table["area"] == row.area).to_numpy()
        assert reps.loc[same, f"rep_{r + 1}"].sum() == pytest.approx(table.loc[same, "weight"].sum())
    # SPSS keeps the design's numbers as numbers (no user-missing codes), with the raking cells as text
    from ladder.testing import need_module
    pyreadstat = need_module("pyreadstat")
    sav = tmp_path / "m.sav"
    assert runner.invoke(main, ["export", MOLENWAARD, "--format", "sav", "--margins", str(sample_margins()),
                                "-o", str(sav)]).exit_code == 0
    back, meta = pyreadstat.read_sav(str(sav), user_missing=True)
    assert back["jk_scale"].tolist() == pytest.approx(table["jk_scale"].tolist())
    assert "jk_scale" not in meta.missing_ranges and back["cal_sex"].tolist() == table["cal_sex"].fillna("").tolist()
    no_margins = runner.invoke(main, ["export", MOLENWAARD, "--replicates", str(side)])
    assert no_margins.exit_code != 0 and "--replicates needs --margins" in no_margins.output


def test_weighted_means_get_design_based_standard_errors(molenwaard, runner):  # noqa: F811
    # the gap's mean difference and the Borda mean points, weighted: se from the design (raking as
    # calibration, fpc), not from the weights taken as fixed
    from test_analysis_report import MOLENWAARD, sample_margins

    from ladder.__main__ import main
    from ladder.analysis.summaries import _points_of
    app, reg, survey = molenwaard
    with app.app_context():
        frame, _margins, design = _weighted_frame(app, reg, survey)
    result = runner.invoke(main, ["summary", MOLENWAARD, "--format", "json", "--threshold", "0", "--weighted",
                                  "--margins", str(sample_margins()), "--name", "aspect-gap",
                                  "--name", "ranking-borda"])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.output[result.output.index("{"):])["summaries"]
    first, second = list(survey.aspects)[:2]
    a, b = (frame[f"rung_{x}"].cat.codes.to_numpy() for x in (first, second))
    both = (a >= 0) & (b >= 0)
    checked = 0
    for row in tables["aspect-gap"]:
        domain = both & (frame["area"].astype(str) == row["area"]).to_numpy()
        mean, se = ratio(design, np.where(both, b - a, 0), domain)
        if row["n"] > 1:
            assert (row["mean_difference"], row["se"]) == pytest.approx((mean, se), abs=1e-9), row
            assert se != pytest.approx(ratio(simple(frame, design.weights), np.where(both, b - a, 0), domain,
                                             fpc=False)[1], abs=1e-6)
            checked += 1
    positions = frame.attrs["rankings"]
    for row in tables["ranking-borda"]:
        answered = frame[positions[row["question"]][0]].notna().to_numpy()
        domain = answered & (frame["area"].astype(str) == row["area"]).to_numpy()
        mean, se = ratio(design, _points_of(frame, positions[row["question"]], row["choice"]), domain)
        if row["n"] > 1:
            assert (row["mean_points"], row["se"]) == pytest.approx((mean, se), abs=1e-9), row
            checked += 1
    assert checked >= 5


def test_copies_of_a_weighted_frame_share_its_design_and_a_table_its_layout(case):
    """pandas deep-copies ``frame.attrs`` on every operation: the design (arrays over every respondent) and a
    table's disclosure layout are read-only, so each copy, column and filter of the frame refers to the same one."""
    from ladder.analysis.design import DESIGN, design_of
    from ladder.analysis.summaries import RUNGS_LAYOUT
    _slug, frame, weights, _fixture = case
    frame = frame.copy()
    design = frame.attrs[DESIGN] = from_weights(frame, weights)
    frame.attrs["disclosure"] = RUNGS_LAYOUT
    kept = frame[frame["area"] == frame["area"].iloc[0]]
    for copy_of_frame in (frame.copy(), frame[["area"]], kept, frame.assign(x=1)):
        assert copy_of_frame.attrs[DESIGN] is design
        assert copy_of_frame.attrs["disclosure"] is RUNGS_LAYOUT
    assert design_of(kept).index.equals(kept.index)  # a filtered frame still gets the design of its own rows
