"""ladder.analysis: the response frame, the summaries against hand-computed numbers, exports that reopen
with the same data, and the ``ladder export`` / ``ladder summary`` commands. SQLite and PostgreSQL."""
import io
import json
from datetime import datetime, timezone

import pandas as pd
import pyreadstat  # install_requires: .sav export needs it, so no skip
import pytest
from sqlalchemy import update

from ladder import db
from ladder.analysis import (aspect_gap, codebook, crosstab, export, load_registry, ranking_borda, response_frame,
                             rungs_per_area, summarize, suppress)
from ladder.registry import registry
from ladder.__main__ import main
from ladder.models import Response
from ladder.submit import submit

SLUG = "testdorp-inspraak"

# (area, betrokken, huidig, gewenst, thema, kosten, prioriteiten, extra); kosten and prioriteiten only
# when betrokken is soms/vaak (skip logic). Rungs: huidig as answered; gewenst 1..6 = informeren ..
# zelfbeheer (the fake municipality's rung logic).
KNOWN = [
    ("testdorp", "soms", "informeren", 3, ["groen"], 1000, ["bankjes", "aed"], {}),                       # r1
    ("testdorp", "vaak", "raadplegen", 2, ["groen", "verkeer"], 2000, ["aed", "bankjes"], {}),            # r2
    ("testdorp", "nooit", "informeren", 1, ["verkeer"], None, None, {"opmerking": "=1+1"}),               # r3
    ("testdorp", "soms", "adviseren", 5, ["spelen"], 500, ["bankjes", "bloembakken"],
     {"toelichting": "Een bankje bij de kerk"}),                                                         # r4
    ("testdorp", "nooit", "raadplegen", 4, ["groen"], None, None, {}),                                    # r5
    ("testdorp", "vaak", "informeren", 6, ["groen", "spelen"], 7000, ["bankjes", "aed"], {}),             # r6
    ("testdorp", "soms", "raadplegen", 2, ["verkeer"], 100, ["bloembakken", "bankjes"], {}),              # r7
    ("testdorp", "nooit", "adviseren", 1, ["groen"], None, None, {}),                                     # r8
    ("proefwijk", "nooit", "informeren", 1, ["spelen"], None, None, {}),                                  # r9
    ("proefwijk", "soms", "raadplegen", 5, ["groen", "spelen"], 300, ["aed", "bloembakken"], {"locale": "en"}),  # r10
    ("proefwijk", "nooit", "raadplegen", 2, ["verkeer"], None, None, {}),                                 # r11
    ("proefwijk", "vaak", "adviseren", 2, ["groen"], 9000, ["aed", "bankjes"], {}),                       # r12
]
WITHDRAWN = ("testdorp", "vaak", "adviseren", 6, ["groen"], 1, ["bankjes", "aed"], {})


def _answers(row):
    area, betrokken, huidig, gewenst, thema, kosten, prio, extra = row
    answers = {"woonplaats": area, "betrokken": betrokken, "huidig": huidig, "gewenst": gewenst, "thema": thema}
    if kosten is not None:
        answers["kosten"] = kosten
        answers["prioriteiten"] = prio
    answers.update({k: v for k, v in extra.items() if k != "locale"})
    return answers, extra.get("locale", "nl")


@pytest.fixture
def filled(app, database_url):
    """The app with the KNOWN responses stored, plus one withdrawn response that must not count."""
    with app.app_context():
        reg = registry()
        survey = reg.survey(SLUG)
        for row in KNOWN:
            answers, locale = _answers(row)
            submit(reg, survey, answers, locale=locale, channel="api")
        answers, locale = _answers(WITHDRAWN)
        gone = submit(reg, survey, answers).response.id
        session = db.session()
        session.execute(update(Response).where(Response.id == gone).values(withdrawn_at=datetime.now(timezone.utc)))
        session.commit()
    return app, database_url, reg, survey


@pytest.fixture
def frame(filled):
    app, url, reg, survey = filled
    return response_frame(url, survey, registry=reg)


# --- the frame ------------------------------------------------------------------------------------

