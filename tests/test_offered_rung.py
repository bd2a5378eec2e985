"""Issue 11: the rung the municipality offers, stated on the start page and kept apart from the resident's
own rung on the result page; the Kompas speaks to an official; fund advice only for what was asked."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ladder import SurveyFileError, load_survey
from ladder.survey_file import survey_from_dict

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(ROOT.glob("plugins/*/ladder_*/surveys/*.toml"))
TAGS = re.compile(r"<[^>]+>")


def plain(html: str) -> str:
    """The page's text with tags removed and white space collapsed."""
    return " ".join(TAGS.sub(" ", html).split())


def minimal(**extra):
    data = {"slug": "proef", "title": "Proef", "municipality": "Proefdorp", "intro": "Intro.", "purpose": "Doel.",
            "retention": "Een jaar.", "aspects": {"gewenst": "Hoe u wilt meedoen", "nu": "Nu"},
            "pages": [{"id": "p", "title": "Pagina", "questions": [{"id": "q", "type": "short_text", "label": "Vraag?"}]}]}
    data.update(extra)
    return data


# ------------------------------------------------------------------------------------------ the file format
def test_the_offer_is_read_with_its_aspects_and_compare():
    survey = survey_from_dict(minimal(offer={
        "rung": "raadplegen", "promise": {"nl": "We vragen uw mening.", "fy": "Wy freegje jo miening."},
        "compare": ["gewenst"], "aspects": {"gewenst": {"rung": "adviseren", "promise": "Uw advies telt."}}}))
    assert survey.offer.rung == "raadplegen"
    assert survey.offer.promise["fy"] == "Wy freegje jo miening."
    assert survey.offer.for_aspect("gewenst").rung == "adviseren"
    assert survey.offer.for_aspect("nu") is None  # not compared: it says how the resident takes part now
    assert survey.respondents == "residents"


def test_without_compare_every_aspect_is_compared_with_the_survey_offer():
    survey = survey_from_dict(minimal(offer={"rung": "raadplegen", "promise": "We vragen uw mening."}))
    assert survey.offer.for_aspect("nu").rung == survey.offer.for_aspect("gewenst").rung == "raadplegen"


@pytest.mark.parametrize("offer, key", [
    ({"rung": "raadplegen"}, "offer.promise"),
    ({"promise": "x"}, "offer.rung"),
    ({"rung": "raadplegen", "promise": "x", "belofte": "y"}, "offer.belofte"),
    ({"rung": "raadplegen", "promise": "x", "compare": ["later"]}, "offer.compare"),
    ({"rung": "raadplegen", "promise": "x", "aspects": {"later": {"rung": "adviseren", "promise": "y"}}},
     "offer.aspects.later"),
    ({"rung": "raadplegen", "promise": "x", "aspects": {"nu": {"rung": "adviseren"}}}, "offer.aspects.nu.promise"),
])
def test_a_wrong_offer_names_the_key(offer, key):
    with pytest.raises(SurveyFileError) as info:
        survey_from_dict(minimal(offer=offer))
    assert info.value.key == key


def test_respondents_must_be_residents_or_officials():
    assert survey_from_dict(minimal(respondents="officials")).respondents == "officials"
    with pytest.raises(SurveyFileError) as info:
        survey_from_dict(minimal(respondents="ambtenaren"))
    assert info.value.key == "respondents"


def test_an_offered_rung_not_on_the_ladder_keeps_the_survey_out(ladder_app):
    from ladder.plugins import check_survey
    from ladder.registry import registry as current_registry
    with ladder_app.app_context():
        registry = current_registry()
        wrong = survey_from_dict(minimal(offer={"rung": "inspraak", "promise": "x"}))
        reason = check_survey(wrong, registry)
        assert reason and "offer.rung" in reason and "inspraak" in reason
        right = survey_from_dict(minimal(offer={"rung": "raadplegen", "promise": "x"}))
        assert check_survey(right, registry) is None


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_residents_survey_declares_its_offer(path):
    survey = load_survey(path)
    if survey.respondents == "residents":
        assert survey.offer is not None, f"{path.name}: no [offer]"
    else:
        assert survey.result.placement, f"{path.name}: officials' survey without its own result wording"


