"""Issue 4, the rest: raking checked by hand, weighted summaries, charts, ``ladder weights|chart|report``,
and the HTML report (self-contained, parseable, the right numbers, axe-core clean). SQLite and PostgreSQL."""
import io
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from conftest import skip_or_fail
from test_analysis import KNOWN, SLUG, assert_protected, filled, frame, grid_equations  # noqa: F401  (fixtures)

from ladder.analysis import (build_report, gap_chart, rake, read_margins, representativeness,
                             representativeness_index, rung_chart, rungs_per_area, suppress, survey_demographics,
                             weight_summary)
from ladder.analysis.summaries import aspect_gap
from ladder.registry import registry
from ladder.__main__ import main
from ladder.submit import submit

DATA = Path(__file__).parent / "data"
MOLENWAARD = "molenwaard-dorpsoverleg"


# --- the worked raking example: 2 x 2 margins, checked against numbers computed by hand ---------------
#
# 10 respondents in one area:   young  old  | sex total      population: 50% men, 50% women,
#                       man       2     2   |   4                        50% young, 50% old
#                       vrouw     4     2   |   6
#                       total     6     4
# Iteration 1, sex: men x 5/4, women x 5/6; then age: young x 5/(2*1.25 + 4*5/6) = 6/7, old x 5/(2*1.25 + 2*5/6) = 6/5
#   -> man-young 15/14, man-old 3/2, vrouw-young 5/7, vrouw-old 1.
# Iteration 2, sex: men x 35/36, women x 35/34; age: young x 204/205, old x 204/203
#   -> 25/24*204/205, 35/24*204/203, 25/34*204/205, 35/34*204/203.
# Converged: raking keeps the sample's odds ratio (2*2)/(2*4) = 1/2 while meeting 5/5 and 5/5, so with
# x weighted man-young: x^2/(5-x)^2 = 1/2, x = 5(sqrt 2 - 1) = 2.0711; weights x/2, (5-x)/2, (5-x)/4, x/2
#   = 1.0355, 1.4645, 0.7322, 1.0355.

WORKED = pd.DataFrame({
    "area": ["a"] * 10,
    "sekse": ["man", "man", "man", "man", "vrouw", "vrouw", "vrouw", "vrouw", "vrouw", "vrouw"],
    "leeftijd": ["jong", "jong", "oud", "oud", "jong", "jong", "jong", "jong", "oud", "oud"],
})
QUESTIONS = {"sex": "sekse", "age": "leeftijd"}
CATEGORIES = {"sex": {"man": "Mannen", "vrouw": "Vrouwen"}, "age": {"jong": "k_15Tot45Jaar", "oud": "k_45JaarOfOuder"}}
CELLS = [0, 2, 4, 8]  # one respondent of each cell: man-young, man-old, vrouw-young, vrouw-old


def worked_margins():
    return read_margins(DATA / "margins_2x2.csv")


def test_worked_raking_example_first_iteration():
    w = rake(WORKED, worked_margins(), QUESTIONS, CATEGORIES, max_iter=1)
    assert [w[i] for i in CELLS] == pytest.approx([15 / 14, 3 / 2, 5 / 7, 1.0], abs=1e-12)


def test_worked_raking_example_second_iteration():
    w = rake(WORKED, worked_margins(), QUESTIONS, CATEGORIES, max_iter=2)
    expected = [25 / 24 * 204 / 205, 35 / 24 * 204 / 203, 25 / 34 * 204 / 205, 35 / 34 * 204 / 203]
    assert [w[i] for i in CELLS] == pytest.approx(expected, abs=1e-12)
    assert [round(w[i], 4) for i in CELLS] == [1.0366, 1.4655, 0.7317, 1.0345]


def test_worked_raking_example_converges_to_the_closed_form():
    w = rake(WORKED, worked_margins(), QUESTIONS, CATEGORIES)
    x = 5 * (math.sqrt(2) - 1)
    assert [w[i] for i in CELLS] == pytest.approx([x / 2, (5 - x) / 2, (5 - x) / 4, x / 2], abs=1e-5)
    assert [round(w[i], 4) for i in CELLS] == [1.0355, 1.4645, 0.7322, 1.0355]
    assert w.sum() == pytest.approx(10)
    after = representativeness(WORKED, worked_margins(), QUESTIONS, CATEGORIES, weights=w)
    assert after["sample_share"].tolist() == pytest.approx([0.5] * 4, abs=1e-5)
    # the sample's odds ratio survives raking
    assert (w[0] * 2 * w[8] * 2) / (w[2] * 2 * w[4] * 4) == pytest.approx(0.5, abs=1e-5)


