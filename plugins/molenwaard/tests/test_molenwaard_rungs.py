"""Molenwaard rung logic: table-driven over every branch, and checked against the survey file."""
from __future__ import annotations

from pathlib import Path

import pytest

import ladder_molenwaard
from ladder import BUILTIN_TYPES, PARTICIPATIELADDER, Advice, Placement, load_survey
from ladder.testing import answers_read_by
from ladder_molenwaard import rungs

SURVEY_FILES = sorted((Path(ladder_molenwaard.__file__).parent / "surveys").glob("*.toml"))
TYPES = {t.name: t for t in BUILTIN_TYPES}


def survey():
    return load_survey(SURVEY_FILES[0], place=rungs.place, advise=rungs.advise, question_types=TYPES)


# --- place(): (answers, expected {aspect: rung}, expected reason fragments) -------------------------------

PLACE_CASES = [
    pytest.param({}, {}, [], id="nothing-answered"),
    pytest.param({"betrokken_nu": None, "betrokken_gewenst": None}, {}, [], id="hidden-answers"),
    pytest.param({"betrokken_nu": "weinig"}, {"huidig": "informeren"}, ["weinig over wat er in uw dorp speelt"],
                 id="now-only"),
    pytest.param({"betrokken_nu": "volgen", "kent_kcf": "nee"}, {"huidig": "informeren"},
                 ["geen mening", "kerncontactfunctionaris", "vaste aanspreekpunt"], id="now-kcf-unknown"),
    pytest.param({"betrokken_nu": "volgen", "kent_dorpsoverleg": "lid"}, {"huidig": "adviseren"},
                 ["doet mee in het dorpsoverleg", "adviseert u al"], id="member-raised-to-adviseren"),
    pytest.param({"betrokken_nu": "samen", "kent_dorpsoverleg": "lid", "kent_kcf": "contact"},
                 {"huidig": "coproduceren"}, ["samen met anderen en de gemeente"], id="member-already-higher"),
    pytest.param({"betrokken_gewenst": "zelf", "tijd": "vaak"}, {"gewenst": "zelfbeheer"},
                 ["zelf een onderwerp uitvoeren"], id="wish-only"),
    pytest.param({"betrokken_gewenst": "beslissen", "tijd": "geen"}, {"gewenst": "adviseren"},
                 ["grenzen", "liever geen tijd", "adviseren beter"], id="no-time-caps-wish"),
    pytest.param({"betrokken_gewenst": "mening", "tijd": "geen"}, {"gewenst": "raadplegen"},
                 ["hoeven die niet te volgen"], id="no-time-low-wish-unchanged"),
    pytest.param({"betrokken_nu": "mening", "betrokken_gewenst": "samen", "tijd": "maand"},
                 {"huidig": "raadplegen", "gewenst": "coproduceren"},
                 ["Dat is de trede raadplegen", "Wat u samen afspreekt", "meer meedoen dan nu"], id="wants-more"),
    pytest.param({"betrokken_nu": "zelf", "betrokken_gewenst": "op_de_hoogte"},
                 {"huidig": "zelfbeheer", "gewenst": "informeren"},
                 ["zelfbeheer", "op de hoogte blijven", "minder meedoen dan nu"], id="wants-less"),
    pytest.param({"betrokken_nu": "ideeen", "betrokken_gewenst": "ideeen", "tijd": "soms"},
                 {"huidig": "adviseren", "gewenst": "adviseren"},
                 ["zorgen en ideeën in", "hoort u waarom", "zoals u nu doet"], id="wants-same"),
    pytest.param({"betrokken_nu": "volgen", "kent_dorpsoverleg": "lid", "betrokken_gewenst": "ideeen"},
                 {"huidig": "adviseren", "gewenst": "adviseren"}, ["zoals u nu doet"],
                 id="compared-with-raised-rung"),
    pytest.param({"betrokken_nu": "weinig", "kent_dorpsoverleg": "lid"}, {"huidig": "adviseren"},
                 ["weinig over wat er in uw dorp speelt", "adviseert u al"], id="member-raised-from-the-bottom"),
    pytest.param({"betrokken_nu": "mening", "kent_dorpsoverleg": "contact"}, {"huidig": "raadplegen"},
                 ["Dat is de trede raadplegen"], id="contact-is-not-membership"),
    pytest.param({"betrokken_nu": "onbekend", "betrokken_gewenst": "ideeen"}, {"gewenst": "adviseren"},
                 ["hoort u waarom"], id="unknown-now-choice-no-placement"),
    pytest.param({"betrokken_gewenst": "samen", "tijd": "geen"}, {"gewenst": "adviseren"},
                 ["liever geen tijd", "adviseren beter"], id="no-time-caps-coproduceren"),
    pytest.param({"betrokken_gewenst": "zelf", "tijd": "geen"}, {"gewenst": "adviseren"},
                 ["liever geen tijd"], id="no-time-caps-zelfbeheer"),
    pytest.param({"betrokken_nu": "samen", "betrokken_gewenst": "beslissen", "tijd": "geen"},
                 {"huidig": "coproduceren", "gewenst": "adviseren"}, ["liever geen tijd", "minder meedoen dan nu"],
                 id="no-time-cap-compared-after-capping"),
]

