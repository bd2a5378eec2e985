"""The Rotterdam participatiekompas: gates, goal-to-rung mapping, what is fixed, and the stappenplan."""
from __future__ import annotations

import pytest

import ladder_rotterdam
from ladder import PARTICIPATIELADDER, Advice, Placement, load_survey
from ladder import BUILTIN_TYPES
from ladder_rotterdam import kompas

TYPES = {t.name: t for t in BUILTIN_TYPES}
SURVEY = load_survey(ladder_rotterdam.KOMPAS_FILE, place=kompas.place, advise=kompas.advise, question_types=TYPES)

OPEN = {"gebied": "gebied-noord", "rol": "anders", "wet_sluit_uit": "nee", "alleen_uitvoering": "nee",
        "begroting": "nee"}


def case(**answers):
    return {**OPEN, **answers}


# answers, expected rung, reason fragments that must appear, fragments that must not appear, step fragments
CASES = [
    pytest.param({"wet_sluit_uit": "ja"}, "informeren",
                 ["wet of regel sluit participatie", "geen inspraak"], ["Het doel is"],
                 ["Leg in het voorstel uit waarom er geen participatie is: een wet of regel",
                  "wat er besloten wordt", "geen inbreng wordt gevraagd"], id="gate-wet"),
    pytest.param({"wet_sluit_uit": "nee", "alleen_uitvoering": "ja", "doel": "kennis"}, "informeren",
                 ["regels van hogerhand"], ["Het doel is"], ["geen of weinig ruimte"], id="gate-uitvoering"),
    pytest.param(case(begroting="ja"), "informeren", ["begroting"], [], ["over de begroting"], id="gate-begroting"),
    pytest.param({}, "informeren", ["nog geen doel"], ["Let op"],
                 ["Schrijf op wat nog open is", "Breng in kaart wie het plan raakt", "Kies welke burgerschapsstijlen"],
                 id="nothing-answered"),
    pytest.param(case(), "informeren", ["nog geen doel"], [], ["er wordt geen inbreng gevraagd"], id="no-goal"),
    pytest.param(case(doel="begrip", impact="groot"), "informeren",
                 ["Het doel is begrip", "trede informeren", "Let op: het plan heeft grote gevolgen"], [],
                 ["Vertel vooraf eerlijk dat het om informatie gaat", "brief", "Houd mensen op de hoogte"],
                 id="begrip-groot"),
    pytest.param(case(doel="begrip", impact="klein", vastliggend=["besluit"]), "informeren",
                 ["Het doel is begrip"], ["Let op", "De trede gaat"], ["Schrijf op wat al vastligt (het besluit zelf)"],
                 id="begrip-cap-does-not-lower"),
    pytest.param(case(doel="draagvlak", impact="groot", vastliggend=["ontwerp"]), "raadplegen",
                 ["Het doel is draagvlak", "trede raadplegen"], ["Let op", "De trede gaat"],
                 ["vastligt (het ontwerp)", "het bestuur hoort hun mening", "korte vragenlijst",
                  "wat er met hun inbreng is gedaan", "Kijk na afloop"], id="draagvlak"),
    pytest.param(case(doel="kennis", vastliggend=["budget", "ontwerp", "plek", "eisen"]), "raadplegen",
                 ["Het doel is kennis", "ontwerp is grotendeels klaar", "van adviseren naar raadplegen"], [],
                 ["vastligt (het ontwerp, het budget, de plek, eisen uit wet, veiligheid of techniek)"],
                 id="kennis-ontwerp-lowers"),
    pytest.param(case(doel="kennis", vastliggend=["budget"]), "adviseren",
                 ["Het doel is kennis"], ["De trede gaat"], ["vastligt (het budget)", "volgt hun advies in principe",
                                                            "klankbordgroep"], id="kennis-budget-no-cap"),
    pytest.param(case(doel="eigenaarschap", bestuur="ja"), "coproduceren",
                 ["Het doel is eigenaarschap", "trede coproduceren"], ["bestuur"],
                 ["samen kiest, neemt het bestuur over", "werkgroep"], id="eigenaarschap"),
    pytest.param(case(doel="eigenaarschap", bestuur="nee"), "adviseren",
                 ["wil niet vooraf beloven", "van coproduceren naar adviseren"], [], ["volgt hun advies"],
                 id="eigenaarschap-bestuur-nee"),
    pytest.param(case(doel="eigenaarschap", bestuur="weet_niet"), "coproduceren",
                 ["nog niet zeker of het bestuur"], [], ["Vraag het bestuur dat beslist vooraf"],
                 id="eigenaarschap-bestuur-weet-niet"),
    pytest.param(case(doel="verantwoordelijkheid", beheer="nee", bestuur="ja"), "meebeslissen",
                 ["Het doel is verantwoordelijkheid", "trede meebeslissen"], ["zelfbeheer"],
                 ["vooraf genoemde voorwaarden", "Buurt Bestuurt"], id="verantwoordelijkheid"),
    pytest.param(case(doel="verantwoordelijkheid", beheer="ja", bestuur="ja"), "zelfbeheer",
                 ["trede meebeslissen", "Dat is de trede zelfbeheer"], [],
                 ["Spreek af wat de gemeente", "afspraken over beheer"], id="zelfbeheer"),
    pytest.param(case(doel="verantwoordelijkheid", beheer="ja", vastliggend=["besluit", "planning"]), "adviseren",
                 ["Het besluit is al genomen", "van zelfbeheer naar adviseren"], ["planning is krap"],
                 ["vastligt (het besluit zelf, de planning)"], id="zelfbeheer-besluit-lowers-once"),
    pytest.param(case(doel="draagvlak", vastliggend=["planning"], bestuur="nee"), "raadplegen",
                 ["Het doel is draagvlak"], ["bestuur", "De trede gaat"], [], id="low-goal-ignores-bestuur"),
    pytest.param(case(doel="eigenaarschap", vastliggend=["planning"]), "adviseren",
                 ["planning is krap", "van coproduceren naar adviseren"], [], [], id="eigenaarschap-planning"),
    pytest.param(case(wet_sluit_uit="weet_niet", doel="kennis"), "adviseren",
                 ["nog niet zeker of een wet"], [], ["jurist"], id="wet-weet-niet"),
    pytest.param(case(doel="kennis", rol="wijkraad", wie=["beperking", "omwonenden", "jongeren"],
                      stijlen=["structuurzoekers", "pragmatici", "plichtsgetrouwen", "verantwoordelijken"]),
                 "adviseren", [], [],
                 ["(omwonenden, jongeren, mensen met een beperking)", "Zoek jongeren op", "toegankelijke plek",
                  "Verantwoordelijken:", "Plichtsgetrouwen:", "Pragmatici:", "Structuurzoekers:",
                  "openbare vergadering van de wijkraad"], id="groups-styles-wijkraad"),
    pytest.param(case(doel="kennis", rol="ambtenaar", wie=["ondernemers"], stijlen=["pragmatici"]), "adviseren",
                 [], [], ["(ondernemers)", "Pragmatici:", "Leg de gekozen trede voor aan de wijkraad"],
                 id="ambtenaar"),
]