def test_frame_has_a_row_per_response_and_leaves_withdrawn_out(frame):
    assert len(frame) == len(KNOWN)
    assert list(frame.columns) == [
        "area", "betrokken", "huidig", "gewenst", "thema__groen", "thema__verkeer", "thema__spelen", "kosten",
        "prioriteiten_1", "prioriteiten_2", "toelichting", "opmerking", "rung_huidig", "rung_gewenst",
        "survey_version", "locale", "created_at", "channel"]


def test_frame_types_and_values(frame, filled):
    survey = filled[3]
    assert list(frame["area"].cat.categories) == ["testdorp", "proefwijk"]
    assert list(frame["area"]) == [r[0] for r in KNOWN]
    assert list(frame["betrokken"].cat.categories) == ["nooit", "soms", "vaak"]
    assert not frame["betrokken"].cat.ordered
    assert frame["gewenst"].cat.ordered and list(frame["gewenst"].cat.categories) == [1, 2, 3, 4, 5, 6]
    assert list(frame["gewenst"].astype(int)) == [r[3] for r in KNOWN]
    assert frame["rung_huidig"].cat.ordered
    assert list(frame["rung_gewenst"].cat.categories) == ["informeren", "raadplegen", "adviseren", "coproduceren",
                                                          "meebeslissen", "zelfbeheer"]
    assert list(frame["rung_gewenst"].astype(str)) == [
        ["informeren", "raadplegen", "adviseren", "coproduceren", "meebeslissen", "zelfbeheer"][r[3] - 1]
        for r in KNOWN]
    assert list(frame["thema__groen"]) == ["groen" in r[4] for r in KNOWN]
    assert list(frame["thema__spelen"]) == ["spelen" in r[4] for r in KNOWN]
    assert str(frame["kosten"].dtype) == "Int64"
    assert frame["kosten"].tolist() == [pd.NA if r[5] is None else r[5] for r in KNOWN]
    # A ranking's places are categorical in the question's choice order; a place nobody gave (the page was
    # skipped: r3, r5, r8, r9, r11) is missing, never an empty string or the text "None".
    assert isinstance(frame["prioriteiten_1"].dtype, pd.CategoricalDtype)
    assert list(frame["prioriteiten_1"].cat.categories) == ["bankjes", "bloembakken", "aed"]
    assert frame["prioriteiten_1"].isna().tolist() == [r[5] is None for r in KNOWN]
    assert frame["prioriteiten_1"].astype(object).where(frame["prioriteiten_1"].notna(), None).tolist() == [
        "bankjes", "aed", None, "bankjes", None, "bankjes", "bloembakken", None, None, "aed", None, "aed"]
    assert frame["prioriteiten_2"].iloc[3] == "bloembakken"
    assert frame["opmerking"].iloc[2] == "=1+1"
    assert frame["toelichting"].iloc[3] == "Een bankje bij de kerk"
    assert frame["locale"].astype(str).tolist().count("en") == 1 and frame["locale"].iloc[9] == "en"
    assert (frame["survey_version"] == survey.version).all()
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["created_at"].is_monotonic_increasing


def test_small_chunks_give_the_same_frame(frame, filled):
    app, url, reg, survey = filled
    pd.testing.assert_frame_equal(response_frame(url, survey, registry=reg, chunksize=5), frame)


def test_load_registry_finds_the_survey_without_a_server(filled):
    _, url, _, survey = filled
    reg = load_registry({"EXTRA_PLUGINS": ["fake_municipality"]})
    again = response_frame(url, reg.survey(SLUG), registry=reg)
    assert len(again) == len(KNOWN)


def test_codebook_lists_questions_values_and_labels(filled):
    survey, reg = filled[3], filled[2]
    book = codebook(survey, registry=reg)
    row = book[(book["column"] == "huidig") & (book["value"] == "raadplegen")].iloc[0]
    assert row["label"] == "Hoeveel inspraak heeft u nu?" and row["value_label"] == "Mijn mening wordt gevraagd"
    assert row["type"] == "single_choice"
    assert set(book[book["column"] == "rung_gewenst"]["value_label"]) >= {"Informeren", "Zelfbeheer"}
    assert book[book["column"] == "prioriteiten_2"]["label"].iloc[0] == "Wat moet als eerste? (plaats 2)"