def test_worked_example_representativeness_index_and_weight_summary():
    margins = worked_margins()
    before = representativeness(WORKED, margins, QUESTIONS, CATEGORIES)
    index = representativeness_index(before)
    # dissimilarity: sex |0.4-0.5| + |0.6-0.5| over 2 = 0.1; age the same; index 100 * (1 - 0.1) = 90
    assert index.loc[0, "index"] == pytest.approx(90.0)
    assert index.loc[0, "dissimilarity_sex"] == pytest.approx(0.1)
    w = rake(WORKED, margins, QUESTIONS, CATEGORIES)
    summary = weight_summary(WORKED, w, bounds=(0.25, 4.0)).iloc[0]
    x = 5 * (math.sqrt(2) - 1)
    sum_sq = 2 * (x / 2) ** 2 + 2 * ((5 - x) / 2) ** 2 + 4 * ((5 - x) / 4) ** 2 + 2 * (x / 2) ** 2
    assert summary["effective_n"] == pytest.approx(100 / sum_sq, abs=1e-4)  # (sum w)^2 / sum w^2 = 100 / 10.72 = 9.33
    assert round(summary["effective_n"], 2) == 9.33
    assert summary["min"] == pytest.approx((5 - x) / 4, abs=1e-5) and summary["at_bound"] == 0


def test_raking_bounds_hold_weights_in():
    w = rake(WORKED, worked_margins(), QUESTIONS, CATEGORIES, bounds=(0.8, 1.25))
    assert w.between(0.8 - 1e-9, 1.25 + 1e-9).all()
    after = representativeness(WORKED, worked_margins(), QUESTIONS, CATEGORIES, weights=w)
    assert after["difference"].abs().max() > 1e-3  # the bound keeps the margins from being met


def test_read_margins_takes_dutch_cbs_headers_and_comments():
    margins = read_margins(io.StringIO(
        "# SAMPLE\nGebied;Naam;Aantal inwoners;Mannen;Vrouwen;15 tot 25 jaar;25 tot 45 jaar;45 tot 65 jaar;"
        "65 jaar of ouder\nx;X-dorp;1.200;600;600;100;300;400;400\n"))
    assert list(margins.index) == ["x"]
    assert margins.loc["x", "AantalInwoners"] == 1200 and margins.loc["x", "k_65JaarOfOuder"] == 400
    assert margins.loc["x", "Naam"] == "X-dorp"


# --- weighted summaries: the ``weight`` column convention --------------------------------------------

def test_rungs_per_area_counts_weights_and_suppress_uses_people():
    lad = ["informeren", "raadplegen"]
    f = pd.DataFrame({"area": pd.Categorical(["a"] * 6, categories=["a"]),
                      "rung_huidig": pd.Categorical(["informeren"] * 5 + ["raadplegen"], categories=lad, ordered=True),
                      "weight": [0.5, 0.5, 0.5, 0.5, 0.5, 3.5]})
    table = rungs_per_area(f)
    assert table["count"].tolist() == [2.5, 3.5] and table["respondents"].tolist() == [5, 1]
    assert table["share"].tolist() == pytest.approx([2.5 / 6, 3.5 / 6])
    shown = suppress(table, 5)
    # 1 person (weighted 3.5): hidden. Area a's 6 people are published (one area, at least 5), so the
    # 5 people weighted 2.5 would give that one person away (6 - 5): hidden too, people and shares.
    assert shown["count"].isna().all() and shown["share"].isna().all() and shown["respondents"].isna().all()
    assert_protected({0: 5, 1: 1}, {0, 1}, [(6, [0, 1])])  # each anything from 0 to 6
    # what decides is people, not weights: 5 and 5 people weighted 2.5 and 7.5 are both shown
    even = pd.DataFrame({"area": pd.Categorical(["a"] * 10, categories=["a"]),
                         "rung_huidig": pd.Categorical(["informeren"] * 5 + ["raadplegen"] * 5, categories=lad,
                                                       ordered=True),
                         "weight": [0.5] * 5 + [1.5] * 5})
    shown = suppress(rungs_per_area(even), 5)
    assert shown["count"].tolist() == [2.5, 7.5] and shown["respondents"].tolist() == [5, 5]
    assert shown["share"].tolist() == pytest.approx([0.25, 0.75]) and not shown["suppressed"].any()
    unweighted = rungs_per_area(f, weighted=False)
    assert unweighted["count"].tolist() == [5, 1] and "respondents" not in unweighted


def test_aspect_gap_weighted():
    lad = ["informeren", "raadplegen", "adviseren"]
    cat = lambda v: pd.Categorical(v, categories=lad, ordered=True)  # noqa: E731
    f = pd.DataFrame({"area": ["a"] * 3, "rung_huidig": cat(["informeren"] * 3),
                      "rung_gewenst": cat(["informeren", "adviseren", "raadplegen"]), "weight": [2.0, 1.0, 0.5]})
    gap = aspect_gap(f, first="huidig", second="gewenst").iloc[0]
    assert (gap["n"], gap["more"], gap["same"], gap["less"], gap["weighted_n"]) == (3, 1.5, 2.0, 0.0, 3.5)
    assert gap["mean_difference"] == pytest.approx((0 * 2 + 2 * 1 + 1 * 0.5) / 3.5)


# --- charts ----------------------------------------------------------------------------------------

