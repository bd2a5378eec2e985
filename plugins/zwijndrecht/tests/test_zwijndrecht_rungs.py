"""Zwijndrecht (Heerjansdam) rung logic: table-driven over every branch, and checked against the survey file."""
from __future__ import annotations

from pathlib import Path

import pytest

import ladder_zwijndrecht
from ladder import BUILTIN_TYPES, PARTICIPATIELADDER, Placement, load_survey
from ladder.testing import answers_read_by
from ladder_zwijndrecht import rungs

SURVEY_FILES = sorted((Path(ladder_zwijndrecht.__file__).parent / "surveys").glob("*.toml"))
TYPES = {t.name: t for t in BUILTIN_TYPES}


def survey():
    return load_survey(SURVEY_FILES[0], place=rungs.place, question_types=TYPES)


# --- place(): (answers, expected {aspect: rung}, expected reason fragments) -------------------------------

PLACE_CASES = [
    pytest.param({}, {}, [], id="nothing-answered"),
    pytest.param({"zeggenschap_budget": None, "zeggenschap_dorpszaken": None, "gestemd": None}, {}, [],
                 id="hidden-answers"),
    pytest.param({"zeggenschap_budget": "horen"}, {"budget": "informeren"}, ["nieuwsbrief"], id="budget-only"),
    pytest.param({"zeggenschap_budget": "samen", "kandidaat": "misschien"}, {"budget": "coproduceren"},
                 ["samen met de dorpsraad", "kandidaat te stellen"], id="budget-high-maybe-candidate"),
    pytest.param({"zeggenschap_budget": "zelf", "kandidaat": "ja"}, {"budget": "zelfbeheer"},
                 ["deel van het geld beheren", "beslist u direct mee"], id="budget-self-candidate"),
    pytest.param({"zeggenschap_budget": "stemmen", "kandidaat": "nee"}, {"budget": "meebeslissen"},
                 ["vooraf af"], id="budget-high-no-candidate"),
    pytest.param({"zeggenschap_budget": "voorstellen", "kandidaat": "ja"}, {"budget": "adviseren"},
                 ["legt uit waarom"], id="budget-low-candidate-not-mentioned"),
    pytest.param({"zeggenschap_dorpszaken": "horen"}, {"dorpszaken": "informeren"}, ["op tijd horen"],
                 id="dorpszaken-only"),
    pytest.param({"zeggenschap_dorpszaken": "beslissen"}, {"dorpszaken": "meebeslissen"},
                 ["binnen vaste afspraken", "nieuwe afspraken nodig"], id="deciding-beyond-verordening"),
    pytest.param({"zeggenschap_dorpszaken": "zelf"}, {"dorpszaken": "zelfbeheer"}, ["bewonersbeheergroep"],
                 id="self-management"),
    pytest.param({"zeggenschap_dorpszaken": "mening", "gestemd": "niet_geweten"}, {"dorpszaken": "raadplegen"},
                 ["wist niet dat er een verkiezing", "Elke vier jaar"], id="did-not-know-election"),
    pytest.param({"zeggenschap_dorpszaken": "advies", "gestemd": "nee"}, {"dorpszaken": "adviseren"},
                 ["Door te stemmen"], id="did-not-vote-wants-say"),
    pytest.param({"zeggenschap_dorpszaken": "horen", "gestemd": "nee"}, {"dorpszaken": "informeren"},
                 ["op tijd horen"], id="did-not-vote-wants-little"),
    pytest.param({"zeggenschap_dorpszaken": "samen", "gestemd": "ja", "tevreden_informeren": 2,
                  "tevreden_raadplegen": 1}, {"dorpszaken": "coproduceren"},
                 ["klankbordgroep", "op de hoogte houdt", "om uw mening vraagt"], id="dissatisfied"),
    pytest.param({"zeggenschap_dorpszaken": "samen", "gestemd": "kon_niet", "tevreden_informeren": 3,
                  "tevreden_raadplegen": 5}, {"dorpszaken": "coproduceren"}, ["klankbordgroep"], id="satisfied"),
    pytest.param({"zeggenschap_budget": "mening", "zeggenschap_dorpszaken": "advies", "kandidaat": "ja",
                  "gestemd": "ja", "tevreden_informeren": 4, "tevreden_raadplegen": 4},
                 {"budget": "raadplegen", "dorpszaken": "adviseren"}, ["beslist zelf", "uitlegt waarom"], id="both"),
]


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


# Reasons that must NOT appear, for the branches that stay silent.
@pytest.mark.parametrize(("answers", "absent"), [
    ({"zeggenschap_budget": "voorstellen", "kandidaat": "ja"}, "kandidaat"),
    ({"zeggenschap_budget": "stemmen", "kandidaat": "nee"}, "kandidaat"),
    ({"zeggenschap_dorpszaken": "horen", "gestemd": "nee"}, "stemmen"),
    ({"zeggenschap_dorpszaken": "samen", "tevreden_informeren": 3, "tevreden_raadplegen": 5}, "niet tevreden"),
])
def test_silent_branches(answers, absent):
    assert absent not in " ".join(r for p in rungs.place(answers) for r in p.reasons)