# Reasons that must NOT appear, for the branches that stay silent: (answers, fragment).
SILENT_CASES = [
    pytest.param({"betrokken_nu": "ideeen", "kent_dorpsoverleg": "lid"}, "adviseert u al",
                 id="member-already-adviseren"),
    pytest.param({"betrokken_nu": "samen", "kent_dorpsoverleg": "lid"}, "adviseert u al",
                 id="member-above-adviseren"),
    pytest.param({"betrokken_nu": "volgen", "kent_kcf": "bekend"}, "kerncontactfunctionaris",
                 id="kcf-known"),
    pytest.param({"betrokken_gewenst": "ideeen", "tijd": "geen"}, "liever geen tijd", id="no-time-adviseren-stays"),
    pytest.param({"betrokken_gewenst": "samen", "tijd": "soms"}, "liever geen tijd", id="some-time-no-cap"),
    pytest.param({"betrokken_gewenst": "samen"}, "dan nu", id="wish-alone-not-compared"),
]


@pytest.mark.parametrize(("answers", "absent"), SILENT_CASES)
def test_silent_branches(answers, absent):
    assert absent not in " ".join(r for p in rungs.place(answers) for r in p.reasons)


@pytest.mark.parametrize(("answers", "expected", "fragments"), PLACE_CASES)
def test_place(answers, expected, fragments):
    placements = rungs.place(answers)
    assert all(isinstance(p, Placement) for p in placements)
    assert {p.aspect: p.rung for p in placements} == expected
    reasons = " ".join(r for p in placements for r in p.reasons)
    for fragment in fragments:
        assert fragment in reasons
    for p in placements:
        assert p.rung in PARTICIPATIELADDER
        assert p.reasons, "every placement explains itself"


# Each choice on its own, expected rung written out by hand from the choice's label in the survey file and
# the rung descriptions (domain.md, section 1; the guide, chapter 2): not read from rungs.NOW / rungs.WISH.
NOW_CHOICES = [
    ("weinig", "informeren"),    # "Ik hoor weinig over wat er in mijn dorp speelt": the lowest rung
    ("volgen", "informeren"),    # "Ik weet wat er speelt": kept informed, a listener, no input of their own
    ("mening", "raadplegen"),    # "Ik geef soms mijn mening": conversation partner
    ("ideeen", "adviseren"),     # "Ik breng zelf zorgen of ideeën in": raises problems and solutions
    ("samen", "coproduceren"),   # "Ik maak samen met anderen en de gemeente plannen": partner
    ("zelf", "zelfbeheer"),      # "Ik voer met anderen zelf een plan uit of beheer iets": runs it themselves
]
WISH_CHOICES = [
    ("op_de_hoogte", "informeren"),  # "alleen op de hoogte blijven"
    ("mening", "raadplegen"),        # "mening geven als dat gevraagd wordt": heard, not binding
    ("ideeen", "adviseren"),         # "zelf onderwerpen en ideeën inbrengen"
    ("samen", "coproduceren"),       # "samen ... de dorpsagenda maken": agreed together
    ("beslissen", "meebeslissen"),   # "kiezen wat op de dorpsagenda komt, binnen afspraken": co-decider
    ("zelf", "zelfbeheer"),          # "zelf een onderwerp uitvoeren of beheren"
]


