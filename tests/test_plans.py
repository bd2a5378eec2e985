"""Issue 20: plans as data that staff of their own municipality create and edit, the offer residents see taken
from a survey's plan, the public register with its open data, the motivation text and the evaluation of offered
versus wanted rung across plans."""
from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select

from conftest import make_app
from ladder import db
from ladder.models import AuditEntry, Plan, PlanOffer, PlanSurvey, Response
from test_resident import token
from report_back_seed import set_status
from test_staff import signed_in

MINE, OTHER = "testdorp-inspraak", "anderdorp-inspraak"
SCHEMAS = Path(__file__).resolve().parents[1] / "ladder" / "static" / "schemas"
TAGS = re.compile(r"<[^>]+>")


def plain(html: bytes | str) -> str:
    html = html.decode() if isinstance(html, bytes) else html
    return " ".join(TAGS.sub(" ", html).replace("\u00ad", "").split())  # soft hyphens in long words


def plan_data(**changes):
    data = {
        "kind": "project", "title": "Herinrichting Dorpsstraat", "phase": "voorbereiding", "decider": "college",
        "summary": "De Dorpsstraat krijgt nieuwe riolering. Daarna richten we de straat opnieuw in.",
        "areas": "Testdorp\r\nProefwijk",
        "offers-0-aspect": "Het hele plan", "offers-0-rung": "adviseren",
        "offers-0-promise": "We volgen uw advies, tenzij we uitleggen waarom niet.",
        "offers-0-motivation": "Bewoners kennen de straat het best.",
        "offers-0-why_not_higher": "De raad beslist over het geld.",
        "offers-1-aspect": "Wat u wilt", "offers-1-rung": "coproduceren",
        "offers-1-motivation": "Het ontwerp maken we samen.", "offers-1-why_not_higher": "Veiligheid gaat voor.",
        "involved": "Bewoners en ondernemers van de Dorpsstraat", "role_municipality": "Opdrachtgever",
        "how_to_take_part": "Vul de vragenlijst in of kom naar de avond in het dorpshuis.",
        "starts_on": "2026-01-01", "ends_on": "2099-12-31", "published": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def create(client, **changes):
    page = client.get("/beheer/plannen/nieuw")
    assert page.status_code == 200
    return client.post("/beheer/plannen/nieuw", data={"csrf_token": token(page.data), **plan_data(**changes)})


def plan_ids(app):
    with app.app_context():
        return list(db.session().scalars(select(Plan.id).order_by(Plan.id)))


@pytest.fixture
def editor(app):
    return signed_in(app, "editor")


# ------------------------------------------------------------------------------------------ staff: create, edit
def test_an_editor_creates_a_plan_with_its_offers_kennisgeving_and_survey(app, editor):
    response = create(editor, surveys=MINE)
    assert response.status_code == 302, plain(response.data)
    [plan_id] = plan_ids(app)
    assert response.headers["Location"].endswith(f"/beheer/plannen/{plan_id}")
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        assert (plan.municipality, plan.kind, plan.phase, plan.decider) == ("Testgemeente", "project",
                                                                            "voorbereiding", "college")
        assert plan.areas == ["Testdorp", "Proefwijk"]
        assert plan.involved == "Bewoners en ondernemers van de Dorpsstraat" and plan.published is True
        offers = [(o.position, o.aspect, o.rung) for o in s.scalars(select(PlanOffer).order_by(PlanOffer.position))]
        assert offers == [(0, "Het hele plan", "adviseren"), (1, "Wat u wilt", "coproduceren")]
        assert s.scalar(select(PlanSurvey.plan_id).where(PlanSurvey.survey_slug == MINE)) == plan_id
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "plan-add"))
        assert entry.user_email == "editor-testgemeente@example.org" and entry.municipality == "Testgemeente"