# ------------------------------------------------------------------------------------------ start page
@pytest.mark.parametrize("slug, lead, promise", [
    ("molenwaard-dorpsoverleg", "De gemeente vraagt uw mening. Trede 2 van 6: Raadplegen.",
     "Zij hoeven niet alles over te nemen."),
    ("rotterdam-buurt-bestuurt", "U beslist mee, binnen grenzen die vooraf bekend zijn. Trede 5 van 6: Meebeslissen.",
     "Uw antwoorden helpen die groep kiezen."),
    ("sudwest-fryslan-belangen", "De gemeente maakt samen met u een plan. Trede 4 van 6: Coproduceren.",
     "Over kwaliteitsgeld beslist het team van coördinatoren."),
])
def test_the_start_page_states_the_offer_plainly(ladder_client, slug, lead, promise):
    text = plain(ladder_client.get(f"/s/{slug}").get_data(as_text=True))
    assert "Hoeveel inspraak krijgt u?" in text
    assert lead in text
    assert promise in text


def test_the_start_page_states_an_offer_per_aspect(ladder_client):
    text = plain(ladder_client.get("/s/zwijndrecht-dorpsraad-heerjansdam").get_data(as_text=True))
    budget, dorpszaken = text.index("Het leefbaarheidsbudget"), text.index("Zaken in het dorp")
    assert "De gemeente vraagt uw mening. Trede 2 van 6: Raadplegen." in text[budget:dorpszaken]
    assert "De gemeente vraagt uw advies. Trede 3 van 6: Adviseren." in text[dorpszaken:]


def test_the_kompas_start_page_offers_no_rung_to_the_official(ladder_client):
    text = plain(ladder_client.get("/s/rotterdam-participatiekompas").get_data(as_text=True))
    assert "Hoeveel inspraak krijgt u?" not in text


# ------------------------------------------------------------------------------------------ result page
def result_page(client, app, slug, answers, locale="nl"):
    """Store a response placed by the survey's own rung logic, then show its result page."""
    from ladder import db
    from ladder.codes import code_hash, new_code
    from ladder.models import Response
    from ladder.registry import registry
    with app.app_context():
        survey = registry().survey(slug)
        placements = [p.to_dict() for p in survey.place(answers)] if survey.place else []
        advice = [a.to_dict() for a in survey.advise(answers)] if survey.advise else []
        receipt = new_code()
        row = Response(survey_slug=slug, survey_version=survey.version, locale=locale, channel="form",
                       answers=answers, placements=placements, advice=advice, receipt_hash=code_hash(receipt))
        db.session().add(row)
        db.session().commit()
        rid = row.id
    with client.session_transaction() as session:
        session["result"] = {"slug": slug, "id": rid, "receipt": receipt, "until": int(__import__("time").time()) + 600}
    response = client.get(f"/s/{slug}/resultaat")
    assert response.status_code == 200
    return response.get_data(as_text=True)


PROMISES = ("uw plek", "in principe gevolgd", "Uw advies wordt")


@pytest.mark.parametrize("wish, sentence, compared", [
    ("ideeen", "U wilt meedenken: trede 3 van 6.", "U wilt meer inspraak dan de gemeente bij deze vragenlijst biedt."),
    ("op_de_hoogte", "U wilt op de hoogte blijven: trede 1 van 6.",
     "U wilt minder inspraak dan de gemeente bij deze vragenlijst biedt."),
    ("mening", "U wilt uw mening geven: trede 2 van 6.",
     "Dit is evenveel inspraak als de gemeente bij deze vragenlijst biedt."),
])
def test_the_result_says_what_the_resident_wants_apart_from_the_offer(ladder_app, ladder_client, wish, sentence,
                                                                     compared):
    html = result_page(ladder_client, ladder_app, "molenwaard-dorpsoverleg",
                       {"betrokken_nu": "mening", "betrokken_gewenst": wish})
    text = plain(html)
    assert sentence in text
    assert compared in text
    # the offer sits in its own block, after the resident's sentence
    offer = re.search(r'<div class="offer-compare">(.*?)</div>', html, re.S).group(1)
    assert "De gemeente vraagt uw mening." in plain(offer) and sentence not in plain(offer)
    # "huidig" is how the resident takes part now: stated, not compared with the offer
    assert "Raadplegen: trede 2 van 6." in text
    assert text.count("Wat de gemeente biedt") == 1
    for words in PROMISES:
        assert words not in text
    assert "Hoeveel inspraak inwoners krijgen." not in text  # the old opening fragment