def test_rung_chart_png_svg_and_table(frame, filled):  # noqa: F811
    survey = filled[3]
    chart = rung_chart(frame, survey, registry=filled[2], threshold=3)
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    root = ElementTree.fromstring(chart.svg)
    assert root.tag.endswith("svg")
    svg_text = chart.svg.decode()
    assert "Testdorp" in svg_text and "Informeren" in svg_text and "kleine aantallen" in svg_text
    assert "http://" not in re.sub(r'xmlns(:\w+)?="[^"]+"|<!DOCTYPE[^>]+>', "", svg_text)
    t = chart.table.set_index(["area", "aspect", "rung"])
    hidden = {key for key, count in t["count"].items() if pd.isna(count)}
    # Threshold 3, every rung a row (0 for nobody). People (area_n published beside each row):
    #   nu       informeren raadplegen adviseren coproduceren meebeslissen zelfbeheer | area_n
    #   testdorp      3         3          2          0            0           0     |  8
    #   proefwijk     1         2          1          0            0           0     |  4
    #   all areas     4         5          3          0            0           0     | 12
    #   gewenst
    #   testdorp      2         2          1          1            1           1     |  8
    #   proefwijk     1         2          0          0            1           0     |  4
    #   all areas     3         4          1          1            2           1     | 12
    # Nu: adviseren 2 and proefwijk's 1, 2, 1 are small; testdorp's row (8) and the columns informeren
    # (4 = 3 + 1) and raadplegen (5 = 3 + 2) would then give one away each: both testdorp 3s are hidden too.
    # The zeros stay (hiding them adds nothing: each row already hides 8 and 4).
    # Gewenst: every non-zero cell is small. The column totals adviseren, coproduceren and zelfbeheer are
    # themselves small (1), so each of those columns hides only 1 + 1 < 3 with no non-zero cell left:
    # the documented fallback hides proefwijk's zero there ("else a zero"). Meebeslissen hides 1 + 1 + 2.
    rungs = ["informeren", "raadplegen", "adviseren", "coproduceren", "meebeslissen", "zelfbeheer"]
    expected = ({(area, "huidig", r) for area in ("testdorp", "proefwijk") for r in rungs[:3]}
                | {(area, "gewenst", r) for area in ("testdorp", "proefwijk") for r in rungs})
    assert hidden == expected
    assert t.loc[list(expected), "share"].isna().all()
    for rung in rungs[3:]:  # nobody there now: 0 stays, with its 0% share
        for area in ("testdorp", "proefwijk"):
            assert t.loc[(area, "huidig", rung), "count"] == 0 and t.loc[(area, "huidig", rung), "share"] == 0
    assert t.xs("testdorp", level="area")["area_n"].tolist() == [8] * 12
    assert t.xs("proefwijk", level="area")["area_n"].tolist() == [4] * 12
    # nothing hidden can be worked out from the rows (area_n) and the overall answers
    now = {("testdorp", "informeren"): 3, ("testdorp", "raadplegen"): 3, ("testdorp", "adviseren"): 2,
           ("proefwijk", "informeren"): 1, ("proefwijk", "raadplegen"): 2, ("proefwijk", "adviseren"): 1}
    assert_protected(now, set(now), grid_equations(now, {"testdorp": 8, "proefwijk": 4},
                                                   {"informeren": 4, "raadplegen": 5, "adviseren": 3}))
    wish = {("testdorp", r): v for r, v in zip(rungs, [2, 2, 1, 1, 1, 1])}
    wish |= {("proefwijk", r): v for r, v in zip(rungs, [1, 2, 0, 0, 1, 0])}
    totals = {("column", r): v for r, v in zip(rungs, [3, 4, 1, 1, 2, 1])}
    # the small column totals are hidden; with the others they add up to 12
    equations = grid_equations(wish, {"testdorp": 8, "proefwijk": 4}, {"informeren": 3, "raadplegen": 4})
    equations.append((12, list(totals)))
    assert_protected(wish | totals, set(wish) | {("column", r) for r in rungs[2:]}, equations)
    # ladder order, every rung present
    assert chart.table[(chart.table.area == "testdorp") & (chart.table.aspect == "gewenst")]["rung"].tolist() == rungs
    whole = rung_chart(frame, survey, registry=filled[2], threshold=5).table
    # 4 people < 5: proefwijk is hidden whole (its zeros too); 12 people in all minus testdorp's 8 would
    # give its 4, so testdorp's area_n is hidden too: no bar at all. Every non-zero count is under 5; and
    # in each column where proefwijk's hidden zero is the only hidden cell, testdorp's zero is the
    # documented last-resort complement. So every cell and share is hidden.
    assert whole["area_n"].isna().all() and whole["count"].isna().all() and whole["share"].isna().all()