# --- summaries against hand-computed numbers -----------------------------------------------------

def _rows(table, keys, values):
    return {tuple(r[k] for k in keys): tuple(r[v] for v in values) for _, r in table.iterrows()}


def test_rungs_per_area(frame, filled):
    table = rungs_per_area(frame, filled[3])
    assert list(table.columns) == ["area", "aspect", "rung", "count", "share", "ci_low", "ci_high"]
    got = _rows(table, ["area", "aspect", "rung"], ["count"])
    assert got == {
        ("testdorp", "huidig", "informeren"): (3,), ("testdorp", "huidig", "raadplegen"): (3,),
        ("testdorp", "huidig", "adviseren"): (2,),
        ("testdorp", "gewenst", "informeren"): (2,), ("testdorp", "gewenst", "raadplegen"): (2,),
        ("testdorp", "gewenst", "adviseren"): (1,), ("testdorp", "gewenst", "coproduceren"): (1,),
        ("testdorp", "gewenst", "meebeslissen"): (1,), ("testdorp", "gewenst", "zelfbeheer"): (1,),
        ("proefwijk", "huidig", "informeren"): (1,), ("proefwijk", "huidig", "raadplegen"): (2,),
        ("proefwijk", "huidig", "adviseren"): (1,),
        ("proefwijk", "gewenst", "informeren"): (1,), ("proefwijk", "gewenst", "raadplegen"): (2,),
        ("proefwijk", "gewenst", "meebeslissen"): (1,),
    }
    share = _rows(table, ["area", "aspect", "rung"], ["share"])
    assert share[("testdorp", "huidig", "adviseren")] == (pytest.approx(2 / 8),)
    assert share[("proefwijk", "gewenst", "raadplegen")] == (pytest.approx(2 / 4),)
    # ladder order within an area and aspect
    assert table[(table.area == "testdorp") & (table.aspect == "gewenst")]["rung"].tolist() == [
        "informeren", "raadplegen", "adviseren", "coproduceren", "meebeslissen", "zelfbeheer"]


def test_aspect_gap(frame, filled):
    table = aspect_gap(frame, filled[3])
    got = _rows(table, ["area"], ["first", "second", "n", "more", "same", "less"])
    assert got == {("testdorp",): ("huidig", "gewenst", 8, 4, 3, 1), ("proefwijk",): ("huidig", "gewenst", 4, 1, 2, 1)}
    mean = dict(zip(table["area"], table["mean_difference"]))
    assert mean["testdorp"] == pytest.approx(9 / 8)  # (2+0+0+2+2+5+0-2)/8
    assert mean["proefwijk"] == pytest.approx(0.5)   # (0+3+0-1)/4


def test_ranking_borda(frame, filled):
    table = ranking_borda(frame, filled[3])
    got = _rows(table, ["area", "choice"], ["points", "first", "ranked", "n"])
    assert got == {
        ("testdorp", "bankjes"): (8, 3, 5, 5), ("testdorp", "aed"): (4, 1, 3, 5),
        ("testdorp", "bloembakken"): (3, 1, 2, 5),
        ("proefwijk", "aed"): (4, 2, 2, 2), ("proefwijk", "bankjes"): (1, 0, 1, 2),
        ("proefwijk", "bloembakken"): (1, 0, 1, 2),
    }
    assert table[table.area == "testdorp"]["choice"].tolist() == ["bankjes", "aed", "bloembakken"]
    assert table.loc[(table.area == "testdorp") & (table.choice == "bankjes"), "mean_points"].item() == 1.6