@pytest.mark.parametrize("answers, rung, reasons, absent, step_parts", CASES)
def test_place_and_advise(answers, rung, reasons, absent, step_parts):
    (placement,) = kompas.place(answers)
    assert isinstance(placement, Placement)
    assert placement.aspect == "advies"
    assert placement.rung == rung
    joined = " | ".join(placement.reasons)
    for part in reasons:
        assert part in joined
    for part in absent:
        assert part not in joined
    (advice,) = kompas.advise(answers)
    assert isinstance(advice, Advice)
    assert advice.topic == "stappenplan" and advice.verdict is None
    assert advice.reasons == ()  # the reasons are the placement's: the result page shows them once
    all_steps = " | ".join(advice.steps)
    for part in step_parts:
        assert part in all_steps
    assert list(advice.steps) == kompas.steps(answers)  # steps() works out the rung itself too


@pytest.mark.parametrize("answers", [p.values[0] for p in CASES])
def test_case_answers_fit_the_survey(answers):
    """Every answer in the table uses a real question id and a real choice value."""
    for qid, value in answers.items():
        question = SURVEY.question(qid)
        if question.type == "area":
            assert SURVEY.area(value) is not None
        elif question.choices:
            values = {c.value for c in question.choices}
            assert set(value if isinstance(value, list) else [value]) <= values, (qid, value)