def test_gap_chart_table(frame, filled):  # noqa: F811
    chart = gap_chart(frame, filled[3], threshold=3)
    assert chart.png.startswith(b"\x89PNG")
    t = chart.table.set_index("area")
    # Threshold 3. People:  n  more same less
    #   testdorp           8    4    3    1
    #   proefwijk          4    1    2    1
    #   all areas         12    5    5    2
    # Small: testdorp less 1, proefwijk more 1 and same 2 and less 1, all areas' less 2. Testdorp's row
    # (n 8 = 4 + 3 + 1) then hides one cell: the smallest that makes 3, same 3; all areas' more (5 = 4 + 1)
    # hides one: testdorp more 4. The column totals (5 + 5 + 2 = 12) hide only the 2: more's 5 goes too.
    # Left shown: both n and both means (derived from n, which is shown).
    cells = ["more", "same", "less", "more_share", "same_share", "less_share"]
    for area, n, mean in (("testdorp", 8, 9 / 8), ("proefwijk", 4, 0.5)):
        assert t.loc[area, "n"] == n and t.loc[area, "mean_difference"] == pytest.approx(mean)
        assert t.loc[area, cells].isna().all(), area
        assert bool(t.loc[area, "suppressed"])
    people = {("testdorp", "more"): 4, ("testdorp", "same"): 3, ("testdorp", "less"): 1,
              ("proefwijk", "more"): 1, ("proefwijk", "same"): 2, ("proefwijk", "less"): 1,
              ("column", "more"): 5, ("column", "less"): 2}
    equations = grid_equations({k: v for k, v in people.items() if k[0] != "column"},
                               {"testdorp": 8, "proefwijk": 4}, {"same": 5})
    equations.append((12 - 5, [("column", "more"), ("column", "less")]))  # the column totals add up to 12
    assert_protected(people, set(people), equations)  # e.g. testdorp same: 1 to 5
    open_table = gap_chart(frame, filled[3], threshold=0).table.set_index("area")
    assert open_table.loc["proefwijk", ["more", "same", "less"]].tolist() == [1, 2, 1]


# --- the report ------------------------------------------------------------------------------------