def test_crosstab_by_area_single_and_multiple_choice(frame, filled):
    survey = filled[3]
    table = crosstab(frame, survey, "betrokken", by="area")
    assert _rows(table, ["area", "value"], ["count"]) == {
        ("testdorp", "nooit"): (3,), ("testdorp", "soms"): (3,), ("testdorp", "vaak"): (2,),
        ("proefwijk", "nooit"): (2,), ("proefwijk", "soms"): (1,), ("proefwijk", "vaak"): (1,)}
    thema = crosstab(frame, survey, "thema", by="area")
    assert _rows(thema, ["area", "value"], ["count"]) == {
        ("testdorp", "groen"): (5,), ("testdorp", "verkeer"): (3,), ("testdorp", "spelen"): (2,),
        ("proefwijk", "groen"): (2,), ("proefwijk", "verkeer"): (1,), ("proefwijk", "spelen"): (2,)}
    assert thema.loc[(thema.area == "testdorp") & (thema.value == "groen"), "share"].item() == pytest.approx(5 / 8)


def test_crosstab_by_rung(frame, filled):
    table = crosstab(frame, filled[3], "huidig", by="rung_gewenst")
    got = _rows(table[table["rung_gewenst"] == "informeren"], ["value"], ["count"])
    assert got == {("informeren",): (2,), ("raadplegen",): (0,), ("adviseren",): (1,)}  # r3, r9; r8


def test_registered_summaries_run_through_the_registry(frame, filled):
    reg, survey = filled[2], filled[3]
    assert {"rungs-per-area", "aspect-gap", "ranking-borda", "crosstab-area", "testdorp-aantal"} <= set(reg.summaries)
    table = summarize(frame, survey, "crosstab-area", registry=reg)
    assert set(table["question"]) == {"betrokken", "huidig", "gewenst", "thema", "prioriteiten"}


# --- disclosure: what an attacker can work out from a published table ----------------------------------

PROTECTION = 3  # docs/analysts.rst, "Disclosure control": a hidden cell's range stays at least this wide


def attacker_ranges(cells, hidden, equations):
    """Lowest and highest value of each hidden cell that fits everything published, solved independently
    of ladder's own audit. ``cells``: name -> true value; ``hidden``: the names not published;
    ``equations``: (total, parts), a total being a cell name or a published number. Every cell lies between
    0 and the largest number involved."""
    from scipy.optimize import linprog
    unknown = sorted(hidden, key=str)
    if not unknown:
        return {}
    index = {name: k for k, name in enumerate(unknown)}
    upper = max([*cells.values(), *(t for t, _ in equations if not isinstance(t, str | tuple))])
    rows, rhs = [], []
    for total, parts in equations:
        row, b = [0.0] * len(unknown), 0.0
        for p in parts:
            if p in index:
                row[index[p]] += 1
            else:
                b -= cells[p]
        if isinstance(total, str | tuple) and total in index:
            row[index[total]] -= 1
        else:
            b += cells[total] if isinstance(total, str | tuple) else total
        if any(row):
            rows.append(row)
            rhs.append(b)
    out = {}
    for name, k in index.items():
        c = [0.0] * len(unknown)
        c[k] = 1.0
        low = linprog(c, A_eq=rows or None, b_eq=rhs or None, bounds=(0, upper), method="highs")
        high = linprog([-x for x in c], A_eq=rows or None, b_eq=rhs or None, bounds=(0, upper), method="highs")
        assert low.success and high.success
        out[name] = (low.fun, -high.fun)
    return out


def grid_equations(grid, row_total=None, column_total=None):
    """Equations of a table of groups (rows) by categories: each row adds up to its total, each category
    over the rows to its total. A total given as a number is published; else it is a cell named
    ("row", r) / ("column", c) that the caller may hide."""
    rows = dict.fromkeys(r for r, _ in grid)
    columns = dict.fromkeys(c for _, c in grid)
    equations = []
    for r in rows:
        total = (row_total or {}).get(r, ("row", r))
        equations.append((total, [(r, c) for c in columns if (r, c) in grid]))
    for c in columns:
        total = (column_total or {}).get(c, ("column", c))
        equations.append((total, [(r, c) for r in rows if (r, c) in grid]))
    return equations