@pytest.mark.parametrize(("choice", "rung"), NOW_CHOICES, ids=[c for c, _ in NOW_CHOICES])
def test_every_current_choice_places(choice, rung):
    (placement,) = rungs.place({"betrokken_nu": choice})
    assert (placement.aspect, placement.rung) == ("huidig", rung)


@pytest.mark.parametrize(("choice", "rung"), WISH_CHOICES, ids=[c for c, _ in WISH_CHOICES])
def test_every_wished_choice_places(choice, rung):
    # "tijd" answered with time to spare, so the no-time cap cannot be what decides the rung
    (placement,) = rungs.place({"betrokken_gewenst": choice, "tijd": "vaak"})
    assert (placement.aspect, placement.rung) == ("gewenst", rung)


def test_the_hand_written_choices_are_the_survey_choices():
    s = survey()
    assert [c for c, _ in NOW_CHOICES] == [c.value for c in s.question("betrokken_nu").choices]
    assert [c for c, _ in WISH_CHOICES] == [c.value for c in s.question("betrokken_gewenst").choices]


# --- advise(): (answers, expected verdict or "none" for no advice, expected reason/step fragments) --------

FUND = {"initiatief": "ja"}
ADVISE_CASES = [
    pytest.param({}, "none", [], id="no-plan-question"),
    pytest.param({"initiatief": "nee", "kosten": 5000}, "none", [], id="no-plan"),
    pytest.param({**FUND}, None, ["niet ingevuld wat uw plan kost", "begroting"], id="costs-missing"),
    pytest.param({**FUND, "kosten": 12500, "eigen_bijdrage": 6250, "draagvlak": ["handtekeningen"]}, True,
                 ["€ 12.500", "€ 6.250", "minstens de helft", "steunen", "U vraagt € 6.250", "Vraag de bijdrage aan"],
                 id="rules-met"),
    pytest.param({**FUND, "kosten": 12501, "eigen_bijdrage": 6250, "draagvlak": ["dorpsoverleg"]}, False,
                 ["minder dan de helft", "minstens € 6.251", "nog € 1 meer"], id="half-rounds-up"),
    pytest.param({**FUND, "kosten": 3000, "draagvlak": ["bijeenkomst", "vrijwilligers"]}, False,
                 ["U haalt zelf € 0 op", "nog € 1.500 meer", "Zoek nog € 1.500"], id="own-missing-counts-as-zero"),
    pytest.param({**FUND, "kosten": 4000, "eigen_bijdrage": 2500, "draagvlak": ["nog_niet"]}, False,
                 ["minstens de helft", "nog niet laten zien", "handtekeningen van buurtbewoners"], id="no-support"),
    pytest.param({**FUND, "kosten": 4000, "eigen_bijdrage": 2500}, False, ["nog niet laten zien"],
                 id="support-unanswered"),
    pytest.param({**FUND, "kosten": 4000, "eigen_bijdrage": 2500, "draagvlak": ["nog_niet", "vereniging"]}, True,
                 ["U kunt laten zien"], id="support-beats-not-yet"),
    pytest.param({**FUND, "kosten": 500_000, "eigen_bijdrage": 250_000, "draagvlak": ["vereniging"]}, False,
                 ["U vraagt € 250.000", "hele fonds zit (€ 100.000)", "kleiner"], id="more-than-the-fund"),
    pytest.param({**FUND, "kosten": 2000, "eigen_bijdrage": 2000, "draagvlak": ["handtekeningen"]}, True,
                 ["alle kosten zelf", "zonder het fonds"], id="pays-everything"),
]


@pytest.mark.parametrize(("answers", "verdict", "fragments"), ADVISE_CASES)
def test_advise(answers, verdict, fragments):
    advice = rungs.advise(answers)
    if verdict == "none":
        assert advice == []
        return
    (item,) = advice
    assert isinstance(item, Advice)
    assert item.topic == "initiatieffonds"
    assert item.verdict is verdict
    said = " ".join(item.reasons + item.steps)
    for fragment in fragments:
        assert fragment in said
    assert "kerncontactfunctionaris" in item.steps[-1]


