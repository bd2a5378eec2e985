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
from test_analysis import KNOWN, SLUG, filled, frame  # noqa: F401  (fixtures)

from ladder.analysis import (build_report, gap_chart, rake, read_margins, representativeness,
                             representativeness_index, rung_chart, rungs_per_area, suppress, survey_demographics,
                             weight_summary)
from ladder.analysis.summaries import aspect_gap
from ladder.views import registry
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
    assert shown["count"].iloc[0] == 2.5  # 5 people, weighted 2.5: shown
    assert pd.isna(shown["count"].iloc[1]) and pd.isna(shown["share"].iloc[1])  # 1 person, weighted 3.5: hidden
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
    assert t.loc[("testdorp", "huidig", "informeren"), "count"] == 3
    assert t.loc[("testdorp", "huidig", "informeren"), "share"] == pytest.approx(3 / 8)
    assert pd.isna(t.loc[("testdorp", "huidig", "adviseren"), "count"])  # 2 people < 3
    assert t.loc[("testdorp", "huidig", "coproduceren"), "count"] == 0  # nobody: 0 stays
    assert pd.isna(t.loc[("proefwijk", "gewenst", "raadplegen"), "count"])  # 2 people < 3
    assert t.loc[("proefwijk", "huidig", "informeren"), "area_n"] == 4
    # ladder order, every rung present
    assert chart.table[(chart.table.area == "testdorp") & (chart.table.aspect == "gewenst")]["rung"].tolist() == [
        "informeren", "raadplegen", "adviseren", "coproduceren", "meebeslissen", "zelfbeheer"]
    whole = rung_chart(frame, survey, registry=filled[2], threshold=5).table
    assert whole[whole.area == "proefwijk"]["area_n"].isna().all()  # 4 people < 5: no bar


def test_gap_chart_table(frame, filled):  # noqa: F811
    chart = gap_chart(frame, filled[3], threshold=3)
    assert chart.png.startswith(b"\x89PNG")
    t = chart.table.set_index("area")
    assert t.loc["testdorp", "n"] == 8 and t.loc["testdorp", "more"] == 4 and t.loc["testdorp", "same"] == 3
    assert pd.isna(t.loc["testdorp", "less"])  # 1 person
    assert t.loc["testdorp", "more_share"] == pytest.approx(0.5)
    assert t.loc["testdorp", "mean_difference"] == pytest.approx(9 / 8)
    assert t.loc["proefwijk", "n"] == 4 and pd.isna(t.loc["proefwijk", "more"])
    assert t.loc["proefwijk", "mean_difference"] == pytest.approx(0.5)
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


def test_report_has_the_right_numbers_and_nothing_to_fetch(frame, filled):  # noqa: F811
    reg, survey = filled[2], filled[3]
    html = build_report(frame, survey, registry=reg, threshold=3).html
    page = parse(html)
    assert page.html_lang == "nl"
    assert ("h1", "Uitkomsten: Inspraak in Testdorp") in page.headings
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
    assert huidig["Testdorp"] == ["8", "38% (3)", "38% (3)", "verborgen", "0% (0)", "0% (0)", "0% (0)"]
    assert huidig["Proefwijk"][:3] == ["4", "verborgen", "verborgen"]
    gap = rows_by_first(page.tables["Zeggenschap nu en gewenst per gebied"])
    assert gap["Testdorp"] == ["8", "50% (4)", "38% (3)", "verborgen", "1,1"]
    assert gap["Proefwijk"] == ["4", "verborgen", "verborgen", "verborgen", "0,5"]
    overall = rows_by_first(page.tables["Alle gebieden samen: rangorde (7 mensen)"])
    assert overall["Bankjes"] == ["9", "3", "1,29"] and overall["Een AED"] == ["8", "3", "1,14"]
    assert overall["Bloembakken"] == ["4", "verborgen", "0,57"]
    testdorp = rows_by_first(page.tables["Testdorp: rangorde (5 mensen)"])
    assert testdorp["Bankjes"] == ["8", "3", "1,60"] and testdorp["Een AED"] == ["4", "verborgen", "0,80"]
    assert "Proefwijk</strong>: te weinig antwoorden" in html  # 2 people ranked there
    assert "tonen we geen aantallen van 1 tot en met 2" in html
    assert "niet gewogen en niet vergeleken" in html
    assert "12 antwoorden" in html  # the one survey version