def assert_protected(cells, hidden, equations):
    """No hidden cell can be narrowed below the protection interval from what is published."""
    for name, (low, high) in attacker_ranges(cells, hidden, equations).items():
        assert high - low >= PROTECTION - 1e-6, (name, low, high)


def test_suppress_hides_small_counts_and_their_shares(frame, filled):
    table = suppress(rungs_per_area(frame, filled[3]), threshold=3)
    # "Nu" (huidig), people per rung (rungs nobody reached are not rows):
    #                 informeren raadplegen adviseren | area (published: answers per area)
    #   testdorp           3          3          2     |  8
    #   proefwijk          1          2          1     |  4
    #   all areas          4          5          3     | 12  (published: the overall answers)
    # Primary (1..2): testdorp adviseren and all of proefwijk. Testdorp's row then has one hidden cell
    # (8 - 3 - 3 = 2), and the columns too (informeren 4 - 3 = 1, raadplegen 5 - 3 = 2): both testdorp 3s
    # are complements. Every count and share of "nu" is hidden.
    huidig = table[table.aspect == "huidig"]
    assert huidig["rung"].tolist() == ["informeren", "raadplegen", "adviseren"] * 2
    assert huidig["count"].isna().all() and huidig["share"].isna().all() and huidig["suppressed"].all()
    people = {("testdorp", "informeren"): 3, ("testdorp", "raadplegen"): 3, ("testdorp", "adviseren"): 2,
              ("proefwijk", "informeren"): 1, ("proefwijk", "raadplegen"): 2, ("proefwijk", "adviseren"): 1}
    equations = grid_equations(people, {"testdorp": 8, "proefwijk": 4},
                               {"informeren": 4, "raadplegen": 5, "adviseren": 3})
    assert_protected(people, set(people), equations)  # e.g. proefwijk adviseren: anything from 0 to 3
    # "gewenst": every count is 1 or 2 (testdorp 2 2 1 1 1 1, proefwijk 1 2 1): all primary
    gewenst = table[table.aspect == "gewenst"]
    assert len(gewenst) == 9 and gewenst["count"].isna().all() and gewenst["share"].isna().all()

    thema = suppress(crosstab(frame, filled[3], "thema"), threshold=5)
    # groen verkeer spelen: testdorp 5 3 2, proefwijk 2 1 2, all areas 7 4 4. Only testdorp groen
    # reaches 5, and it is all areas' groen (7) minus proefwijk's hidden 2: a complement. Nothing shown.
    assert len(thema) == 6 and thema["count"].isna().all() and thema["share"].isna().all()
    people = {("testdorp", "groen"): 5, ("testdorp", "verkeer"): 3, ("testdorp", "spelen"): 2,
              ("proefwijk", "groen"): 2, ("proefwijk", "verkeer"): 1, ("proefwijk", "spelen"): 2}
    # the attacker even gets the row sums of this multiple-choice table and every column total
    equations = grid_equations(people, {"testdorp": 10, "proefwijk": 5}, {"groen": 7, "verkeer": 4, "spelen": 4})
    assert_protected(people, set(people), equations)

    gap = suppress(aspect_gap(frame, filled[3]), threshold=5)
    # n more same less: testdorp 8 4 3 1, proefwijk 4 1 2 1, 12 people in all. Proefwijk (4 < 5) is hidden
    # whole; 12 - testdorp's 8 would give its 4, so testdorp's n goes too (and its mean with it); testdorp
    # same 3 and less 1 are small, and all areas' "more" (5) minus testdorp's 4 gives proefwijk's 1.
    gap = gap.set_index("area")
    for area in ("testdorp", "proefwijk"):
        assert gap.loc[area, ["n", "more", "same", "less", "mean_difference"]].isna().all(), area

    zero = suppress(pd.DataFrame({"count": [0, 2, 7], "share": [0.0, 2 / 9, 7 / 9]}), threshold=5)
    # 2 is small; the total (9 = count / share) minus the 0 and the 7 would give it: the 7 goes too. The 0
    # stays: the hidden cells already add up to 9 (each anything from 0 to 9).
    assert zero["count"].tolist()[0] == 0 and zero["count"].isna().tolist() == [False, True, True]
    assert zero["share"].isna().tolist() == [False, True, True]
    people = {0: 0, 1: 2, 2: 7}
    assert_protected(people, {1, 2}, [(9, [0, 1, 2])])