def test_editing_changes_the_plan_and_the_audit_log_names_what_changed(app, editor):
    create(editor, published=None)
    [plan_id] = plan_ids(app)
    page = editor.get(f"/beheer/plannen/{plan_id}/bewerken")
    assert page.status_code == 200
    assert 'value="Herinrichting Dorpsstraat"' in page.get_data(as_text=True)
    done = editor.post(f"/beheer/plannen/{plan_id}/bewerken",
                       data={"csrf_token": token(page.data), **plan_data(phase="besluit", published="y")})
    assert done.status_code == 302
    with app.app_context():
        s = db.session()
        assert s.get(Plan, plan_id).phase == "besluit"
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "plan-publish"))
        assert entry.detail == f"plan {plan_id}: Herinrichting Dorpsstraat (phase, published)"


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Geef het plan een naam."),
    ({"offers-0-aspect": "", "offers-0-rung": "", "offers-0-promise": "", "offers-0-motivation": "",
      "offers-0-why_not_higher": "", "offers-1-aspect": "", "offers-1-rung": "", "offers-1-motivation": "",
      "offers-1-why_not_higher": ""}, "Kies ten minste één trede"),
    ({"offers-0-motivation": ""}, "Schrijf bij elke trede waarom de gemeente die kiest."),
    ({"offers-0-why_not_higher": ""}, "Schrijf bij elke trede waarom inwoners niet meer inspraak krijgen."),
    ({"offers-0-rung": "inspraak"}, "Kies bij elk onderdeel een trede."),
    ({"phase": "morgen"}, "Kies de fase van het plan."),
    ({"ends_on": "2025-01-01"}, "Kies een einddatum na de begindatum."),
    ({"starts_on": "1 januari"}, "Schrijf de datum als 2026-12-31."),
])
def test_bad_input_gets_a_clear_message_and_changes_nothing(app, editor, changes, message):
    response = create(editor, **changes)
    assert response.status_code == 422
    assert message in plain(response.data)
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert plan_ids(app) == []


def test_a_plan_form_without_its_csrf_token_is_refused(app, editor):
    response = editor.post("/beheer/plannen/nieuw", data=plan_data())
    assert response.status_code == 400
    assert plan_ids(app) == []


def test_an_analyst_reads_plans_but_cannot_change_them(app, editor):
    create(editor)
    [plan_id] = plan_ids(app)
    analyst = signed_in(app, "analyst")
    assert analyst.get(f"/beheer/plannen/{plan_id}").status_code == 200
    assert analyst.get("/beheer/plannen/nieuw").status_code == 403
    assert analyst.get(f"/beheer/plannen/{plan_id}/bewerken").status_code == 403


def test_another_municipalitys_editor_can_neither_see_nor_change_the_plan(app, editor):
    create(editor, title="Alleen van Testgemeente", published=None)
    [plan_id] = plan_ids(app)
    other = signed_in(app, "editor", "Andergemeente")
    assert "Alleen van Testgemeente" not in other.get("/beheer/plannen/").get_data(as_text=True)
    assert other.get(f"/beheer/plannen/{plan_id}").status_code == 404
    assert other.get(f"/beheer/plannen/{plan_id}/bewerken").status_code == 404
    page = other.get("/beheer/plannen/nieuw")
    refused = other.post(f"/beheer/plannen/{plan_id}/bewerken",
                         data={"csrf_token": token(page.data), **plan_data(title="Overgenomen")})
    assert refused.status_code == 404
    with app.app_context():
        assert db.session().get(Plan, plan_id).title == "Alleen van Testgemeente"
    # Its own plan cannot take a survey of Testgemeente either.
    taken = other.post("/beheer/plannen/nieuw", data={"csrf_token": token(page.data), **plan_data(surveys=MINE)})
    assert taken.status_code == 422
    assert "Kies alleen vragenlijsten van uw eigen gemeente." in plain(taken.data)
    assert plan_ids(app) == [plan_id]


def test_a_survey_belongs_to_one_plan_at_most(app, editor):
    create(editor, surveys=MINE)
    second = create(editor, title="Tweede plan", surveys=MINE)
    assert second.status_code == 422
    assert f"Deze vragenlijst hoort al bij een ander plan: {MINE}." in plain(second.data)
    assert len(plan_ids(app)) == 1


def test_a_bestuurscommissie_plan_about_the_budget_gets_a_warning(app, editor):
    done = create(editor, decider="bestuurscommissie", title="De begroting van het dorp")
    assert done.status_code == 302
    page = plain(editor.get(done.headers["Location"]).data)
    assert "een bestuurscommissie mag niet beslissen over de begroting vaststellen of wijzigen" in page
    calm = create(editor, decider="college", title="De begroting van de wijk")
    assert "bestuurscommissie mag niet" not in plain(editor.get(calm.headers["Location"]).data)