# Each choice on its own: (question, choice, aspect, rung), the rung written out by hand from the choice's
# label in the survey file and the rung descriptions (domain.md, section 1), not read from rungs.BUDGET /
# rungs.DORPSZAKEN. For the budget the dorpsraad is the one deciding (Verordening Dorpsraad Heerjansdam).
CHOICES = [
    ("zeggenschap_budget", "horen", "budget", "informeren"),         # "alleen horen waar het geld aan is besteed"
    ("zeggenschap_budget", "mening", "budget", "raadplegen"),        # "mening geven voordat de dorpsraad kiest"
    ("zeggenschap_budget", "voorstellen", "budget", "adviseren"),    # "zelf voorstellen doen aan de dorpsraad"
    ("zeggenschap_budget", "samen", "budget", "coproduceren"),       # "samen met de dorpsraad de plannen maken"
    ("zeggenschap_budget", "stemmen", "budget", "meebeslissen"),     # "inwoners zelf kiezen ... stemmen op plannen"
    ("zeggenschap_budget", "zelf", "budget", "zelfbeheer"),          # "zelf een deel van het geld beheren"
    ("zeggenschap_dorpszaken", "horen", "dorpszaken", "informeren"),      # "op tijd horen wat de gemeente van plan is"
    ("zeggenschap_dorpszaken", "mening", "dorpszaken", "raadplegen"),     # "mijn mening kunnen geven"
    ("zeggenschap_dorpszaken", "advies", "dorpszaken", "adviseren"),      # "advies geven, de gemeente legt uit"
    ("zeggenschap_dorpszaken", "samen", "dorpszaken", "coproduceren"),    # "samen met de gemeente ... plannen maken"
    ("zeggenschap_dorpszaken", "beslissen", "dorpszaken", "meebeslissen"),  # "binnen vaste afspraken zelf beslissen"
    ("zeggenschap_dorpszaken", "zelf", "dorpszaken", "zelfbeheer"),       # "met buren zelf iets beheren"
]


@pytest.mark.parametrize(("qid", "choice", "aspect", "rung"), CHOICES, ids=[f"{q}-{c}" for q, c, _, _ in CHOICES])
def test_every_choice_places(qid, choice, aspect, rung):
    (placement,) = rungs.place({qid: choice})
    assert (placement.aspect, placement.rung) == (aspect, rung)


def test_the_hand_written_choices_are_the_survey_choices():
    s = survey()
    for qid in ("zeggenschap_budget", "zeggenschap_dorpszaken"):
        assert [c for q, c, _, _ in CHOICES if q == qid] == [c.value for c in s.question(qid).choices]


# --- the rung logic and the survey file agree ---------------------------------------------------------------

def test_survey_files_load():
    assert SURVEY_FILES, "the plugin ships at least one survey file"
    for path in SURVEY_FILES:
        loaded = load_survey(path, question_types=TYPES)
        assert loaded.slug == path.stem
        assert loaded.municipality == "Zwijndrecht"
        assert [q.type for q in loaded.questions].count("area") == 1
        assert 8 <= len(loaded.questions) <= 14
        assert 3 <= len(loaded.pages) <= 5
        assert set(loaded.aspects) == {"budget", "dorpszaken"}


def test_plugin_registers_the_survey_with_its_logic():
    (registered,) = ladder_zwijndrecht.register_surveys(app=None)
    assert registered.slug == "zwijndrecht-dorpsraad-heerjansdam"
    assert registered.place is rungs.place


def test_every_question_id_in_rungs_exists_in_the_survey():
    ids, _ = answers_read_by(rungs)
    known = {q.id for q in survey().questions}
    assert ids and ids <= known, ids - known


def test_every_compared_choice_exists():
    _, compared = answers_read_by(rungs)
    assert {"kandidaat", "gestemd"} <= set(compared)
    s = survey()
    for qid, values in compared.items():
        assert values <= {c.value for c in s.question(qid).choices}, (qid, values)
    assert set(rungs.BUDGET) == {c.value for c in s.question("zeggenschap_budget").choices}
    assert set(rungs.DORPSZAKEN) == {c.value for c in s.question("zeggenschap_dorpszaken").choices}


def test_satisfaction_threshold_fits_the_scale():
    for qid in ("tevreden_informeren", "tevreden_raadplegen"):
        q = survey().question(qid)
        assert q.type == "scale" and q.options["min"] <= rungs.LOW_SATISFACTION < q.options["max"]


def test_election_questions_only_for_who_knows_the_dorpsraad():
    s = survey()
    page = next(p for p in s.pages if p.id == "contact")
    shown = {q.id for q in s.visible_questions(page, {"kent_dorpsraad": "nee"})}
    assert shown == {"kanalen"}
    shown = {q.id for q in s.visible_questions(page, {"kent_dorpsraad": "ja"})}
    assert {"gestemd", "tevreden_informeren", "tevreden_raadplegen"} <= shown