def test_the_kompas_result_speaks_to_an_official_about_a_plan(ladder_app, ladder_client):
    answers = {"wet_sluit_uit": "nee", "alleen_uitvoering": "nee", "begroting": "nee", "doel": "kennis",
               "vastliggend": ["ontwerp"], "wie": ["omwonenden"], "impact": "klein"}
    html = result_page(ladder_client, ladder_app, "rotterdam-participatiekompas", answers)
    text = plain(html)
    assert "Advies voor uw plan" in text
    assert "Het kompas adviseert voor dit plan: Raadplegen, trede 2 van 6." in text
    for words in ("Waar plaatsen uw antwoorden u?", "U wilt", "uitkomsten van iedereen", "uitkomstenpagina",
                  "bekendmaakt", "Wat de gemeente biedt", *PROMISES):
        assert words not in text
    from ladder_rotterdam import kompas
    _rung, reasons = kompas.rung_and_reasons(answers)
    for reason in reasons:
        assert text.count(" ".join(reason.split())) == 1, f"reason shown more than once: {reason}"


@pytest.mark.parametrize("answers, shown, absent", [
    ({"plan_soort": "organisatie", "plan_kosten": 400}, ["Organisatiegeld"], ["Kwaliteitsgeld", "Projectengeld"]),
    ({"plan_soort": "leefbaarheid", "plan_draagvlak": "breed", "plan_beleid": "past", "plan_kosten": 5000},
     ["Kwaliteitsgeld"], ["Organisatiegeld", "Projectengeld"]),
    ({"plan_soort": "melding"}, ["Meldingsformulier"], ["Organisatiegeld", "Kwaliteitsgeld", "Projectengeld"]),
])
def test_sudwest_fryslan_advises_only_on_the_funds_asked_about(ladder_app, ladder_client, answers, shown, absent):
    text = plain(result_page(ladder_client, ladder_app, "sudwest-fryslan-belangen",
                             {"prioriteiten_hoe": "samen", "rol_gemeente": "samenwerken", **answers}))
    for title in shown:
        assert title in text
    for title in absent:
        assert title not in text
    assert "Voldoet (nog) niet aan de regels" not in text


def test_the_index_says_per_survey_how_much_say_it_gives(ladder_client):
    text = plain(ladder_client.get("/").get_data(as_text=True))
    molenwaard = text.index("Uw dorp, het dorpsoverleg en de dorpsagenda")
    assert "Inspraak: De gemeente vraagt uw mening. Trede 2 van 6." in text[molenwaard:molenwaard + 400]
    kompas = text.index("Participatiekompas")
    assert "Inspraak:" not in text[kompas:kompas + 200]  # for officials: no offer


def test_the_api_gives_the_offer_with_the_survey(ladder_client):
    body = ladder_client.get("/api/v1/surveys/zwijndrecht-dorpsraad-heerjansdam").get_json()
    assert body["respondents"] == "residents"
    assert body["offer"]["rung"] == "raadplegen" and body["offer"]["compare"] is None
    assert body["offer"]["aspects"]["dorpszaken"]["rung"] == "adviseren"
    assert "advies" in body["offer"]["aspects"]["dorpszaken"]["promise"]["nl"]
    kompas = ladder_client.get("/api/v1/surveys/rotterdam-participatiekompas").get_json()
    assert kompas["respondents"] == "officials" and kompas["offer"] is None