# ---------------------------------------------------------------------------------- the offer residents see
def test_a_survey_in_a_plan_shows_the_plans_rung_and_every_server_sees_a_change_at_once(app, editor, tmp_path):
    before = plain(app.test_client().get(f"/s/{MINE}").data)
    assert "Hoeveel inspraak krijgt u?" not in before  # the test survey's file has no [offer]
    create(editor, surveys=MINE)
    # A second app on the same database: another server, or another worker.
    other_server = make_app(app.config["DATABASE_URL"], tmp_path / "second").test_client()
    for client in (app.test_client(), other_server):
        page = plain(client.get(f"/s/{MINE}").data)
        assert "Hoeveel inspraak krijgt u? De gemeente vraagt uw advies. Trede 3 van 6: Adviseren." in page
        assert "We volgen uw advies, tenzij we uitleggen waarom niet." in page
        # "Wat u wilt" is the Dutch label of the survey's aspect gewenst: it gets the plan's offer on that aspect.
        assert "Wat u wilt De gemeente maakt samen met u een plan. Trede 4 van 6: Coproduceren." in page
    [plan_id] = plan_ids(app)
    page = editor.get(f"/beheer/plannen/{plan_id}/bewerken")
    editor.post(f"/beheer/plannen/{plan_id}/bewerken", data={"csrf_token": token(page.data), **plan_data()})
    assert "Hoeveel inspraak krijgt u?" not in plain(other_server.get(f"/s/{MINE}").data)  # unlinked: the file's


def test_the_api_and_the_start_page_point_to_the_plan(app, editor):
    create(editor, surveys=MINE, published=None)
    client = app.test_client()
    offer = client.get(f"/api/v1/surveys/{MINE}").get_json()["offer"]
    assert offer == {"rung": "adviseren", "promise": {"nl": "We volgen uw advies, tenzij we uitleggen waarom niet."},
                     "compare": None, "aspects": {"gewenst": {"rung": "coproduceren",
                                                              "promise": {"nl": "Het ontwerp maken we samen."}}}}
    assert "/plannen/" not in client.get(f"/s/{MINE}").get_data(as_text=True)  # not published: no link
    [plan_id] = plan_ids(app)
    page = editor.get(f"/beheer/plannen/{plan_id}/bewerken")
    editor.post(f"/beheer/plannen/{plan_id}/bewerken", data={"csrf_token": token(page.data), **plan_data(surveys=MINE)})
    assert f'href="/plannen/{plan_id}"' in client.get(f"/s/{MINE}").get_data(as_text=True)


def test_a_plugin_surveys_file_offer_stays_when_it_has_no_plan(app):
    from ladder.plans import offer_for
    from ladder.registry import registry
    with app.test_request_context():
        for survey in registry().surveys.values():
            assert offer_for(db.session(), survey) is survey.offer


# ------------------------------------------------------------------------------------------- the register
def test_the_register_lists_published_plans_with_their_rung_and_filters_them(app, editor):
    create(editor, surveys=MINE)
    create(editor, title="Speeltuin Proefwijk", areas="Proefwijk", phase="uitvoering",
           **{"offers-0-rung": "zelfbeheer", "offers-0-why_not_higher": "", "offers-1-aspect": "",
              "offers-1-rung": "", "offers-1-motivation": "", "offers-1-why_not_higher": ""})
    create(editor, title="Nog geheim", published=None)
    client = app.test_client()
    page = plain(client.get("/plannen").data)
    assert "2 van de 2 plannen." in page and "Nog geheim" not in page
    assert "Het hele plan : De gemeente vraagt uw advies. Trede 3 van 6." in page
    assert "Speeltuin Proefwijk" in page
    by_rung = plain(client.get("/plannen?trede=zelfbeheer").data)
    assert "1 van de 2 plannen." in by_rung and "Herinrichting Dorpsstraat" not in by_rung
    by_area = plain(client.get("/plannen?gebied=Testdorp").data)
    assert "1 van de 2 plannen." in by_area and "Speeltuin Proefwijk" not in by_area
    by_phase = plain(client.get("/plannen?fase=uitvoering").data)
    assert "1 van de 2 plannen." in by_phase and "Speeltuin Proefwijk" in by_phase
    open_now = plain(client.get("/plannen?open=ja").data)
    assert "1 van de 2 plannen." in open_now and "Herinrichting Dorpsstraat" in open_now
    nonsense = client.get("/plannen?fase=<script>&trede=x&gebied=y")
    assert nonsense.status_code == 200 and "2 van de 2 plannen." in plain(nonsense.data)