@pytest.mark.parametrize(("amount", "written"), [(0, "€ 0"), (950, "€ 950"), (12500, "€ 12.500"),
                                                  (1_250_000, "€ 1.250.000"), (99.6, "€ 100")])
def test_euro_is_written_the_dutch_way(amount, written):
    assert rungs.euro(amount) == written


# --- the rung logic and the survey file agree ---------------------------------------------------------------

def test_survey_files_load():
    assert SURVEY_FILES, "the plugin ships at least one survey file"
    for path in SURVEY_FILES:
        loaded = load_survey(path, question_types=TYPES)
        assert loaded.slug == path.stem
        assert loaded.municipality == "Molenwaard"
        assert [q.type for q in loaded.questions].count("area") == 1
        assert 8 <= len(loaded.questions) <= 16
        assert 3 <= len(loaded.pages) <= 6
        assert set(loaded.aspects) == {"huidig", "gewenst"}


def test_demographics_are_optional_questions_on_the_last_page():
    s = survey()
    assert s.demographics == {"age": "leeftijd", "sex": "geslacht"}
    last = s.pages[-1]
    assert [q.id for q in last.questions] == ["leeftijd", "geslacht"]
    assert last.show_if is None and not any(q.required for q in last.questions)
    # CBS "Kerncijfers" age bands; the audience is 16 and over, so there is no band under 15
    assert [c.value for c in s.question("leeftijd").choices] == ["15-25", "25-45", "45-65", "65+"]
    assert [c.value for c in s.question("geslacht").choices] == ["man", "vrouw", "anders"]


def test_sample_margins_cover_every_area():
    from ladder.analysis.weights import read_margins
    path = Path(ladder_molenwaard.__file__).parent / "data" / "sample_margins.csv"
    assert "SAMPLE" in path.read_text(encoding="utf-8").splitlines()[0]
    margins = read_margins(path)
    assert set(margins.index) == {a.code for a in survey().areas}
    assert (margins["Mannen"] + margins["Vrouwen"] == margins["AantalInwoners"]).all()
    bands = ["k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder"]
    assert (margins[bands].sum(axis=1) == margins["AantalInwoners"]).all()


def test_areas_are_the_twelve_villages_and_the_town():
    kinds = {a.code: a.kind for a in survey().areas}
    assert len(kinds) == 13
    assert [c for c, k in kinds.items() if k == "stad"] == ["nieuwpoort"]
    assert all(c == c.lower() and " " not in c for c in kinds)


def test_plugin_registers_the_survey_with_its_logic():
    (registered,) = ladder_molenwaard.register_surveys(app=None)
    assert registered.slug == "molenwaard-dorpsoverleg"
    assert registered.place is rungs.place and registered.advise is rungs.advise


def test_every_question_id_in_rungs_exists_in_the_survey():
    ids, _ = answers_read_by(rungs)
    known = {q.id for q in survey().questions}
    assert ids and ids <= known, ids - known


def test_every_compared_choice_exists():
    _, compared = answers_read_by(rungs)
    assert {"kent_dorpsoverleg", "kent_kcf", "tijd", "initiatief"} <= set(compared)
    s = survey()
    for qid, values in compared.items():
        assert values <= {c.value for c in s.question(qid).choices}, (qid, values)
    # Values used through the tables and constants rather than inline comparisons:
    assert set(rungs.NOW) == {c.value for c in s.question("betrokken_nu").choices}
    assert set(rungs.WISH) == {c.value for c in s.question("betrokken_gewenst").choices}
    assert rungs.NO_SUPPORT_YET in {c.value for c in s.question("draagvlak").choices}


def test_aspects_and_rungs_exist():
    s = survey()
    for rung, _ in list(rungs.NOW.values()) + list(rungs.WISH.values()):
        assert rung in PARTICIPATIELADDER
    every = rungs.place({"betrokken_nu": "mening", "betrokken_gewenst": "samen"})
    assert {p.aspect for p in every} == set(s.aspects)


def test_fund_page_is_shown_only_for_a_plan():
    s = survey()
    fund_page = next(p for p in s.pages if p.id == "initiatieffonds")
    assert fund_page in s.visible_pages({"initiatief": "ja"})
    assert fund_page not in s.visible_pages({"initiatief": "nee"})
