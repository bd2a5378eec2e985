"""Issue 15: every share has a 95 % interval and every mean a standard error; checked by hand and
against statsmodels (an independent implementation), and hidden with their counts.

Hand computation of Langerak's 5 of 12 (the issue's example), Wilson with z = 1.959964:
  p = 5/12 = 0.4166667, z^2 = 3.8414588, z^2/n = 0.3201216
  centre = (p + z^2/2n) / (1 + z^2/n) = (0.4166667 + 0.1600608) / 1.3201216 = 0.4368741
  half   = z * sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
         = 1.959964 * sqrt(0.02025463 + 0.00666920) / 1.3201216 = 1.959964 * 0.1640848 / 1.3201216 = 0.2436137
  interval 0.193260 .. 0.680488 ("roughly 19-68 %").
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ladder.analysis.disclosure import Layout, protect
from ladder.analysis.intervals import effective_n, mean_se, wilson
from ladder.analysis.summaries import aspect_gap, crosstab, question_summaries, ranking_borda, rungs_per_area
from ladder.testing import need_module

sys.path.insert(0, str(Path(__file__).parent / "plugins"))


# statsmodels, imported by the tests that compare with it (the hand-computed ones run without it)
def proportion_confint(*args, **kwargs):
    return need_module("statsmodels.stats.proportion").proportion_confint(*args, **kwargs)


def DescrStatsW(*args, **kwargs):  # noqa: N802 (statsmodels' name)
    return need_module("statsmodels.stats.weightstats").DescrStatsW(*args, **kwargs)

LADDER = ["informeren", "raadplegen", "adviseren"]


def rungs(values):
    return pd.Categorical(values, categories=LADDER, ordered=True)


def test_wilson_by_hand_five_of_twelve():
    low, high = wilson(5 / 12, 12)
    assert low[0] == pytest.approx(0.193260, abs=1e-6)
    assert high[0] == pytest.approx(0.680488, abs=1e-6)


@pytest.mark.parametrize("count,n", [(0, 1), (1, 1), (0, 12), (5, 12), (12, 12), (1, 3), (37, 40), (250, 1000),
                                     (3, 7), (999, 1000)])
def test_wilson_agrees_with_statsmodels(count, n):
    want = proportion_confint(count, n, alpha=0.05, method="wilson")
    low, high = wilson(count / n, n)
    assert (low[0], high[0]) == pytest.approx(want, abs=1e-12)


def test_nothing_to_estimate_gives_no_interval():
    low, high = wilson([np.nan, 0.5], [0, 0])
    assert np.isnan(low).all() and np.isnan(high).all()


def test_effective_n_by_hand():
    # weights 2, 2, 1, 1: (6)^2 / (4 + 4 + 1 + 1) = 3.6; equal weights give n
    assert effective_n([2, 2, 1, 1]) == pytest.approx(3.6)
    assert effective_n([0.7] * 9) == pytest.approx(9)


def test_mean_se_unweighted_agrees_with_statsmodels():
    x = np.array([1, 3, 3, 4, 5, 5, 5, 2], dtype=float)
    assert mean_se(x) == pytest.approx(DescrStatsW(x).std_mean, rel=1e-12)
    assert np.isnan(mean_se([4.0]))


def test_weighted_mean_se_by_hand():
    # x = 0, 1, 2 with weights 1, 1, 2: mean (0 + 1 + 4) / 4 = 1.25;
    # sum w^2 (x - mean)^2 = 1.5625 + 0.0625 + 4 * 0.5625 = 3.875; times n/(n-1) = 1.5: 5.8125;
    # sqrt 2.410913 / sum w 4 = 0.602728
    assert mean_se([0, 1, 2], [1, 1, 2]) == pytest.approx(0.602728, abs=1e-6)


def test_rungs_per_area_interval_is_wilson_of_the_area():
    f = pd.DataFrame({"area": pd.Categorical(["langerak"] * 12 + ["b"] * 3, categories=["langerak", "b"]),
                      "rung_huidig": rungs(["informeren"] * 5 + ["raadplegen"] * 7 + ["adviseren"] * 3)})
    table = rungs_per_area(f).set_index(["area", "rung"])
    for (area, rung), n in {("langerak", "informeren"): 12, ("langerak", "raadplegen"): 12, ("b", "adviseren"): 3}.items():
        row = table.loc[(area, rung)]
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(proportion_confint(row["count"], n, method="wilson"))
    assert table.loc[("langerak", "informeren"), "ci_low"] == pytest.approx(0.193260, abs=1e-6)


def test_weighted_share_interval_is_design_based():
    # issue 27: 4 people weighted 2, 2, 1, 1 in one area (a stratum); the first two on 'informeren':
    # share 4/6. Linearised: z = w (y - p) / Σw = 1/9, 1/9, -1/9, -1/9; var = 4/3 · 4/81 = 16/243;
    # se = 0.2566; logit interval expit(ln 2 ± 1.96 · se / (2/9)) = 17.2 % to 95.1 % (Kish + Wilson
    # gave 23.1 % to 93.0 %)
    f = pd.DataFrame({"area": pd.Categorical(["a"] * 4), "weight": [2.0, 2.0, 1.0, 1.0],
                      "rung_huidig": rungs(["informeren", "informeren", "raadplegen", "raadplegen"])})
    row = rungs_per_area(f).iloc[0]
    assert row["share"] == pytest.approx(4 / 6)
    se = np.sqrt(16 / 243)
    z = 1.959963984540054
    half = z * se / (4 / 6 * 2 / 6)
    expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((expit(np.log(2) - half), expit(np.log(2) + half)))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.1722129, 0.9505613), abs=1e-7)


def test_crosstab_weighted_and_unweighted_intervals():
    f = pd.DataFrame({"area": pd.Categorical(["a"] * 6, categories=["a"]),
                      "keuze": pd.Categorical(["x", "x", "y", "y", "y", None], categories=["x", "y"]),
                      "weight": [1.0, 3.0, 1.0, 1.0, 1.0, 9.0]})
    f.attrs["questions"] = {"keuze": ["keuze"]}
    plain = crosstab(f, None, "keuze", weighted=False)
    assert plain["count"].tolist() == [2, 3]
    assert (plain.loc[0, "ci_low"], plain.loc[0, "ci_high"]) == pytest.approx(proportion_confint(2, 5, method="wilson"))
    weighted = crosstab(f, None, "keuze")
    assert weighted["count"].tolist() == [4.0, 3.0] and weighted["respondents"].tolist() == [2, 3]
    assert weighted["share"].tolist() == pytest.approx([4 / 7, 3 / 7])
    # design-based (issue 27): those who answered are a domain of the area (R: subset(design, ...)), so
    # the one who did not still counts in n_h = 6: u = w (y - p) / 7 = (3, 9, -4, -4, -4, 0) / 49,
    # var = 6/5 · 138 / 49²; logit interval around 4/7
    se = np.sqrt(6 / 5 * 138) / 49
    p = 4 / 7
    low = 1 / (1 + np.exp(-(np.log(p / (1 - p)) - 1.959963984540054 * se / (p * (1 - p)))))
    assert weighted.loc[0, "ci_low"] == pytest.approx(low)
    assert weighted.loc[0, "ci_low"] != pytest.approx(wilson(4 / 7, 49 / 13)[0][0])  # not Kish + Wilson


def test_gap_and_borda_standard_errors():
    f = pd.DataFrame({"area": pd.Categorical(["a"] * 4),
                      "rung_huidig": rungs(["informeren"] * 4),
                      "rung_gewenst": rungs(["informeren", "raadplegen", "adviseren", "adviseren"])})
    gap = aspect_gap(f, first="huidig", second="gewenst").iloc[0]
    assert gap["mean_difference"] == pytest.approx(1.25)
    assert gap["se"] == pytest.approx(DescrStatsW(np.array([0, 1, 2, 2.0])).std_mean)
    r = pd.DataFrame({"area": pd.Categorical(["a"] * 3),
                      "p_1": pd.Categorical(["x", "y", "x"], categories=["x", "y", "z"]),
                      "p_2": pd.Categorical(["y", "x", "z"], categories=["x", "y", "z"])})
    r.attrs["rankings"] = {"p": ["p_1", "p_2"]}
    borda = ranking_borda(r, None).set_index("choice")
    # x: points 2, 1, 2 per person -> mean 5/3; y: 1, 2, 0; z: 0, 0, 1
    assert borda.loc["x", "mean_points"] == pytest.approx(5 / 3)
    for choice, points in {"x": [2, 1, 2], "y": [1, 2, 0], "z": [0, 0, 1]}.items():
        assert borda.loc[choice, "se"] == pytest.approx(DescrStatsW(np.array(points, float)).std_mean)


def test_question_summaries_carry_intervals_and_means():
    from ladder.plugins import load_registry
    reg = load_registry({"EXTRA_PLUGINS": ["fake_municipality"]})
    survey = reg.survey("testdorp-inspraak")
    choices = [c.value for c in survey.question("betrokken").choices]
    f = pd.DataFrame({"betrokken": pd.Categorical(["soms"] * 5 + ["vaak"] * 7, categories=choices),
                      "gewenst": pd.Categorical([1, 2, 2, 3, 6, 6, 4, 4, 5, 5, 5, 3], categories=range(1, 7),
                                                ordered=True)})
    found = {s.question.id: s for s in question_summaries(f, survey, reg)}
    table = found["betrokken"].table.set_index("value")
    assert (table.loc["soms", "ci_low"], table.loc["soms", "ci_high"]) == pytest.approx((0.193260, 0.680488), abs=1e-6)
    assert table.loc["nooit", "ci_low"] == 0.0  # nobody: 0 .. 0.2425, not 3e-17
    assert table.loc["nooit", "ci_high"] == pytest.approx(proportion_confint(0, 12, method="wilson")[1])
    assert found["betrokken"].derived["ci_low"] == "count"
    scale = found["gewenst"]
    numbers = np.array([1, 2, 2, 3, 6, 6, 4, 4, 5, 5, 5, 3], dtype=float)
    assert scale.mean == pytest.approx(numbers.mean())
    assert scale.se == pytest.approx(DescrStatsW(numbers).std_mean)


def test_interval_is_hidden_with_its_count():
    f = pd.DataFrame({"area": pd.Categorical(["a"] * 12, categories=["a"]),
                      "rung_huidig": rungs(["informeren"] * 2 + ["raadplegen"] * 10)})
    table = rungs_per_area(f)
    shown = protect(table, threshold=5)
    hidden = shown["count"].isna()
    assert hidden.any()
    assert shown.loc[hidden, ["ci_low", "ci_high"]].isna().all().all()
    # a layout that names only the share (as a chart's own table does) still hides the interval
    only_share = Layout(counts=("count",), derived={"share": "count"}, groups=("area",), categories=("rung",),
                        split=("aspect",))
    shown = protect(table, only_share, threshold=5)
    assert shown.loc[shown["count"].isna(), ["ci_low", "ci_high"]].isna().all().all()
    # and the interval is never taken for a count of its own
    assert shown["ci_low"].notna().sum() == shown["count"].notna().sum()