def test_gate_steps_are_short_and_never_ask_for_input():
    for qid, _reason in kompas.GATES:
        steps = kompas.steps(case(**{qid: "ja"}))
        assert len(steps) == 3
        assert not any("Vertel deelnemers vooraf" in s for s in steps)


# Per rung: what participants may expect (domain.md, section 1, "what the resident may expect") and a form
# that fits, written out by hand rather than read from kompas.EXPECTATION / kompas.FORM.
RUNG_STEPS = [
    pytest.param("informeren", "Vertel vooraf eerlijk dat het om informatie gaat: er wordt geen inbreng gevraagd.",
                 ["brief", "website"], id="informeren"),          # no input asked
    pytest.param("raadplegen", "Vertel deelnemers vooraf wat er met hun inbreng gebeurt: het bestuur hoort hun "
                 "mening en weegt die mee, maar beslist zelf en hoeft die niet te volgen.",
                 ["vragenlijst"], id="raadplegen"),               # heard; the municipality is not bound
    pytest.param("adviseren", "Vertel deelnemers vooraf wat er met hun inbreng gebeurt: het bestuur volgt hun "
                 "advies in principe; wijkt het daarvan af, dan legt het uit waarom.",
                 ["klankbordgroep"], id="adviseren"),             # followed in principle; a deviation explained
    pytest.param("coproduceren", "Vertel deelnemers vooraf wat er met hun inbreng gebeurt: de oplossing die u "
                 "samen kiest, neemt het bestuur over in het besluit.",
                 ["samen", "werkgroep"], id="coproduceren"),      # the solution agreed together is binding
    pytest.param("meebeslissen", "Vertel deelnemers vooraf wat er met hun inbreng gebeurt: de uitkomst wordt "
                 "overgenomen als die binnen de vooraf genoemde voorwaarden blijft. Noem die voorwaarden.",
                 ["stemming", "Buurt Bestuurt"], id="meebeslissen"),  # adopted after a check against set conditions
    pytest.param("zelfbeheer", "Vertel deelnemers vooraf wat er met hun inbreng gebeurt: inwoners beslissen en "
                 "beheren zelf, binnen afgesproken grenzen. Spreek af wat de gemeente daarbij doet.",
                 ["afspraken over beheer"], id="zelfbeheer"),     # residents decide and act within limits
]


@pytest.mark.parametrize("rung, expectation, form_words", RUNG_STEPS)
def test_every_step_plan_tells_participants_what_happens_with_their_input(rung, expectation, form_words):
    steps = kompas.steps(case(doel="kennis"), rung)
    assert expectation in steps
    (form,) = [s for s in steps if all(w in s for w in form_words)]  # exactly one step names the form
    assert form != expectation


@pytest.mark.parametrize("gate_answers, hidden", [
    ({"wet_sluit_uit": "ja"}, {"poort_uitvoering", "poort_begroting", "vast", "doel", "doel_verder", "stijlen"}),
    ({"wet_sluit_uit": "nee", "alleen_uitvoering": "ja"}, {"poort_begroting", "vast", "doel", "stijlen"}),
    (case(begroting="ja"), {"vast", "doel", "doel_verder", "betrokkenen", "stijlen"}),
    (case(doel="kennis"), {"doel_verder"}),
])
def test_a_closed_gate_skips_the_rest(gate_answers, hidden):
    visible = {p.id for p in SURVEY.visible_pages(gate_answers)}
    assert not visible & hidden
    assert "plan" in visible and "poort_wet" in visible