# --- exports reopen with the same data ---------------------------------------------------------

def _export(frame, survey, reg, fmt):
    buf = io.BytesIO()
    export(frame, survey, fmt, buf, registry=reg)
    buf.seek(0)
    return buf


def test_csv_roundtrip_and_formula_injection(frame, filled):
    reg, survey = filled[2], filled[3]
    back = pd.read_csv(_export(frame, survey, reg, "csv"), encoding="utf-8-sig")
    assert list(back.columns) == list(frame.columns)
    assert back["area"].tolist() == frame["area"].astype(str).tolist()
    assert back["rung_gewenst"].tolist() == frame["rung_gewenst"].astype(str).tolist()
    assert back["gewenst"].tolist() == [r[3] for r in KNOWN]
    assert back["thema__groen"].tolist() == frame["thema__groen"].tolist()
    assert back["opmerking"].iloc[2] == "'=1+1"  # defused: a spreadsheet shows it as text


def test_xlsx_roundtrip_with_codebook(frame, filled):
    reg, survey = filled[2], filled[3]
    buf = _export(frame, survey, reg, "xlsx")
    sheets = pd.read_excel(buf, sheet_name=None)
    assert set(sheets) == {"antwoorden", "labels", "codebook"}
    back = sheets["antwoorden"]
    assert back["huidig"].tolist() == frame["huidig"].astype(str).tolist()
    assert back["kosten"].fillna(-1).astype(int).tolist() == frame["kosten"].fillna(-1).tolist()
    book = sheets["codebook"]
    assert list(book.columns) == ["column", "question", "type", "label", "value", "value_label"]
    assert set(book["column"]) == set(frame.columns)
    row = book[(book["column"] == "betrokken") & (book["value"] == "vaak")].iloc[0]
    assert row["value_label"] == "Vaak" and row["type"] == "single_choice"


def test_parquet_roundtrip_keeps_types(frame, filled):
    reg, survey = filled[2], filled[3]
    back = pd.read_parquet(_export(frame, survey, reg, "parquet"))
    assert back["rung_huidig"].cat.ordered
    assert list(back["rung_huidig"].cat.categories) == list(frame["rung_huidig"].cat.categories)
    for col in frame.columns:
        assert back[col].astype(str).tolist() == frame[col].astype(str).tolist(), col


def test_json_roundtrip(frame, filled):
    reg, survey = filled[2], filled[3]
    records = json.loads(_export(frame, survey, reg, "json").read())
    assert len(records) == len(KNOWN)
    assert records[0]["prioriteiten_1"] == "bankjes" and records[0]["rung_gewenst"] == "adviseren"
    assert records[2]["kosten"] is None and records[9]["locale"] == "en"


def test_sav_keeps_value_labels(frame, filled, tmp_path):
    reg, survey = filled[2], filled[3]
    path = tmp_path / "testdorp.sav"
    export(frame, survey, "sav", path, registry=reg)
    data, meta = pyreadstat.read_sav(str(path))
    assert len(data) == len(KNOWN)
    assert meta.variable_value_labels["rung_huidig"][1.0] == "Informeren"
    assert meta.variable_value_labels["betrokken"] == {1.0: "Nooit", 2.0: "Soms", 3.0: "Vaak",
                                                       -1.0: "niet getoond (overgeslagen door de vragenlijst)",
                                                       -2.0: "leeg gelaten"}  # user-missing (issue 15)
    assert meta.variable_value_labels["gewenst"][6.0] == "6 zelf regelen"
    assert meta.column_names_to_labels["huidig"] == "Hoeveel inspraak heeft u nu?"
    assert data["gewenst"].tolist() == [float(r[3]) for r in KNOWN]
    labelled, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
    assert labelled["huidig"].astype(str).tolist()[0] == "Ik word alleen geïnformeerd"
    assert labelled["rung_gewenst"].astype(str).tolist()[5] == "Zelfbeheer"
    assert data["thema__groen"].tolist() == [1.0 if "groen" in r[4] else 0.0 for r in KNOWN]


