"""The resident's path over HTTP, with CSRF on: pages, validation, back, resume, submit, withdraw."""
import re

from sqlalchemy import func, select

from ladder import db
from ladder.models import Draft, Response

SLUG = "testdorp-inspraak"


def token(html: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()


def start(client):
    page = client.get(f"/s/{SLUG}")
    assert page.status_code == 200
    response = client.post(f"/s/{SLUG}", data={"csrf_token": token(page.data), "action": "start"})
    assert response.status_code == 302
    return response.headers["Location"]


def post_page(client, url, data, action="volgende"):
    page = client.get(url)
    return client.post(url, data={"csrf_token": token(page.data), "action": action, **data})


def count(app, model):
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def test_index_groups_open_surveys_by_municipality(client):
    html = client.get("/").get_data(as_text=True)
    assert "Gemeente Testgemeente" in html
    assert f'href="/s/{SLUG}"' in html


def test_start_page_says_who_asks_why_how_long_and_privacy(client):
    html = client.get(f"/s/{SLUG}").get_data(as_text=True)
    for text in ("Gemeente Testgemeente", "Het duurt ongeveer 4 minuten", "Om te testen of antwoorden goed worden opgeslagen",
                 "slaan uw IP-adres niet op", "Tot het einde van de test", "ontvangstcode"):
        assert text in html


def test_whole_survey_through_the_form_gives_the_same_placement_as_the_api(app, client):
    url = start(client)
    assert url.endswith("/vraag/over-u")
    html = client.get(url).get_data(as_text=True)
    assert "stap 1 van 4" in html
    r = post_page(client, url, {"woonplaats": "testdorp", "betrokken": "soms"})
    assert r.headers["Location"].endswith("/vraag/inspraak")
    r = post_page(client, r.headers["Location"], {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen"]})
    assert r.headers["Location"].endswith("/vraag/initiatief")
    r = post_page(client, r.headers["Location"], {"kosten": "4.500", "prioriteiten": ["2", "", "1"]})
    r = post_page(client, r.headers["Location"], {"opmerking": ""})
    assert r.headers["Location"].endswith("/controleren")
    check = client.get(r.headers["Location"])
    assert "1. Een AED, 2. Bankjes" in check.get_data(as_text=True)
    done = client.post(r.headers["Location"], data={"csrf_token": token(check.data)})
    assert done.status_code == 302
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Raadplegen" in result and "Coproduceren" in result and "uw antwoord" in result
    assert re.search(r'class="code">[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}<', result)
    assert count(app, Draft) == 0  # the draft goes in the same transaction as the response
    with app.app_context():
        form_response = db.session().scalars(select(Response)).one()
        assert form_response.channel == "form"
    api = client.post(f"/api/v1/surveys/{SLUG}/responses", json={"answers": form_response.answers}).get_json()
    assert api["placements"] == form_response.placements


def test_invalid_page_shows_error_summary_linking_to_fields_and_stores_nothing(app, client):
    url = start(client)
    r = post_page(client, url, {"woonplaats": "", "betrokken": ""})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "<title>Fout:" in html
    assert 'href="#q-woonplaats"' in html and 'id="q-woonplaats"' in html
    assert 'href="#q-betrokken"' in html and 'id="q-betrokken"' in html
    assert 'aria-describedby="q-betrokken-hint q-betrokken-error"' in html
    assert count(app, Response) == 0


def test_kept_input_is_shown_again_after_an_error(client):
    url = start(client)
    post_page(client, url, {"woonplaats": "proefwijk", "betrokken": "vaak"})
    inspraak = f"/s/{SLUG}/vraag/inspraak"
    r = post_page(client, inspraak, {"huidig": "adviseren", "gewenst": "9", "thema": ["groen", "spelen"]})
    html = r.get_data(as_text=True)
    assert "Kies een getal van 1 tot en met 6." in html
    assert re.search(r'value="adviseren"\s+checked', html)
    assert re.search(r'value="spelen"\s+checked', html)


def test_back_keeps_answers_and_skipped_pages_are_skipped(client):
    url = start(client)
    post_page(client, url, {"woonplaats": "testdorp", "betrokken": "nooit"})
    inspraak = f"/s/{SLUG}/vraag/inspraak"
    r = post_page(client, inspraak, {"huidig": "informeren", "gewenst": "2", "thema": ["verkeer"]})
    assert r.headers["Location"].endswith("/vraag/afsluiting")  # 'initiatief' is skipped for 'nooit'
    back = post_page(client, f"/s/{SLUG}/vraag/afsluiting", {"opmerking": "tot ziens"}, action="vorige")
    assert back.headers["Location"].endswith("/vraag/inspraak")
    html = client.get(inspraak).get_data(as_text=True)
    assert re.search(r'value="informeren"\s+checked', html)
    assert "stap 2 van 3" in html
    assert client.get(f"/s/{SLUG}/vraag/initiatief").headers["Location"].endswith("/vraag/afsluiting")
    assert 'value="tot ziens"' in client.get(f"/s/{SLUG}/vraag/afsluiting").get_data(as_text=True)


def test_save_and_resume_on_another_device(app):
    first = app.test_client()
    url = start(first)
    saved = post_page(first, url, {"woonplaats": "proefwijk", "betrokken": "soms"}, action="opslaan")
    saved = first.get(saved.headers["Location"])  # post/redirect/get: the saved page is a GET
    code = re.search(r'class="code">([A-Z0-9-]+)<', saved.get_data(as_text=True)).group(1)
    other = app.test_client()
    page = other.get(f"/s/{SLUG}/hervatten")
    wrong = other.post(f"/s/{SLUG}/hervatten", data={"csrf_token": token(page.data), "code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 422
    assert "hervatcode kennen we niet" in wrong.get_data(as_text=True)
    ok = other.post(f"/s/{SLUG}/hervatten", data={"csrf_token": token(page.data), "code": code.lower().replace("-", " ")})
    assert ok.headers["Location"].endswith("/vraag/over-u")
    assert re.search(r'value="proefwijk"\s+checked', other.get(ok.headers["Location"]).get_data(as_text=True))  # 2 areas: radios


def test_form_without_csrf_token_is_refused(app, client):
    url = start(client)
    r = client.post(url, data={"woonplaats": "testdorp", "betrokken": "soms", "action": "volgende"})
    assert r.status_code == 400
    assert "Uw sessie is verlopen" in r.get_data(as_text=True)


def test_withdraw_with_receipt_removes_the_answers(app, client):
    created = client.post(f"/api/v1/surveys/{SLUG}/responses", json={"answers": {
        "woonplaats": "testdorp", "betrokken": "nooit", "huidig": "raadplegen", "gewenst": 1, "thema": ["groen"]}})
    receipt = created.get_json()["receipt"]
    page = client.get("/intrekken")
    wrong = client.post("/intrekken", data={"csrf_token": token(page.data), "code": "XXXX-XXXX-XXXX"})
    assert wrong.status_code == 422
    confirm = client.post("/intrekken", data={"csrf_token": token(page.data), "code": receipt}, follow_redirects=True)
    assert "Ja, trek mijn antwoorden in" in confirm.get_data(as_text=True)
    done = client.post("/intrekken/bevestigen", data={"csrf_token": token(page.data), "bevestig": "ja"},
                       follow_redirects=True)
    assert "zijn ingetrokken" in done.get_data(as_text=True)
    with app.app_context():
        # the row is erased (area, day, receipt hash and all); only the survey's count of withdrawals remains
        assert db.session().get(Response, created.get_json()["id"]) is None
    again = client.post("/intrekken", data={"csrf_token": token(page.data), "code": receipt})
    assert again.status_code == 422


def test_frisian_is_offered_where_the_survey_is_translated(client):
    html = client.get(f"/s/{SLUG}?lang=fy").get_data(as_text=True)
    assert "Ynspraak yn Testdoarp" in html
    assert '<span aria-current="true" lang="fy">Frysk</span>' in html


def test_unknown_survey_and_page_are_404_in_dutch(client):
    r = client.get("/s/bestaat-niet")
    assert r.status_code == 404
    assert "Pagina niet gevonden" in r.get_data(as_text=True)


def test_interface_text_follows_the_chosen_language(client):
    html = client.get(f"/s/{SLUG}?lang=fy").get_data(as_text=True)
    assert "Begjin mei de fragelist" in html
    assert '<html lang="fy">' in html
    html = client.get(f"/s/{SLUG}?lang=nl").get_data(as_text=True)
    assert "Start de vragenlijst" in html


def test_a_municipality_named_gemeente_x_is_called_gemeente_once(app):
    """Older `ladder new-plugin` output and the tutorial gave "Gemeente Voorbeeld" as the municipality (issue 23)."""
    from ladder.web.filters import gemeente
    with app.test_request_context("/"):
        assert gemeente("Gemeente Voorbeeld") == "Gemeente Voorbeeld"
        assert gemeente("Voorbeeld") == "Gemeente Voorbeeld"
    with app.test_request_context("/?lang=en"):
        assert gemeente("gemeente Voorbeeld") == "Municipality of Voorbeeld"