def test_a_plan_page_shows_its_rungs_with_reasons_and_how_to_take_part(app, editor):
    create(editor, surveys=MINE)
    [plan_id] = plan_ids(app)
    page = plain(app.test_client().get(f"/plannen/{plan_id}").data)
    assert "Waarom deze trede? Bewoners kennen de straat het best." in page
    assert "Waarom niet meer inspraak? De raad beslist over het geld." in page
    assert "Inspraak in Testdorp : vul de vragenlijst in" in page
    assert "Wie doen er mee? Bewoners en ondernemers van de Dorpsstraat" in page


def test_an_unpublished_plan_is_not_in_the_register(app, editor):
    create(editor, published=None)
    [plan_id] = plan_ids(app)
    assert app.test_client().get(f"/plannen/{plan_id}").status_code == 404
    assert app.test_client().get("/plannen/plannen.json").status_code == 404
    assert app.test_client().get("/plannen.json").get_json()["plans"] == []


def test_the_open_data_validates_against_its_published_schemas(app, editor):
    create(editor, surveys=MINE)
    create(editor, title="Zonder datums", starts_on="", ends_on="", areas="")
    client = app.test_client()
    schema = client.get("/plannen/schema-v1.json").get_json()
    assert schema == json.loads((SCHEMAS / "plannen-v1.json").read_text())
    document = client.get("/plannen.json").get_json()
    jsonschema.validate(document, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [p["title"] for p in document["plans"]] == ["Herinrichting Dorpsstraat", "Zonder datums"]
    assert document["plans"][0]["offers"][0] == {
        "aspect": "Het hele plan", "rung": "adviseren", "rung_level": 3,
        "promise": "We volgen uw advies, tenzij we uitleggen waarom niet.",
        "motivation": "Bewoners kennen de straat het best.", "why_not_higher": "De raad beslist over het geld."}
    row_schema = client.get("/plannen/schema-csv-v1.json").get_json()
    text = client.get("/plannen.csv").get_data(as_text=True)
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == row_schema["required"]
    rows = list(reader)
    assert len(rows) == 4  # two plans, two aspects each
    for row in rows:
        jsonschema.validate(row, row_schema)
    assert rows[0]["areas"] == "Testdorp; Proefwijk" and rows[0]["surveys"] == MINE
    # The schemas themselves are valid JSON Schema.
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator.check_schema(row_schema)


def test_a_broken_document_fails_the_schema():
    schema = json.loads((SCHEMAS / "plannen-v1.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": "1", "plans": [{"id": 1}]}, schema)


# ------------------------------------------------------------------------------------------ the evaluation
def _seed_response(s, slug, year, wanted, now="raadplegen", n=1):
    for i in range(n):
        s.add(Response(survey_slug=slug, survey_version="x", area="testdorp", channel="form", answers={},
                       placements=[{"aspect": "huidig", "rung": now, "reasons": []},
                                   {"aspect": "gewenst", "rung": wanted, "reasons": []}],
                       receipt_hash=f"{slug}-{year}-{wanted}-{now}-{i}-{s.new.__len__()}",
                       created_at=datetime(year, 3, 1, tzinfo=timezone.utc)))


def test_offered_versus_wanted_is_counted_per_year_plan_and_aspect(app, editor, monkeypatch):
    """Seeded data for two years, the expected counts written out by hand."""
    create(editor, surveys=MINE)  # whole plan: adviseren (3); "Wat u wilt" = gewenst: coproduceren (4)
    with app.app_context():
        s = db.session()
        # 2025: gewenst 5 meebeslissen (more), 3 coproduceren (same), 2 informeren (less); huidig all raadplegen
        _seed_response(s, MINE, 2025, "meebeslissen", n=5)
        _seed_response(s, MINE, 2025, "coproduceren", n=3)
        _seed_response(s, MINE, 2025, "informeren", n=2)
        # 2026: gewenst 1 zelfbeheer (more), 6 adviseren (less); huidig adviseren (same as the plan's 3)
        _seed_response(s, MINE, 2026, "zelfbeheer", now="adviseren", n=1)
        _seed_response(s, MINE, 2026, "adviseren", now="adviseren", n=6)
        _seed_response(s, OTHER, 2026, "zelfbeheer", n=4)  # a survey without a plan: not counted
        s.commit()
        from ladder.analysis.plan_evaluation import evaluation, protect
        from ladder.registry import registry
        frame = evaluation(app.config["DATABASE_URL"], registry())
    got = frame[["year", "aspect", "offered_rung", "answered", "more", "same", "less"]].values.tolist()
    assert got == [
        [2025, "gewenst", "coproduceren", 10, 5, 3, 2],
        [2025, "huidig", "adviseren", 10, 0, 0, 10],
        [2026, "gewenst", "coproduceren", 7, 1, 0, 6],
        [2026, "huidig", "adviseren", 7, 0, 7, 0],
    ]
    # The database counts (json_each / json_array_elements); Python counting gives the same frame.
    import ladder.analysis.plan_evaluation as plan_evaluation
    monkeypatch.setattr(plan_evaluation, "_COUNTS", {})
    with app.app_context():
        assert plan_evaluation.evaluation(app.config["DATABASE_URL"], registry()).equals(frame)
    first = frame.iloc[0]
    assert first["share_more"] == pytest.approx(0.5)
    assert (first["more_low"], first["more_high"]) == pytest.approx((0.2366, 0.7634), abs=1e-4)  # Wilson, n=10
    shown = protect(frame, 5)
    # 2025 gewenst: 3 and 2 are under 5, so all three counts are hidden; the total stays
    assert shown.iloc[0]["answered"] == 10 and shown.iloc[0][["more", "same", "less"]].isna().all()
    assert shown.iloc[1][["more", "same", "less"]].tolist() == [0, 0, 10]
    assert shown.iloc[2][["more", "same", "less", "share_more"]].isna().all()  # the single "more"


def test_staff_download_the_evaluation_only_for_their_municipality(app, editor):
    create(editor, surveys=MINE)
    with app.app_context():
        s = db.session()
        _seed_response(s, MINE, 2026, "meebeslissen", n=6)
        s.commit()
    download = editor.get("/beheer/plannen/evaluatie.csv")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert [(r["plan"], r["aspect"], r["answered"], r["more"]) for r in rows] == [
        ("Herinrichting Dorpsstraat", "gewenst", "6", "6"), ("Herinrichting Dorpsstraat", "huidig", "6", "0")]
    other = signed_in(app, "analyst", "Andergemeente")
    assert list(csv.DictReader(io.StringIO(other.get("/beheer/plannen/evaluatie.csv").get_data(as_text=True)))) == []
    public = plain(app.test_client().get("/plannen/evaluatie").data)
    assert "Herinrichting Dorpsstraat" not in public  # the survey's results are not published yet
    publish_results(app, editor)
    published = app.test_client().get(f"/r/{MINE}.json").get_json()
    offer = next(t for t in published["tables"] if t["id"] == "offer:gewenst")["total"]["cells"]
    public = plain(app.test_client().get("/plannen/evaluatie").data)
    assert "Herinrichting Dorpsstraat" in public
    # the public evaluation shows /r/'s numbers: the perturbed count of "more", never the exact 6
    whole = next(t for t in published["tables"] if t["id"] == "ladder:gewenst")["total"]["cells"]["count"]
    assert f"{round(100 * offer['higher'] / whole)}% (" in public


def publish_results(app, editor):
    """Close the survey and publish its results through the staff page (a publication moment)."""
    set_status(app, MINE, "closed")
    page = editor.get(f"/beheer/s/{MINE}/uitkomsten")
    assert editor.post(f"/beheer/s/{MINE}/uitkomsten", data={
        "csrf_token": token(page.data), "results_text": "Dank voor het meedoen.", "next_rung": "raadplegen"}
    ).status_code == 302


def test_the_motivation_text_says_what_was_asked_who_took_part_what_came_out_and_what_was_done(app, editor):
    create(editor, surveys=MINE, outcome="We leggen een wadi aan en planten bomen.", decision_on="2026-06-30")
    [plan_id] = plan_ids(app)
    with app.app_context():
        s = db.session()
        _seed_response(s, MINE, 2026, "coproduceren", n=3)
        s.commit()
    page = editor.get(f"/beheer/plannen/{plan_id}").get_data(as_text=True)
    text = re.search(r'<textarea[^>]*id="motivation-text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert text.split("\n\n") == [
        "Wat is gevraagd. Bij het project ‘Herinrichting Dorpsstraat’ heeft de gemeente inwoners gevraagd mee te "
        "doen. De Dorpsstraat krijgt nieuwe riolering. Daarna richten we de straat opnieuw in. Voor ‘Het hele plan’ "
        "bood de gemeente adviseren (trede 3 van 6): Bewoners kennen de straat het best. Niet hoger, omdat: De raad "
        "beslist over het geld. Voor ‘Wat u wilt’ bood de gemeente coproduceren (trede 4 van 6): Het ontwerp maken "
        "we samen. Niet hoger, omdat: Veiligheid gaat voor.",
        "Wie deden mee. Betrokken waren: Bewoners en ondernemers van de Dorpsstraat De vragenlijst ‘Inspraak in "
        "Testdorp’: de uitkomsten zijn nog niet gepubliceerd. Meedoen kon van 1 januari 2026 tot en met 31 december "
        "2099.",
        "Wat is ermee gedaan. We leggen een wadi aan en planten bomen.",
        "Het college van burgemeester en wethouders besluit naar verwachting op 30 juni 2026.",
    ]
    # once published, the text for the council says the number residents read on /r/, not the exact 3
    publish_results(app, editor)
    responses = app.test_client().get(f"/r/{MINE}.json").get_json()["responses"]
    page = editor.get(f"/beheer/plannen/{plan_id}").get_data(as_text=True)
    text = re.search(r'<textarea[^>]*id="motivation-text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert (f"Testdorp’ werd ingevuld door {responses} mensen." if responses is not None
            else "Testdorp’ is ingevuld; het aantal antwoorden maken we niet bekend.") in text


def test_a_total_the_public_page_hides_is_hidden_in_the_motivation_text_too(app, editor, monkeypatch):
    """The survey's seed decides the noise, and with it whether the audit must hide the total: here it is hidden."""
    import dataclasses

    from ladder.publication import store
    create(editor, surveys=MINE, outcome="We leggen een wadi aan.")
    [plan_id] = plan_ids(app)
    with app.app_context():
        s = db.session()
        _seed_response(s, MINE, 2026, "coproduceren", n=3)
        s.commit()
    publish_results(app, editor)
    latest = store.latest
    monkeypatch.setattr(store, "latest", lambda survey: dataclasses.replace(latest(survey), responses=None))
    assert app.test_client().get(f"/r/{MINE}.json").get_json()["responses"] is None
    page = editor.get(f"/beheer/plannen/{plan_id}").get_data(as_text=True)
    text = html.unescape(re.search(r'<textarea[^>]*id="motivation-text"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    assert "Testdorp’ is ingevuld; het aantal antwoorden maken we niet bekend." in text
    assert "nog niet gepubliceerd" not in text and "None" not in text


# ------------------------------------------------------------------------------------- bundled example plans
BUNDLED_PLANS = {
    "Dorpsoverleg en initiatieffonds": "molenwaard-dorpsoverleg",
    "Prioriteiten met de dorps-, wijk- en stadsbelangen": "sudwest-fryslan-belangen",
    "Buurt Bestuurt": "rotterdam-buurt-bestuurt",
    "Rollen van de dorps- en wijkraden": "haarlemmermeer-rollen-dorps-en-wijkraden",
    "Leefbaarheidsbudget Heerjansdam": "zwijndrecht-dorpsraad-heerjansdam",
}


def test_the_bundled_example_plans_load_once_each_with_its_survey_and_the_register_lists_them(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["plans", "load"])
    assert first.exit_code == 0, first.output
    assert "5 plans added from example_plans.toml" in first.output
    again = runner.invoke(args=["plans", "load"])
    assert "0 plans added" in again.output and "'Buurt Bestuurt' is there already" in again.output
    document = app.test_client().get("/plannen.json").get_json()
    assert {p["title"]: [s["slug"] for s in p["surveys"]] for p in document["plans"]} == {
        title: [slug] for title, slug in BUNDLED_PLANS.items()}
    jsonschema.validate(document, json.loads((SCHEMAS / "plannen-v1.json").read_text()))
    page = plain(app.test_client().get("/plannen").data)
    assert all(title in page for title in BUNDLED_PLANS)
    # Heerjansdam's own budget: the aspect "Het leefbaarheidsbudget" is the survey's aspect "budget"
    start = plain(app.test_client().get("/s/zwijndrecht-dorpsraad-heerjansdam").data)
    assert "De dorpsraad vraagt uw mening over het leefbaarheidsbudget. Daarna kiest de dorpsraad." in start


@pytest.mark.parametrize("text, message", [
    ("[[plans]]\nmunicipality = 'X'\n", "plans[1].title: must be a text"),
    ("[[plans]]\nmunicipality = 'X'\ntitle = 'T'\nsummary = 'S'\nkind = 'project'\nphase = 'idee'\n"
     "decider = 'raad'\n[[plans.offers]]\naspect = 'A'\nrung = 'inspraak'\nmotivation = 'M'\n",
     "plans[1].offers[1].rung: the ladder 'participatieladder' has no rung 'inspraak'"),
    ("[[plans]]\nkleur = 'rood'\n", "plans[1]: unknown key 'kleur'"),
])
def test_a_wrong_plans_file_is_refused_with_the_key_and_nothing_is_added(app, tmp_path, text, message):
    path = tmp_path / "plannen.toml"
    path.write_text(text)
    result = app.test_cli_runner().invoke(args=["plans", "load", str(path)])
    assert result.exit_code == 1 and message in result.output
    assert plan_ids(app) == []


def test_ladder_lint_warns_about_a_bestuurscommissie_plan_on_the_budget(app, editor):
    create(editor, decider="bestuurscommissie", title="Belastingen in de wijk")
    result = app.test_cli_runner().invoke(args=["lint"])
    assert "(Belastingen in de wijk): warning: a bestuurscommissie decides it, but it seems to touch belastingen " \
           "heffen (Gemeentewet art. 156 lid 2) [bestuurscommissie]" in result.output


# -------------------------------------------------------------------------- the participatiekompas's advice
def _kompas_answer(app, rung="coproduceren", code="ABCD-EFGH-JKLM"):
    from ladder.codes import code_hash
    with app.app_context():
        s = db.session()
        s.add(Response(survey_slug="rotterdam-participatiekompas", survey_version="x", channel="form", answers={},
                       placements=[{"aspect": "advies", "rung": rung, "reasons": []}], receipt_hash=code_hash(code)))
        s.commit()
    return code


def test_the_participatiekompas_fills_the_plans_offer_and_another_rung_needs_a_reason(app):
    code = _kompas_answer(app)
    official = signed_in(app, "editor", "Rotterdam")
    taken = create(official, compass_code=code, **{"offers-0-rung": ""})  # leave the rung to the compass
    assert taken.status_code == 302, plain(taken.data)
    with app.app_context():
        plan = db.session().scalar(select(Plan))
        assert (plan.compass_rung, plan.compass_reason) == ("coproduceren", None)
        assert db.session().scalar(select(PlanOffer.rung).where(PlanOffer.position == 0)) == "coproduceren"
    changed = create(official, title="Tweede plan", compass_code=code)  # offers adviseren: a reason is needed
    assert changed.status_code == 422
    assert "Het kompas adviseert coproduceren. Schrijf waarom u een andere trede kiest." in plain(changed.data)
    done = create(official, title="Tweede plan", compass_code=code, compass_reason="Het budget ligt vast.")
    assert done.status_code == 302
    page = plain(official.get(done.headers["Location"]).data)
    assert "Het participatiekompas adviseerde: Coproduceren (trede 4 van 6). Waarom een andere trede: " \
           "Het budget ligt vast." in page
    assert "Het participatiekompas adviseerde coproduceren. De gemeente koos een andere trede, omdat: " \
           "Het budget ligt vast." in page


def test_a_compass_code_of_another_municipality_or_unknown_is_refused(app):
    code = _kompas_answer(app)
    editor = signed_in(app, "editor")  # Testgemeente: the Rotterdam compass is not theirs
    for tried in (code, "ZZZZ-ZZZZ-ZZZZ"):
        refused = create(editor, compass_code=tried)
        assert refused.status_code == 422
        assert "Geen advies van het participatiekompas gevonden bij deze ontvangstcode." in plain(refused.data)
    assert plan_ids(app) == []