def test_open_gates_show_every_page():
    visible = [p.id for p in SURVEY.visible_pages(case(doel="verantwoordelijkheid"))]
    assert visible == [p.id for p in SURVEY.pages]
    page = next(p for p in SURVEY.pages if p.id == "doel_verder")
    assert [q.id for q in SURVEY.visible_questions(page, case(doel="eigenaarschap"))] == ["bestuur"]
    assert [q.id for q in SURVEY.visible_questions(page, case(doel="verantwoordelijkheid"))] == ["beheer", "bestuur"]


def test_survey_file_loads_with_the_required_keys():
    assert SURVEY.slug == "rotterdam-participatiekompas"
    assert SURVEY.municipality == "Rotterdam"
    assert SURVEY.ladder == "participatieladder"
    for key in ("title", "intro", "purpose", "retention", "audience", "next_steps", "contact"):
        assert getattr(SURVEY, key)["nl"].strip(), key
    assert "niet openbaar" in SURVEY.intro["nl"]
    assert set(SURVEY.aspects) == {"advies"}
    assert [q.type for q in SURVEY.questions].count("area") == 1
    assert [q.id for q in SURVEY.questions if q.type == "area"] == ["gebied"]


def test_areas_are_the_14_gebieden_of_2018():
    gebieden = [a for a in SURVEY.areas if a.kind == "gebied"]
    assert len(gebieden) == 14
    assert {a.parent for a in gebieden} == {"rotterdam"}
    names = {a.name["nl"] for a in gebieden}
    assert {"Centrum", "Charlois", "Delfshaven", "Feijenoord", "Hillegersberg-Schiebroek", "Hoek van Holland",
            "Hoogvliet", "IJsselmonde", "Kralingen-Crooswijk", "Noord", "Overschie", "Pernis", "Prins Alexander",
            "Rozenburg"} == names


def choice_values(qid):
    return {c.value for c in SURVEY.question(qid).choices}


def test_python_uses_only_ids_and_values_from_the_survey():
    for qid, _ in kompas.GATES:
        assert "ja" in choice_values(qid)
    assert "weet_niet" in choice_values("wet_sluit_uit")
    assert set(kompas.GOALS) == choice_values("doel")
    assert set(kompas.HIGH_GOALS) <= choice_values("doel")
    assert set(kompas.FIXED) == choice_values("vastliggend")
    assert set(kompas.STYLES) == choice_values("stijlen")
    assert set(kompas.GROUPS) == choice_values("wie")
    assert set(kompas.GROUP_STEPS) <= choice_values("wie")
    assert {"ja", "nee"} <= choice_values("beheer")
    assert {"ja", "nee", "weet_niet"} == choice_values("bestuur")
    assert "groot" in choice_values("impact")
    assert {"wijkraad", "ambtenaar"} <= choice_values("rol")
    assert SURVEY.question("stijlen").required is False
    assert SURVEY.question("vastliggend").required is False
    # the show_if of the goal-follow-up page names the same high goals as the Python
    page = next(p for p in SURVEY.pages if p.id == "doel_verder")
    assert set(page.show_if["in"]) == set(kompas.HIGH_GOALS)


def test_rungs_are_ladder_rungs_and_the_mapping_is_the_documented_one():
    assert all(r in PARTICIPATIELADDER for r in kompas.RUNGS)
    assert [PARTICIPATIELADDER.rung(r).level for r in kompas.RUNGS] == [1, 2, 3, 4, 5, 6]
    assert {goal: rung for goal, (rung, _) in kompas.GOALS.items()} == {
        "begrip": "informeren", "draagvlak": "raadplegen", "kennis": "adviseren",
        "eigenaarschap": "coproduceren", "verantwoordelijkheid": "meebeslissen"}
    for cap, _words, why in kompas.FIXED.values():
        assert cap is None or (cap in kompas.LEVEL and why)


def test_plugin_registers_the_kompas_with_its_logic():
    surveys = {s.slug: s for s in ladder_rotterdam.register_surveys(app=None)}
    kompas_survey = surveys["rotterdam-participatiekompas"]
    assert kompas_survey.place is kompas.place and kompas_survey.advise is kompas.advise
