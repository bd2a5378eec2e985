"""Súdwest-Fryslân: rung logic, kernenfonds advice, and the survey file they depend on."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from ladder import load_survey
from ladder.testing import assert_loaded, assert_placed, submit_api, submit_form
from ladder_sudwest_fryslan import SURVEYS, register_surveys, rungs

SURVEY_FILE = SURVEYS / "sudwest-fryslan-belangen.toml"


@pytest.fixture(scope="module")
def survey():
    return load_survey(SURVEY_FILE, place=rungs.place, advise=rungs.advise)


def placed(answers):
    return {p.aspect: p for p in rungs.place(answers)}


# ------------------------------------------------------------------------------------------ place
# (answers, expected rungs per aspect, expected reason fragments per aspect, fragments that must be absent)
PLACE_CASES = [
    pytest.param({}, {}, {}, {}, id="nothing-answered"),
    pytest.param({"prioriteiten_hoe": None, "rol_gemeente": None}, {}, {}, {}, id="hidden-answers"),
    pytest.param({"prioriteiten_hoe": "samen", "dorpsvisie": "ja_gebruikt"}, {"nu": "coproduceren"},
                 {"nu": ["samen met de gemeente", "dorpsvisie geeft richting"]}, {}, id="samen-met-visie"),
    pytest.param({"prioriteiten_hoe": "doorgeven", "dorpsvisie": "nee"}, {"nu": "adviseren"},
                 {"nu": ["geeft uw punten door"]}, {"nu": ["dorpsvisie"]}, id="doorgeven-zonder-visie"),
    pytest.param({"prioriteiten_hoe": "gemeente_vraagt", "coordinator_contact": "ken_niet"}, {"nu": "raadplegen"},
                 {"nu": ["vraagt soms uw mening", "niet wie uw coördinator is"]}, {}, id="raadplegen-coordinator-onbekend"),
    pytest.param({"prioriteiten_hoe": "achteraf", "coordinator_contact": "vaak"}, {"nu": "informeren"},
                 {"nu": ["pas achteraf"]}, {"nu": ["coördinator"]}, id="achteraf"),
    pytest.param({"prioriteiten_hoe": "zelf"}, {"nu": "zelfbeheer"}, {"nu": ["zelf op"]}, {}, id="zelf"),
    pytest.param({"rol_gemeente": "overlaten", "menskracht": "genoeg", "dorpsvisie": "ja_gebruikt"},
                 {"gewenst": "zelfbeheer"}, {"gewenst": ["overlaat"]}, {"gewenst": ["vrijwilligers", "dorpsvisie"]},
                 id="overlaten-genoeg-mensen"),
    pytest.param({"rol_gemeente": "overlaten", "menskracht": "te_weinig", "dorpsvisie": "bezig"},
                 {"gewenst": "zelfbeheer"}, {"gewenst": ["te weinig vrijwilligers", "Een dorpsvisie helpt"]}, {},
                 id="overlaten-te-weinig-mensen-visie-bezig"),
    pytest.param({"rol_gemeente": "faciliteren", "menskracht": "krap", "dorpsvisie": "nee"},
                 {"gewenst": "meebeslissen"}, {"gewenst": ["geld, kennis of ruimte", "net genoeg", "dorpsvisie"]}, {},
                 id="faciliteren-krap"),
    pytest.param({"rol_gemeente": "faciliteren"}, {"gewenst": "meebeslissen"}, {"gewenst": ["zelf beslist"]},
                 {"gewenst": ["vrijwilligers", "dorpsvisie"]}, id="faciliteren-rest-onbeantwoord"),
    pytest.param({"rol_gemeente": "samenwerken", "menskracht": "te_weinig", "dorpsvisie": "nee"},
                 {"gewenst": "coproduceren"}, {"gewenst": ["samen met de gemeente"]},
                 {"gewenst": ["vrijwilligers", "dorpsvisie"]}, id="samenwerken-geen-eigen-werk"),
    pytest.param({"rol_gemeente": "advies"}, {"gewenst": "adviseren"}, {"gewenst": ["uw advies"]}, {}, id="advies"),
    pytest.param({"prioriteiten_hoe": "samen", "rol_gemeente": "overlaten"},
                 {"nu": "coproduceren", "gewenst": "zelfbeheer"}, {}, {}, id="beide-aspecten"),
]


@pytest.mark.parametrize("answers, expected, fragments, absent", PLACE_CASES)
def test_place(answers, expected, fragments, absent):
    result = placed(answers)
    assert {aspect: p.rung for aspect, p in result.items()} == expected
    for aspect, parts in fragments.items():
        joined = " ".join(result[aspect].reasons)
        for part in parts:
            assert part in joined
    for aspect, parts in absent.items():
        joined = " ".join(result[aspect].reasons)
        for part in parts:
            assert part not in joined


# ------------------------------------------------------------------------------------------ advise
def verdicts(answers):
    return {a.topic: a.verdict for a in rungs.advise(answers)}


# (answers, expected verdict per topic, expected reason fragments per topic)
LEEF = {"plan_soort": "leefbaarheid"}
ADVISE_CASES = [
    # Only the parts of the kernenfonds the plan asks about get advice (issue 11): no "does not meet the
    # rules" for a fund the belang never asked about.
    pytest.param({}, {}, {}, id="geen-antwoord"),
    pytest.param({"plan_soort": "geen"}, {}, {}, id="geen-plan"),
    pytest.param({"plan_soort": "melding"}, {"melding": True}, {"melding": ["meldingsformulier"]}, id="melding"),
    pytest.param({"plan_soort": "organisatie", "plan_kosten": 400}, {"organisatiegeld": True},
                 {"organisatiegeld": ["€1.000", "niet te laten zien"]}, id="organisatie-klein"),
    pytest.param({"plan_soort": "organisatie"}, {"organisatiegeld": True}, {}, id="organisatie-zonder-bedrag"),
    pytest.param({"plan_soort": "organisatie", "plan_kosten": 2500}, {"organisatiegeld": False},
                 {"organisatiegeld": ["hoger dan de €1.000"]}, id="organisatie-te-duur"),
    pytest.param({**LEEF, "plan_draagvlak": "breed", "plan_beleid": "past", "plan_kosten": 6000},
                 {"kwaliteitsgeld": True},
                 {"kwaliteitsgeld": ["breed gedragen", "past bij het beleid", "coördinatorenteam"]},
                 id="kwaliteitsgeld-past"),
    pytest.param({**LEEF, "plan_draagvlak": "deel", "plan_beleid": "past"}, {"kwaliteitsgeld": False},
                 {"kwaliteitsgeld": ["brede steun"]}, id="draagvlak-deel"),
    pytest.param({**LEEF, "plan_draagvlak": "onbekend", "plan_beleid": "past", "plan_kosten": 3000},
                 {"kwaliteitsgeld": None}, {"kwaliteitsgeld": ["Laat eerst zien"]}, id="draagvlak-onbekend"),
    pytest.param({**LEEF, "plan_draagvlak": "breed", "plan_beleid": "strijdig", "plan_kosten": 3000},
                 {"kwaliteitsgeld": False}, {"kwaliteitsgeld": ["tegen het beleid"]}, id="strijdig-met-beleid"),
    pytest.param({**LEEF, "plan_draagvlak": "breed", "plan_beleid": "weet_niet", "plan_kosten": 3000},
                 {"kwaliteitsgeld": None}, {"kwaliteitsgeld": ["Vraag de coördinator"]}, id="beleid-onbekend"),
    pytest.param({**LEEF, "plan_draagvlak": "breed", "plan_beleid": "past", "plan_kosten": 40000},
                 {"kwaliteitsgeld": False, "projectengeld": True},
                 {"kwaliteitsgeld": ["projectengeld"], "projectengeld": ["meer dan €15.000", "weinig gebruikt"]},
                 id="groot-project"),
    pytest.param({**LEEF, "plan_kosten": 15000, "plan_draagvlak": "breed", "plan_beleid": "past"},
                 {"kwaliteitsgeld": True}, {}, id="precies-15000"),
    pytest.param({"plan_soort": "anders", "plan_kosten": 3000}, {"kernenfonds": None},
                 {"kernenfonds": ["coördinator"]}, id="anders-klein"),
    pytest.param({"plan_soort": "anders", "plan_kosten": 20000}, {"kernenfonds": None, "projectengeld": True},
                 {"projectengeld": ["meer dan €15.000"]}, id="anders-groot"),
]


@pytest.mark.parametrize("answers, expected, fragments", ADVISE_CASES)
def test_advise(answers, expected, fragments):
    advice = {a.topic: a for a in rungs.advise(answers)}
    assert {topic: a.verdict for topic, a in advice.items()} == expected
    for topic, parts in fragments.items():
        joined = " ".join(advice[topic].reasons)
        for part in parts:
            assert part in joined


def test_advice_asks_for_support_as_a_step():
    advice = {a.topic: a for a in rungs.advise({**LEEF, "plan_draagvlak": "deel"})}
    assert any("steunen" in step for step in advice["kwaliteitsgeld"].steps)


# ------------------------------------------------------------------------------------------ language
def test_reasons_follow_the_locale_the_core_passes():
    fy = rungs.place({"prioriteiten_hoe": "samen", "_locale": "fy"})[0]
    assert "tegearre mei de gemeente" in fy.reasons[0]
    advice = rungs.advise({"plan_soort": "organisatie", "_locale": "fy"})
    assert advice[0].title == "Organisaasjejild"


# The expected texts are written out here, not read from rungs.TEXTS: a Frisian text replaced by the Dutch one
# (or the wrong key picked) must fail. "Meldingsformulier" is the same word in both languages, so the advice
# check uses the organisatiegeld title, which differs.
NOW_SAMEN = {"nl": "U stelt de prioriteiten samen met de gemeente op.",
             "fy": "Jo stelle de prioriteiten tegearre mei de gemeente op."}
ORG_TITLE = {"nl": "Organisatiegeld", "fy": "Organisaasjejild"}


def test_locale_argument_wins_over_answers():
    (p,) = rungs.place({"prioriteiten_hoe": "samen", "_locale": "nl"}, locale="fy")
    assert p.reasons == (NOW_SAMEN["fy"],)
    advice = rungs.advise({"plan_soort": "organisatie", "_locale": "nl"}, locale="fy")
    assert advice[0].title == ORG_TITLE["fy"]


@pytest.mark.parametrize("locale", ["en", None, "xx"])
def test_unknown_or_missing_locale_falls_back_to_dutch(locale):
    (p,) = rungs.place({"prioriteiten_hoe": "samen", "_locale": locale})
    assert p.reasons == (NOW_SAMEN["nl"],)
    assert rungs.advise({"plan_soort": "organisatie", "_locale": locale})[0].title == ORG_TITLE["nl"]


def test_every_reason_text_exists_in_dutch_and_frisian():
    assert set(rungs.TEXTS["nl"]) == set(rungs.TEXTS["fy"])
    assert all(v.strip() for lang in rungs.TEXTS.values() for v in lang.values())


# ------------------------------------------------------------------------------------------ survey file
def test_register_surveys_loads_every_file():
    surveys = register_surveys(app=None)
    assert [s.slug for s in surveys] == ["sudwest-fryslan-belangen"]
    assert surveys[0].place is rungs.place and surveys[0].advise is rungs.advise
    assert len(list(SURVEYS.glob("*.toml"))) == len(surveys)


def test_survey_shape(survey):
    assert survey.municipality == "Súdwest-Fryslân"
    assert survey.locales == ("nl", "fy")
    assert 8 <= len(survey.questions) <= 14
    assert 3 <= len(survey.pages) <= 5
    assert 3 <= survey.minutes <= 6
    assert [q.type for q in survey.questions].count("area") == 1
    assert set(survey.aspects) == {"nu", "gewenst"}
    towns = {a.name["nl"]: a.name["fy"] for a in survey.areas if a.kind == "stad"}
    assert towns == {"Sneek": "Snits", "Bolsward": "Boalsert", "IJlst": "Drylts", "Hindeloopen": "Hylpen",
                     "Stavoren": "Starum", "Workum": "Warkum"}
    assert {"Dearsum", "Poppenwier", "Raerd", "Sibrandabuorren", "Tersoal"} <= {a.name["nl"] for a in survey.areas}


# Question ids rungs.py reads, and the choice values it compares against.
USED = {
    "dorpsvisie": {"ja_gebruikt", "nee", "bezig"},
    "prioriteiten_hoe": set(rungs.NOW_RUNGS),
    "coordinator_contact": {"ken_niet"},
    "rol_gemeente": set(rungs.WISH_RUNGS),
    "menskracht": {"te_weinig", "krap"},
    "plan_soort": {"geen", "melding", "organisatie", "leefbaarheid"},
    "plan_kosten": set(),
    "plan_draagvlak": {"breed", "deel", "onbekend"},
    "plan_beleid": {"past", "strijdig", "weet_niet"},
}


@pytest.mark.parametrize("qid, values", sorted(USED.items()))
def test_rungs_use_existing_questions_and_choices(survey, qid, values):
    question = survey.question(qid)  # KeyError if rungs.py reads a question the survey does not ask
    assert values <= {c.value for c in question.choices}


def test_rungs_cover_every_choice_of_the_questions_they_map(survey):
    assert {c.value for c in survey.question("prioriteiten_hoe").choices} == set(rungs.NOW_RUNGS)
    assert {c.value for c in survey.question("rol_gemeente").choices} == set(rungs.WISH_RUNGS)


def test_rungs_only_read_questions_listed_here():
    source = Path(rungs.__file__).read_text()
    import re
    read = set(re.findall(r'answers\.get\("([a-z_]+)"\)', source)) - {"_locale"}
    assert read == set(USED)


def test_rungs_exist_on_the_participatieladder():
    from ladder import PARTICIPATIELADDER
    for rung in {*rungs.NOW_RUNGS.values(), *rungs.WISH_RUNGS.values()}:
        assert rung in PARTICIPATIELADDER


def _texts(value, where):
    """Yield (where, text) for every translatable text in the raw survey data."""
    if isinstance(value, Mapping) and value and set(value) <= {"nl", "fy", "en"}:
        yield where, value
    elif isinstance(value, Mapping):
        for key, sub in value.items():
            if key in TEXT_KEYS:
                yield f"{where}.{key}", sub
            elif isinstance(sub, (Mapping, list)):
                yield from _texts(sub, f"{where}.{key}")
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _texts(sub, f"{where}[{i}]")


TEXT_KEYS = {"title", "intro", "purpose", "retention", "audience", "next_steps", "contact", "label", "help",
             "name", "min_label", "max_label"}


def test_every_text_has_dutch_and_frisian(survey):
    texts = list(_texts(dict(survey.definition), "survey"))
    assert len(texts) > 80  # the walk found the labels, not just the top-level texts
    missing = [where for where, t in texts
               if not isinstance(t, Mapping) or not t.get("nl", "").strip() or not t.get("fy", "").strip()]
    assert missing == []
    aspects = survey.definition["aspects"]
    assert all(v.get("nl") and v.get("fy") for v in aspects.values())


# ------------------------------------------------------------------------------------------ with the core
def test_the_app_loads_the_plugin_and_accepts_the_survey(ladder_app):
    """Through the installed entry point, checked against the registered ladders and question types."""
    assert_loaded(ladder_app, "sudwest_fryslan")
    assert "sudwest-fryslan-belangen" in ladder_app.extensions["ladder"].surveys


@pytest.mark.parametrize("locale", ["nl", "fy"])
def test_a_belang_is_placed_the_same_through_the_api_and_the_form(ladder_client, locale):
    """A village interest group's answers, through the API and the form pages, in Dutch and in Frisian."""
    slug = "sudwest-fryslan-belangen"
    kern = ladder_client.application.extensions["ladder"].surveys[slug].areas[0].code
    pages = {"belang": {"kern": kern, "invuller": "bestuur", "dorpsvisie": "ja_gebruikt", "coordinator_contact": "nooit"},
             "prioriteiten": {"prioriteiten_hoe": "samen", "onderwerpen": ["groen", "wonen"]},
             "rol": {"rol_gemeente": "overlaten", "menskracht": "genoeg", "plan_soort": "geen"}}
    api = submit_api(ladder_client, slug, {k: v for page in pages.values() for k, v in page.items()}, locale=locale)
    assert_placed(api, "nu", "coproduceren")
    assert_placed(api, "gewenst", "zelfbeheer")
    if locale == "nl":
        assert_placed(api, "nu", "coproduceren", reason_contains=["samen met de gemeente", "dorpsvisie geeft richting"])
    form = submit_form(ladder_client, slug, pages, locale=locale)
    assert form["placements"] == api["placements"]