# --- the commands, added through register_commands -------------------------------------------------

def test_export_command_writes_each_format(filled, runner, tmp_path):
    for fmt in ("csv", "xlsx", "parquet", "json", "sav"):
        path = tmp_path / f"out.{fmt}"
        result = runner.invoke(main, ["export", SLUG, "--format", fmt, "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 0
    assert len(pd.read_parquet(tmp_path / "out.parquet")) == len(KNOWN)
    bad = runner.invoke(main, ["export", SLUG, "--format", "doc"])
    assert bad.exit_code != 0 and "unknown format" in bad.output


def test_summary_command(filled, runner):
    result = runner.invoke(main, ["summary", SLUG, "--format", "json", "--threshold", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["responses"] == len(KNOWN)
    gap = {r["area"]: r for r in data["summaries"]["aspect-gap"]}
    assert gap["testdorp"]["more"] == 4 and gap["proefwijk"]["less"] == 1
    suppressed = json.loads(runner.invoke(main, ["summary", SLUG, "--format", "json", "--name", "rungs-per-area"]).output)
    hidden = suppressed["summaries"]["rungs-per-area"]
    assert len(hidden) == 15  # the 15 (area, aspect, rung) rows of test_rungs_per_area, none left out
    assert [r["count"] for r in hidden] == [None] * 15  # every count < 5
    by = runner.invoke(main, ["summary", SLUG, "--by", "rung_gewenst", "--format", "csv", "--threshold", "0"])
    assert by.exit_code == 0, by.output
    assert "# crosstab-rung_gewenst" in by.output and "rung_gewenst,question,value,count,share" in by.output
    assert "informeren,huidig,adviseren,1," in by.output  # r8
    text = runner.invoke(main, ["summary", SLUG, "--threshold", "5"])
    assert text.exit_code == 0 and "== rungs-per-area" in text.output
    # without analysis options: the publication (what /r/ would show), said to be a concept until published
    published = runner.invoke(main, ["summary", SLUG])
    assert published.exit_code == 0 and "not published yet: a concept of what /r/ would show now" in published.output
    assert "== ladder-by-area:huidig" in published.output and "== rungs-per-area" not in published.output
    unknown = runner.invoke(main, ["summary", "no-such-survey"])
    assert unknown.exit_code != 0 and "no survey" in unknown.output


# --- representativeness and raking weights (pure functions; the test survey has no age or sex question)

def test_raking_matches_cbs_margins():
    from ladder.analysis.weights import rake, read_margins, representativeness
    margins = read_margins(io.StringIO(
        "gebied;AantalInwoners_5;Mannen_6;Vrouwen_7;k_15Tot45Jaar_9;k_45JaarOfOuder_10\n"
        "testdorp;1000;500;500;400;600\n"))
    # 10 respondents: 7 women, 3 men; 6 young, 4 older
    frame = pd.DataFrame({
        "area": ["testdorp"] * 10,
        "sekse": ["v"] * 7 + ["m"] * 3,
        "leeftijd": ["jong", "jong", "jong", "jong", "jong", "oud", "oud", "jong", "oud", "oud"],
    })
    questions = {"sex": "sekse", "age": "leeftijd"}
    categories = {"sex": {"m": "Mannen", "v": "Vrouwen"}, "age": {"jong": "k_15Tot45Jaar", "oud": "k_45JaarOfOuder"}}
    before = representativeness(frame, margins, questions, categories)
    women = before[(before.variable == "sex") & (before.category == "v")].iloc[0]
    assert women["sample_share"] == pytest.approx(0.7) and women["population_share"] == pytest.approx(0.5)
    w = rake(frame, margins, questions, categories)
    assert w.mean() == pytest.approx(1.0)
    after = representativeness(frame, margins, questions, categories, weights=w)
    assert after["difference"].abs().max() < 1e-4
    assert w.between(0.25, 4.0).all()
