"""Buurt Bestuurt: the involvement rung, the survey file, and the Borda priorities summary."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ladder_rotterdam
from ladder import PARTICIPATIELADDER, Placement, Summary, load_survey
from ladder import BUILTIN_TYPES
from ladder_rotterdam import buurt_bestuurt as bb

TYPES = {t.name: t for t in BUILTIN_TYPES}
SURVEY = load_survey(ladder_rotterdam.BUURT_BESTUURT_FILE, place=bb.place, question_types=TYPES)
KOMPAS = load_survey(ladder_rotterdam.KOMPAS_FILE, question_types=TYPES)

TOP5 = ["zwerfvuil", "groen", "parkeren", "verlichting", "drugsoverlast"]

# answers, expected rung (None: no placement), reason fragments, fragments that must not appear
CASES = [
    pytest.param({}, None, [], [], id="unanswered"),
    pytest.param({"wijk": "spangen", "prioriteiten": TOP5}, None, [], [], id="no-involvement"),
    pytest.param({"betrokkenheid": "uitkomst"}, "informeren", ["alleen horen wat de uitkomst is"],
                 ["Aanmelden", "belangrijkste"], id="uitkomst"),
    pytest.param({"betrokkenheid": "mening", "prioriteiten": TOP5}, "raadplegen",
                 ["mening geven", "Uw belangrijkste onderwerp: zwerfvuil en afval op straat."], ["Aanmelden"], id="mening"),
    pytest.param({"betrokkenheid": "meedenken", "prioriteiten": ["groen", "parkeren", "zwerfvuil",
                                                                  "verlichting", "woninginbraak"]},
                 "adviseren", ["meedenken", "belangrijkste onderwerp: groen in de buurt"], ["Aanmelden"],
                 id="meedenken"),
    pytest.param({"betrokkenheid": "meedoen", "prioriteiten": None}, "coproduceren",
                 ["aan de slag met een actie", "Aanmelden voor de groep"], ["belangrijkste"], id="meedoen"),
    pytest.param({"betrokkenheid": "groep", "prioriteiten": ["drugsoverlast", "overlast_jongeren",
                                                              "woninginbraak", "verlichting", "zwerfvuil"]},
                 "meebeslissen", ["politie, gemeente, woningcorporatie en welzijnswerk", "Aanmelden",
                                  "overlast van drugs"], [], id="groep"),
    pytest.param({"betrokkenheid": "zelf"}, "zelfbeheer", ["zelf een actie opzetten", "Aanmelden"], [], id="zelf"),
]


@pytest.mark.parametrize("answers, rung, reasons, absent", CASES)
def test_place(answers, rung, reasons, absent):
    placements = bb.place(answers)
    if rung is None:
        assert placements == []
        return
    (placement,) = placements
    assert isinstance(placement, Placement)
    assert placement.aspect == "betrokkenheid" and placement.rung == rung
    joined = " | ".join(placement.reasons)
    for part in reasons:
        assert part in joined
    for part in absent:
        assert part not in joined


@pytest.mark.parametrize("answers", [p.values[0] for p in CASES])
def test_case_answers_fit_the_survey(answers):
    for qid, value in answers.items():
        question = SURVEY.question(qid)
        if value is None:
            continue
        if question.type == "area":
            assert SURVEY.area(value) is not None
        else:
            values = {c.value for c in question.choices}
            assert set(value if isinstance(value, list) else [value]) <= values
            if question.type == "ranking":
                assert len(value) == question.options["top"]


def test_survey_file_loads_with_the_required_keys():
    assert SURVEY.slug == "rotterdam-buurt-bestuurt"
    assert SURVEY.municipality == "Rotterdam"
    for key in ("title", "intro", "purpose", "retention", "audience", "next_steps", "contact"):
        assert SURVEY.__getattribute__(key)["nl"].strip(), key
    assert set(SURVEY.aspects) == {bb.ASPECT}
    assert [q.type for q in SURVEY.questions].count("area") == 1
    assert [q.id for q in SURVEY.questions if q.type == "area"] == ["wijk"]


def test_areas_are_wijken_within_the_14_gebieden():
    gebieden = {a.code for a in SURVEY.areas if a.kind == "gebied"}
    wijken = [a for a in SURVEY.areas if a.kind == "wijk"]
    assert len(gebieden) == 14
    assert gebieden == {a.code for a in KOMPAS.areas if a.kind == "gebied"}  # same codes in both files
    assert all(w.parent in gebieden for w in wijken)
    assert {w.parent for w in wijken} == gebieden  # every gebied has at least one wijk
    by_name = {w.name["nl"]: w.parent for w in wijken}
    assert by_name["Bospolder"] == "gebied-delfshaven"
    assert by_name["Afrikaanderwijk"] == "gebied-feijenoord"
    assert by_name["Tarwewijk"] == "gebied-charlois"
    assert by_name["Liskwartier"] == "gebied-noord"


def test_python_uses_only_ids_and_values_from_the_survey():
    ranking = SURVEY.question(bb.RANKING)
    assert ranking.type == "ranking" and ranking.options["top"] == 5
    assert bb.THEMES == {c.value: c.label["nl"].lower() for c in ranking.choices}
    assert len(ranking.choices) == 8
    assert set(bb.INVOLVEMENT) == {c.value for c in SURVEY.question("betrokkenheid").choices}
    assert set(bb.ACTIVE) <= set(bb.INVOLVEMENT)
    for rung, _reason in bb.INVOLVEMENT.values():
        assert rung in PARTICIPATIELADDER
    # one rung per answer, in ladder order: from only hearing results up to running it yourself
    levels = [PARTICIPATIELADDER.rung(r).level for r, _ in bb.INVOLVEMENT.values()]
    assert levels == sorted(levels) == list(range(1, 7))


def test_plugin_registers_survey_and_summary():
    surveys = {s.slug: s for s in ladder_rotterdam.register_surveys(app=None)}
    assert set(surveys) == {"rotterdam-participatiekompas", "rotterdam-buurt-bestuurt"}
    assert surveys["rotterdam-buurt-bestuurt"].place is bb.place
    (summary,) = ladder_rotterdam.register_summaries(app=None)
    assert isinstance(summary, Summary)
    assert summary.name == "buurt-bestuurt-prioriteiten"
    assert summary.surveys == ("rotterdam-buurt-bestuurt",)
    assert summary.applies_to(SURVEY) and not summary.applies_to(KOMPAS)
    assert summary.title["nl"]


# --- Borda summary ------------------------------------------------------------------------------

R1 = ["zwerfvuil", "groen", "parkeren", "verlichting", "drugsoverlast"]
R2 = ["groen", "zwerfvuil", "parkeren", "woninginbraak", "verkeersveiligheid"]
R4 = ["parkeren", "groen", "zwerfvuil", "verlichting", "woninginbraak"]

# Hand-computed, top 5: place 1 = 5 points, 2 = 4, 3 = 3, 4 = 2, 5 = 1.
# spangen (R1, R2; one row without a ranking): zwerfvuil 5+4 = 9, groen 4+5 = 9, parkeren 3+3 = 6,
#   verlichting 2, woninginbraak 2, drugsoverlast 1, verkeersveiligheid 1, overlast_jongeren 0.
# bospolder (R4): parkeren 5, groen 4, zwerfvuil 3, verlichting 2, woninginbraak 1, the rest 0.
EXPECTED = [
    ("bospolder", "parkeren", 5, 1, 1),
    ("bospolder", "groen", 4, 0, 1),
    ("bospolder", "zwerfvuil", 3, 0, 1),
    ("bospolder", "verlichting", 2, 0, 1),
    ("bospolder", "woninginbraak", 1, 0, 1),
    ("bospolder", "drugsoverlast", 0, 0, 1),
    ("bospolder", "overlast_jongeren", 0, 0, 1),
    ("bospolder", "verkeersveiligheid", 0, 0, 1),
    ("spangen", "groen", 9, 1, 2),
    ("spangen", "zwerfvuil", 9, 1, 2),
    ("spangen", "parkeren", 6, 0, 2),
    ("spangen", "verlichting", 2, 0, 2),
    ("spangen", "woninginbraak", 2, 0, 2),
    ("spangen", "drugsoverlast", 1, 0, 2),
    ("spangen", "verkeersveiligheid", 1, 0, 2),
    ("spangen", "overlast_jongeren", 0, 0, 2),
]


def list_frame():
    return pd.DataFrame({"area": ["spangen", "spangen", "spangen", "bospolder"],
                         "prioriteiten": [R1, R2, None, R4]})


def expanded_frame():
    rows = [R1, R2, [None] * 5, R4]
    data = {"area": ["spangen", "spangen", "spangen", "bospolder"]}
    # columns deliberately out of order: position 10 must not sort before 2
    for i in (2, 1, 5, 3, 4):
        data[f"prioriteiten_{i}"] = [r[i - 1] for r in rows]
    data["prioriteiten_other"] = ["x"] * 4
    return pd.DataFrame(data)


def as_tuples(df):
    return [tuple(r) for r in df.itertuples(index=False, name=None)]


@pytest.mark.parametrize("make", [list_frame, expanded_frame], ids=["list-column", "expanded-columns"])
def test_borda_hand_computed(make):
    result = bb.borda(make(), SURVEY)
    assert list(result.columns) == ["area", "theme", "points", "first_places", "respondents"]
    assert as_tuples(result) == EXPECTED
    assert result["points"].dtype == "int64"


def test_borda_through_the_registered_summary():
    (summary,) = ladder_rotterdam.register_summaries(app=None)
    assert as_tuples(summary.fn(list_frame(), SURVEY)) == EXPECTED


def test_borda_without_survey_uses_longest_ranking_and_seen_themes_only():
    frame = pd.DataFrame({"area": ["a", "a"], "prioriteiten": [["x", "y", "z"], ["y", "x"]]})
    # k = 3: x 3+2 = 5, y 2+3 = 5, z 1; both x and y have one first place
    assert as_tuples(bb.borda(frame)) == [("a", "x", 5, 1, 2), ("a", "y", 5, 1, 2), ("a", "z", 1, 0, 2)]


def test_borda_breaks_a_tie_in_points_by_first_places_before_the_theme_name():
    frame = pd.DataFrame({"area": ["w", "w", "w"], "prioriteiten": [["a", "b"], ["c", "a"], ["c", "a"]]})
    # k = 2: a 2+1+1 = 4 with one first place, c 2+2 = 4 with two: c first although a comes first by name
    assert as_tuples(bb.borda(frame)) == [("w", "c", 4, 2, 3), ("w", "a", 4, 1, 3), ("w", "b", 1, 0, 3)]


def test_borda_survey_without_the_question_behaves_like_no_survey():
    frame = pd.DataFrame({"area": ["a"], "prioriteiten": [["x", "y"]]})
    assert as_tuples(bb.borda(frame, KOMPAS)) == [("a", "x", 2, 1, 1), ("a", "y", 1, 0, 1)]


def test_borda_odd_values():
    frame = pd.DataFrame({
        "area": ["spangen", None, float("nan"), "spangen", "spangen", "spangen", "spangen"],
        "prioriteiten": [
            '["groen", "parkeren", "zwerfvuil", "verlichting", "drugsoverlast"]',  # JSON text
            ("groen",),  # tuple, no area
            np.array(["parkeren"]),  # array, NaN area
            "not json",  # ignored
            '"groen"',  # JSON but not a list: ignored
            42,  # ignored
            ["onbekend_thema", "groen", None, "parkeren", "zwerfvuil", "verlichting", "extra"],  # longer than top
        ],
    })
    result = bb.borda(frame, SURVEY)
    spangen = result[result["area"] == "spangen"].set_index("theme")
    assert spangen.loc["groen", "points"] == 5 + 4
    assert spangen.loc["onbekend_thema", "points"] == 5  # unknown theme kept, after the known ones
    assert spangen.loc["zwerfvuil", "points"] == 3 + 2  # None skipped: zwerfvuil is 4th in the last row
    assert "extra" not in spangen.index  # beyond the top 5
    assert spangen["respondents"].unique().tolist() == [2]
    onbekend = result[result["area"] == bb.UNKNOWN_AREA].set_index("theme")
    assert onbekend.loc["groen", "points"] == 5 and onbekend.loc["parkeren", "points"] == 5
    assert onbekend["respondents"].unique().tolist() == [2]
    assert set(result["area"]) == {"spangen", bb.UNKNOWN_AREA}


def test_borda_without_area_column():
    frame = pd.DataFrame({"prioriteiten": [["x"], ["y"]]})
    assert as_tuples(bb.borda(frame)) == [(bb.UNKNOWN_AREA, "x", 1, 1, 2), (bb.UNKNOWN_AREA, "y", 1, 1, 2)]


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"area": [], "prioriteiten": []}),
    pd.DataFrame(columns=["area"]),
    pd.DataFrame({"area": ["a"], "prioriteiten": [None]}),
    pd.DataFrame({"area": ["a"], "other": [1]}),
], ids=["empty", "no-ranking-column-empty", "all-unanswered", "no-ranking-column"])
def test_borda_empty(frame):
    result = bb.borda(frame, SURVEY)
    assert result.empty
    assert list(result.columns) == ["area", "theme", "points", "first_places", "respondents"]


def test_present_and_as_list_helpers():
    assert bb._present(["a", "b"]) is True  # list-likes count as present
    assert bb._present(" ") is False and bb._present(pd.NA) is False and bb._present(0) is True
    assert bb._as_list(None) == [] and bb._as_list(float("nan")) == []