def test_report_default_threshold_hides_small_areas(frame, filled):  # noqa: F811
    page = parse(build_report(frame, filled[3], registry=filled[2]).html)
    participation = rows_by_first(page.tables["Aantal deelnemers per gebied"])
    assert participation["Testdorp"] == ["8"] and participation["Proefwijk"] == ["minder dan 5"]
    huidig = rows_by_first(page.tables["Nu: aandeel en aantal mensen per trede, per gebied"])
    assert huidig["Proefwijk"] == ["te weinig antwoorden om te tonen"]
    assert huidig["Testdorp"][1:4] == ["verborgen"] * 3


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
    no_demo = runner.invoke(main, ["report", SLUG, "-o", str(out), "--margins", str(DATA / "margins_2x2.csv")])
    assert no_demo.exit_code != 0 and "declares no demographics" in no_demo.output
    weighted = runner.invoke(main, ["report", SLUG, "--weighted"])
    assert weighted.exit_code != 0 and "--margins" in weighted.output


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
    men = rows[("langerak", "sex", "man")]
    # 10 answered man or vrouw in Langerak: 5 men; population 410 of 800
    assert men["sample_n"] == 5 and men["sample_share"] == pytest.approx(0.5)
    assert men["population_share"] == pytest.approx(410 / 800)
    assert men["weighted_share"] == pytest.approx(410 / 800, abs=1e-3)
    old = rows[("langerak", "age", "65+")]
    assert old["sample_n"] is None  # 4 people < 5: hidden
    assert old["population_share"] == pytest.approx(150 / 650)
    index = {r["area"]: r for r in data["tables"]["index"]}
    assert index["langerak"]["respondents"] == 12 and index["langerak"]["weighted_index"] > index["langerak"]["index"]
    assert index["kinderdijk"]["index"] is None  # 2 people
    weights = {r["area"]: r for r in data["tables"]["weights"]}
    assert set(weights) == {"langerak"} and weights["langerak"]["min"] >= 0.3 - 1e-9
    text = runner.invoke(main, ["weights", MOLENWAARD, "--margins", str(sample_margins())])
    assert text.exit_code == 0 and "== representativeness" in text.output and "== index" in text.output


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
    assert participation["Langerak"] == ["12", "800", "15,0"]
    assert participation["Kinderdijk"] == ["minder dan 5", "1.200", "verborgen"]
    scores = rows_by_first(page.tables["Afspiegelingsscore per gebied (0 tot 100)"])
    assert scores["Kinderdijk"] == ["te weinig antwoorden om te tonen"]
    assert scores["Langerak"][0] == "12"
    langerak = page.tables["Langerak: deelnemers en bevolking naar leeftijd en geslacht"]
    man = next(r for r in langerak if r[1] == "Man")
    assert man == ["geslacht", "Man", "5", "50%", "51%", "51%"]
    assert "Gewichten per gebied" in page.tables
    assert "De uitkomsten over de treden en over meer of minder zeggenschap zijn gewogen" in html
    assert "Verkeer en veilige wegen" in html  # the ranking question's labels
    assert not re.search(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))


# --- axe-core on the report in headless Chromium ------------------------------------------------------

@pytest.mark.browser
def test_axe_finds_no_violations_in_the_report(molenwaard, tmp_path, browser):
    from browser_support import axe_violations, describe_violations
    app, reg, survey = molenwaard
    from ladder.analysis import response_frame
    frame = response_frame(app.config["DATABASE_URL"], survey, registry=reg)
    html = build_report(frame, survey, registry=reg, threshold=2, margins=read_margins(sample_margins()),
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