class Page(HTMLParser):
    """Collects tables (caption -> rows of cell texts), img/script/link/src attributes, and errors."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.urls, self.tags, self.stack = {}, [], [], []
        self._caption = self._row = self._cell = None
        self.html_lang = None
        self.headings = []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        for key in ("src", "href", "data", "action", "srcset", "poster"):
            if key in attrs:
                self.urls.append((tag, key, attrs[key]))
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._caption = ""
            self._in_caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag in ("h1", "h2", "h3"):
            self._heading = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr":
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            self.tables[" ".join(self._caption.split())] = self._rows
        elif tag in ("h1", "h2", "h3"):
            self.headings.append((tag, " ".join(self._heading.split())))
            self._heading = None

    def handle_data(self, data):
        if getattr(self, "_in_caption", False):
            self._caption += data
        elif self._cell is not None:
            self._cell += data
        if self._heading is not None:
            self._heading += data


def parse(html):
    page = Page()
    page.feed(html)
    page.close()
    return page


def rows_by_first(table):
    return {row[0]: row[1:] for row in table}


def without_margins(rows):
    """The cells without the 95 % margin under a mean (tests/test_intervals.py checks those)."""
    return {k: [re.sub(r" marge .* tot .*$", "", c) for c in v] for k, v in rows.items()}


def test_report_has_the_right_numbers_and_nothing_to_fetch(frame, filled):  # noqa: F811
    reg, survey = filled[2], filled[3]
    html = build_report(frame, survey, registry=reg, threshold=3).html
    page = parse(html)
    assert page.html_lang == "nl"
    assert ("h1", "Analyse: Inspraak in Testdorp") in page.headings  # the internal analysis report says so
    assert any(h == ("h2", "Methode") for h in page.headings)
    # nothing is fetched: no network URL anywhere, no scripts, no external style sheets
    assert not re.search(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert not any(tag in ("script", "link", "iframe", "object", "embed") for tag, _ in page.tags)
    for tag, key, url in page.urls:
        assert url.startswith(("#", "data:image/svg+xml;base64,")), (tag, key, url[:40])
    imgs = [a for t, a in page.tags if t == "img"]
    assert len(imgs) == 2 and all("tabel" in a["alt"] for a in imgs)
    # every table has a caption and every th a scope
    assert all(a.get("scope") in ("col", "row") for t, a in page.tags if t == "th")
    assert html.count("<table") == html.count("<caption>")

    participation = rows_by_first(page.tables["Aantal deelnemers per gebied"])
    assert participation["Testdorp"] == ["8"] and participation["Proefwijk"] == ["4"]
    assert participation["Totaal"] == ["12"]
    huidig = rows_by_first(page.tables["Nu: aandeel en aantal mensen per trede, per gebied"])
    assert huidig["Gebied"] == ["Aantal mensen", "Informeren", "Raadplegen", "Adviseren", "Coproduceren",
                                "Meebeslissen", "Zelfbeheer"]
    # the rung chart's table at threshold 3 (see test_rung_chart_png_svg_and_table): testdorp 3 3 2 (8) and
    # proefwijk 1 2 1 (4) with the overall 4 5 3: the 2 and proefwijk are small, testdorp's two 3s would
    # give them away (8 - 3 - 3, 4 - 3, 5 - 3); the zeros are shown
    # with the 95 % (Wilson) margin: 0 of n reaches z^2 / (n + z^2): 3.84 / 11.84 = 32 % (8), 3.84 / 7.84 = 49 % (4)
    assert huidig["Testdorp"] == ["8"] + ["verborgen"] * 3 + ["0% (0) marge 0% tot 32%"] * 3
    assert huidig["Proefwijk"] == ["4"] + ["verborgen"] * 3 + ["0% (0) marge 0% tot 49%"] * 3
    # "wat u wilt": every non-zero count is 1 or 2, and proefwijk's zeros are the last-resort complements
    gewenst = rows_by_first(page.tables["Wat u wilt: aandeel en aantal mensen per trede, per gebied"])
    assert gewenst["Testdorp"] == ["8"] + ["verborgen"] * 6 and gewenst["Proefwijk"] == ["4"] + ["verborgen"] * 6
    gap = without_margins(rows_by_first(page.tables["Zeggenschap nu en gewenst per gebied"]))
    # more same less: testdorp 4 3 1, proefwijk 1 2 1, overall 5 5 2: the small ones, testdorp's same (row
    # 8 = 4 + 3 + 1) and more (overall 5 = 4 + 1) are hidden; n and the mean difference are shown
    assert gap["Testdorp"] == ["8", "verborgen", "verborgen", "verborgen", "1,1"]
    assert gap["Proefwijk"] == ["4", "verborgen", "verborgen", "verborgen", "0,5"]
    overall = without_margins(rows_by_first(page.tables["Alle gebieden samen: rangorde (7 mensen)"]))
    # 7 people ranked (all areas): points 9, 8, 4; times first 3, 3, 1 (adding up to the 7 shown).
    # Bloembakken's 1 is small; 7 - 3 - 3 would give it, so one of the two 3s (equally small, either
    # protects it) is hidden too: the two hidden add up to 4.
    # With two places ranked, points minus times ranked are the times ranked first, so a hidden "first"
    # takes its row's points (and points per person) with it.
    assert overall["Bloembakken"] == ["verborgen", "verborgen", "verborgen"]
    shown, hidden = sorted([overall["Bankjes"], overall["Een AED"]], key=lambda row: row[1] == "verborgen")
    assert shown[1] == "3" and shown in (["9", "3", "1,29"], ["8", "3", "1,14"])
    assert hidden == ["verborgen", "verborgen", "verborgen"]
    # per area: proefwijk (2 people) is hidden whole; all areas' 7 minus testdorp's 5 would give its 2,
    # so testdorp's table is left out too
    assert not any(caption.startswith(("Testdorp:", "Proefwijk:")) for caption in page.tables)
    assert "Testdorp</strong>: te weinig antwoorden" in html
    assert "Proefwijk</strong>: te weinig antwoorden" in html
    assert "tonen we geen aantallen van 1 tot en met 2" in html
    assert "niet gewogen en niet vergeleken" in html
    assert "12 antwoorden" in html  # the one survey version


def test_report_default_threshold_hides_small_areas(frame, filled):  # noqa: F811
    html = build_report(frame, filled[3], registry=filled[2]).html
    page = parse(html)
    participation = rows_by_first(page.tables["Aantal deelnemers per gebied"])
    # Threshold 5: proefwijk (4) is small, and the published total 12 minus testdorp's 8 would give it:
    # both are hidden, only the total is shown (each area anything from 0 to 12)
    assert participation["Testdorp"] == ["verborgen"] and participation["Proefwijk"] == ["verborgen"]
    assert participation["Totaal"] == ["12"]
    assert_protected({"testdorp": 8, "proefwijk": 4}, {"testdorp", "proefwijk"}, [(12, ["testdorp", "proefwijk"])])
    # so the rung tables cannot show an area's number of people either: no row has numbers
    for caption in ("Nu", "Wat u wilt"):
        rows = rows_by_first(page.tables[f"{caption}: aandeel en aantal mensen per trede, per gebied"])
        assert rows["Testdorp"] == rows["Proefwijk"] == ["te weinig antwoorden om te tonen"], caption
    gap = without_margins(rows_by_first(page.tables["Zeggenschap nu en gewenst per gebied"]))
    assert gap["Testdorp"] == gap["Proefwijk"] == ["te weinig antwoorden om te tonen"]
    assert "tonen we geen aantallen van 1 tot en met 4" in html


# --- the commands --------------------------------------------------------------------------------

def test_chart_command_writes_png_and_svg(filled, runner, tmp_path):  # noqa: F811
    png, svg, table = tmp_path / "treden.png", tmp_path / "verschil.svg", tmp_path / "verschil.csv"
    result = runner.invoke(main, ["chart", SLUG, "--kind", "rungs", "-o", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    result = runner.invoke(main, ["chart", SLUG, "--kind", "gap", "-o", str(svg), "--threshold", "0",
                                  "--table", str(table)])
    assert result.exit_code == 0, result.output
    assert ElementTree.fromstring(svg.read_bytes()).tag.endswith("svg")
    assert pd.read_csv(table).set_index("area").loc["testdorp", "more"] == 4
    bad = runner.invoke(main, ["chart", SLUG, "-o", str(tmp_path / "x.gif")])
    assert bad.exit_code != 0 and ".png or .svg" in bad.output


def test_report_command(filled, runner, tmp_path):  # noqa: F811
    out = tmp_path / "rapport.html"
    result = runner.invoke(main, ["report", SLUG, "-o", str(out), "--threshold", "3"])
    assert result.exit_code == 0, result.output
    page = parse(out.read_text(encoding="utf-8"))
    assert rows_by_first(page.tables["Aantal deelnemers per gebied"])["Testdorp"] == ["8"]
    assert "Intern, niet om te publiceren." in out.read_text(encoding="utf-8")  # --threshold: the analysis report
    no_demo = runner.invoke(main, ["report", SLUG, "-o", str(out), "--margins", str(DATA / "margins_2x2.csv")])
    assert no_demo.exit_code != 0 and "declares no demographics" in no_demo.output
    weighted = runner.invoke(main, ["report", SLUG, "--weighted"])
    assert weighted.exit_code != 0 and "--margins" in weighted.output


def test_report_command_without_analysis_options_writes_the_publication(filled, runner, tmp_path):  # noqa: F811
    out = tmp_path / "rapport.html"
    result = runner.invoke(main, ["report", SLUG, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "the publication of" in result.output
    html = out.read_text(encoding="utf-8")
    assert "Participatieverslag" in html and "Intern, niet om te publiceren." not in html
    summary = runner.invoke(main, ["summary", SLUG, "--format", "json"])
    import json
    published = json.loads(summary.output[summary.output.index("{"):])
    total = published["responses"]  # None when the survey's cell-key noise hides it: the verslag says so
    assert f"In totaal {'verborgen' if total is None else total} antwoorden" in html


# Molenwaard: the demo survey with age and sex questions, weighed against its SAMPLE margins.

def molenwaard_answers(area, age, sex, now="mening", wish="ideeen"):
    answers = {"woonplaats": area, "kent_dorpsoverleg": "nee", "kent_kcf": "nee",
               "themas": ["verkeer", "groen", "wonen"], "betrokken_nu": now, "betrokken_gewenst": wish,
               "tijd": "soms", "initiatief": "nee"}
    if age:
        answers["leeftijd"] = age
    if sex:
        answers["geslacht"] = sex
    return answers


# Langerak (SAMPLE margins: 410 men, 390 women; 15-25: 100, 25-45: 180, 45-65: 220, 65+: 150)
LANGERAK = [("15-25", "man"), ("25-45", "man"), ("25-45", "vrouw"), ("45-65", "man"), ("45-65", "man"),
            ("45-65", "vrouw"), ("65+", "vrouw"), ("65+", "vrouw"), ("65+", "vrouw"), ("65+", "man"),
            ("25-45", "anders"), (None, None)]
KINDERDIJK = [("45-65", "vrouw"), ("65+", "man")]


@pytest.fixture
def molenwaard(app):
    with app.app_context():
        reg = registry()
        survey = reg.survey(MOLENWAARD)
        if survey is None:
            skip_or_fail("the molenwaard plugin is not installed (make install)")
        for area, people in (("langerak", LANGERAK), ("kinderdijk", KINDERDIJK)):
            for i, (age, sex) in enumerate(people):
                submit(reg, survey, molenwaard_answers(area, age, sex, wish="ideeen" if i % 2 else "samen"),
                       channel="api")
    return app, reg, survey


def sample_margins():
    import ladder_molenwaard
    return Path(ladder_molenwaard.__file__).parent / "data" / "sample_margins.csv"


def test_molenwaard_demographics_map_to_cbs_columns(molenwaard):
    survey = molenwaard[2]
    questions, categories = survey_demographics(survey, read_margins(sample_margins()))
    assert questions == {"age": "leeftijd", "sex": "geslacht"}
    assert categories == {"age": {"15-25": "k_15Tot25Jaar", "25-45": "k_25Tot45Jaar", "45-65": "k_45Tot65Jaar",
                                  "65+": "k_65JaarOfOuder"}, "sex": {"man": "Mannen", "vrouw": "Vrouwen"}}


def test_weights_command(molenwaard, runner):
    result = runner.invoke(main, ["weights", MOLENWAARD, "--margins", str(sample_margins()), "--bounds", "0.3", "3",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["responses"] == 14 and data["bounds"] == [0.3, 3.0]
    assert data["demographics"] == {"age": "leeftijd", "sex": "geslacht"}
    rows = {(r["area"], r["variable"], r["category"]): r for r in data["tables"]["representativeness"]}
    # Threshold 5. People:      15-25 25-45 45-65 65+ | man vrouw
    #   langerak (12)               1     3     3    4  |  5    5
    #   kinderdijk (2)              0     0     1    1  |  1    1
    # Every age cell is small (kinderdijk hidden whole, its zeros too); langerak's 5 men are all areas' 6
    # men minus kinderdijk's hidden 1, the same for women: every sample count is hidden, with its shares.
    areas = ("langerak", "kinderdijk")
    assert set(rows) == {(a, "age", c) for a in areas for c in ("15-25", "25-45", "45-65", "65+")} \
        | {(a, "sex", c) for a in areas for c in ("man", "vrouw")}
    for key, row in rows.items():
        assert row["sample_n"] is None and row["sample_share"] is None and row["weighted_share"] is None, key
        assert row["suppressed"] is True, key
    # even given all areas' men and women (6 and 6), no count is narrowed below 3 (the areas' totals of men
    # and women, 10 and 2, hidden with them: 12 - 10 = 2)
    sex = {("langerak", "man"): 5, ("langerak", "vrouw"): 5, ("kinderdijk", "man"): 1, ("kinderdijk", "vrouw"): 1}
    totals = {("row", "langerak"): 10, ("row", "kinderdijk"): 2}
    equations = grid_equations(sex, column_total={"man": 6, "vrouw": 6}) + [(12, list(totals))]
    assert_protected(sex | totals, set(sex) | set(totals), equations)
    index = {r["area"]: r for r in data["tables"]["index"]}
    # kinderdijk has 2 people; with the total of 14 published, langerak's 12 would give them away: both
    # areas' index and weight rows are hidden
    assert index["kinderdijk"]["index"] is None and index["kinderdijk"]["respondents"] is None
    assert index["langerak"]["index"] is None and index["langerak"]["respondents"] is None
    assert data["tables"]["weights"] == []
    exact = json.loads(runner.invoke(main, ["weights", MOLENWAARD, "--margins", str(sample_margins()), "--format",
                                            "json", "--bounds", "0.3", "3", "--threshold", "0"]).output)
    index = {r["area"]: r for r in exact["tables"]["index"]}
    assert index["langerak"]["weighted_index"] > index["langerak"]["index"]  # weighting brings it closer
    weights = {r["area"]: r for r in exact["tables"]["weights"]}
    assert weights["langerak"]["min"] >= 0.3 - 1e-9
    text = runner.invoke(main, ["weights", MOLENWAARD, "--margins", str(sample_margins())])
    assert text.exit_code == 0 and "== representativeness" in text.output and "== index" in text.output


def test_weights_command_does_not_give_a_small_area_away(molenwaard, runner):
    result = runner.invoke(main, ["weights", MOLENWAARD, "--margins", str(sample_margins()), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["responses"] == 14
    # kinderdijk (2) is hidden; the total 14 is published, so langerak's 12 must not be (else 14 - 12 = 2)
    for table in ("index", "weights"):
        shown = {r["area"]: r["respondents"] for r in data["tables"][table]}
        assert shown.get("kinderdijk") is None and shown.get("langerak") is None, (table, shown)


def test_population_shares_are_published(molenwaard, runner, tmp_path):
    result = runner.invoke(main, ["weights", MOLENWAARD, "--margins", str(sample_margins()), "--format", "json"])
    table = json.loads(result.output)["tables"]["representativeness"]
    rows = {(r["area"], r["variable"], r["category"]): r for r in table}
    # SAMPLE margins, Langerak: 410 men of 800; 65+ 150 of 650 (15-25 100, 25-45 180, 45-65 220)
    assert rows[("langerak", "sex", "man")]["population_share"] == pytest.approx(410 / 800)
    assert rows[("langerak", "age", "65+")]["population_share"] == pytest.approx(150 / 650)
    out = tmp_path / "rapport.html"
    runner.invoke(main, ["report", MOLENWAARD, "-o", str(out), "--margins", str(sample_margins()), "--weighted"])
    page = parse(out.read_text(encoding="utf-8"))
    langerak = page.tables["Langerak: deelnemers en bevolking naar leeftijd en geslacht"]
    assert next(r for r in langerak if r[1] == "Man")[-1] == "51%"


def test_weights_command_needs_demographics(filled, runner):  # noqa: F811
    result = runner.invoke(main, ["weights", SLUG, "--margins", str(DATA / "margins_2x2.csv")])
    assert result.exit_code != 0 and "declares no demographics" in result.output


def test_summary_weighted(molenwaard, runner):
    args = ["summary", MOLENWAARD, "--name", "rungs-per-area", "--format", "json", "--threshold", "0"]
    plain = json.loads(runner.invoke(main, args).output)["summaries"]["rungs-per-area"]
    result = runner.invoke(main, args + ["--weighted", "--margins", str(sample_margins())])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["weighted"] is True
    weighted = {(r["area"], r["aspect"], r["rung"]): r for r in data["summaries"]["rungs-per-area"]}
    unweighted = {(r["area"], r["aspect"], r["rung"]): r for r in plain}
    key = ("langerak", "gewenst", "coproduceren")
    assert weighted[key]["respondents"] == unweighted[key]["count"] == 6
    assert weighted[key]["count"] != pytest.approx(6)
    # weights average 1 in an area: weighted counts add up to the people there
    total = sum(r["count"] for k, r in weighted.items() if k[0] == "langerak" and k[1] == "gewenst")
    assert total == pytest.approx(12)
    bad = runner.invoke(main, ["summary", MOLENWAARD, "--weighted"])
    assert bad.exit_code != 0 and "together" in bad.output


def test_report_with_margins_and_weights(molenwaard, runner, tmp_path):
    out = tmp_path / "rapport.html"
    result = runner.invoke(main, ["report", MOLENWAARD, "-o", str(out), "--margins", str(sample_margins()),
                                  "--weighted", "--bounds", "0.3", "3"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    participation = rows_by_first(page.tables["Aantal deelnemers per gebied"])
    # Threshold 5: kinderdijk (2) is small; the total 14 minus langerak's 12 would give it, so both are
    # hidden, with their number per 1.000 inhabitants (times 800 or 1.200 it gives the count back).
    # The other areas had nobody: 0 is shown.
    assert participation["Langerak"] == ["verborgen", "800", "verborgen"]
    assert participation["Kinderdijk"] == ["verborgen", "1.200", "verborgen"]
    assert participation["Totaal"] == ["14", "", ""] and participation["Streefkerk"] == ["0", "3.500", "0,0"]
    # the same two area sizes stand beside the rung and gap tables: no row has numbers
    for caption in ("Hoe u nu meedoet: aandeel en aantal mensen per trede, per gebied (gewogen)",
                    "Hoe u wilt meedoen: aandeel en aantal mensen per trede, per gebied (gewogen)",
                    "Zeggenschap nu en gewenst per gebied (gewogen)"):
        rows = rows_by_first(page.tables[caption])
        assert rows["Langerak"] == rows["Kinderdijk"] == ["te weinig antwoorden om te tonen"], caption
    scores = rows_by_first(page.tables["Afspiegelingsscore per gebied (0 tot 100)"])
    # kinderdijk's 2 are hidden, and so is langerak's 12 beside the published 14
    assert scores["Kinderdijk"] == scores["Langerak"] == ["verborgen, zodat niemand te herkennen is"]
    assert "Gewichten per gebied" not in page.tables  # its only rows would be these two areas
    langerak = page.tables["Langerak: deelnemers en bevolking naar leeftijd en geslacht"]
    # see test_weights_command: every age count is small, and all areas' 6 men (6 women) minus
    # kinderdijk's 1 is langerak's 5: every count is hidden with its shares, before and after weighting
    assert [r[:2] for r in langerak[1:]] == [["leeftijd", "Jonger dan 25 jaar"], ["leeftijd", "25 tot 45 jaar"],
                                             ["leeftijd", "45 tot 65 jaar"], ["leeftijd", "65 jaar of ouder"],
                                             ["geslacht", "Man"], ["geslacht", "Vrouw"]]
    assert all(r[2:5] == ["verborgen"] * 3 for r in langerak[1:])
    assert langerak[5][5] == "51%"  # population shares are public figures: 410 men of 800 (SAMPLE margins)
    assert "De uitkomsten over de treden, over meer of minder zeggenschap en de rangordes zijn gewogen" in html
    assert "Verkeer en veilige wegen" in html  # the ranking question's labels
    assert not re.search(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))


def test_report_score_and_weight_tables_do_not_give_a_small_area_away(molenwaard, runner, tmp_path):
    out = tmp_path / "rapport.html"
    result = runner.invoke(main, ["report", MOLENWAARD, "-o", str(out), "--margins", str(sample_margins()),
                                  "--weighted"])
    assert result.exit_code == 0, result.output
    page = parse(out.read_text(encoding="utf-8"))
    assert rows_by_first(page.tables["Aantal deelnemers per gebied"])["Totaal"][0] == "14"
    for caption in ("Afspiegelingsscore per gebied (0 tot 100)", "Gewichten per gebied"):
        langerak = rows_by_first(page.tables.get(caption, [])).get("Langerak", [])
        assert "12" not in langerak[:1], (caption, langerak)


def test_borda_times_first_cannot_be_worked_out_from_points(frame, filled):  # noqa: F811
    from ladder.analysis import ranking_borda
    overall = suppress(ranking_borda(frame.assign(area="alle"), filled[3]), threshold=3).set_index("choice")
    # 7 people ranked 2 of 3 (2 points for first, 1 for second): bloembakken 4 points = 2 x first + second,
    # ranked 3 times = first + second, so first = 4 - 3 = 1 (a count under 3, hidden on its own)
    assert pd.isna(overall.loc["bloembakken", "first"])
    for choice, row in overall.iterrows():
        if pd.isna(row["first"]):
            assert pd.isna(row["points"]) or pd.isna(row["ranked"]), choice


# --- axe-core on the report in headless Chromium ------------------------------------------------------

@pytest.mark.browser
def test_axe_finds_no_violations_in_the_report(molenwaard, tmp_path, browser):
    from browser_support import axe_violations, describe_violations
    app, reg, survey = molenwaard
    from ladder.analysis import response_frame
    responses = response_frame(app.config["DATABASE_URL"], survey, registry=reg)
    html = build_report(responses, survey, registry=reg, threshold=2, margins=read_margins(sample_margins()),
                        weighted=True).html
    path = tmp_path / "rapport.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    try:
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        violations = axe_violations(page)
        assert not violations, "axe-core found violations in the report:\n" + describe_violations(violations)
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    finally:
        page.close()
