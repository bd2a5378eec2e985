"""Issue 11: save, resume and withdraw by post/redirect/get; the saved page gives a resuming link (code in the
fragment, never in a query string), the date until which answers are kept, a print button and help for a
lost code."""
from __future__ import annotations

import re
from datetime import date, timedelta

from ladder import db
from ladder.models import Draft, Response

SLUG = "testdorp-inspraak"
CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")
ANSWERS = {"woonplaats": "testdorp", "betrokken": "nooit", "huidig": "raadplegen", "gewenst": 1, "thema": ["groen"]}


def token(html: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()


def begin(client):
    page = client.get(f"/s/{SLUG}")
    started = client.post(f"/s/{SLUG}", data={"csrf_token": token(page.data), "action": "start"})
    return started.headers["Location"]


def save(client):
    url = begin(client)
    page = client.get(url)
    return client.post(url, data={"csrf_token": token(page.data), "action": "opslaan", "woonplaats": "proefwijk",
                                  "betrokken": "soms"})


def shown_code(html: str) -> str:
    return re.search(r'class="code">\s*([A-Z0-9-]+)\s*<', html).group(1)


# ------------------------------------------------------------------------------------------ save
def test_saving_redirects_to_a_page_that_a_reload_does_not_post_again(app, client):
    posted = save(client)
    assert posted.status_code == 303 or posted.status_code == 302
    assert posted.headers["Location"].endswith(f"/s/{SLUG}/opgeslagen")
    first = client.get(posted.headers["Location"])
    again = client.get(posted.headers["Location"])  # Reload: a GET, the same code, no new draft
    assert first.status_code == again.status_code == 200
    assert shown_code(first.get_data(as_text=True)) == shown_code(again.get_data(as_text=True))
    assert first.headers["Cache-Control"] == "no-store"  # shows a code: never kept for the next person
    with app.app_context():
        assert db.session().query(Draft).count() == 1


def test_the_saved_page_gives_a_link_that_resumes_with_the_code_in_the_fragment(app, client):
    html = client.get(save(client).headers["Location"]).get_data(as_text=True)
    code = shown_code(html)
    link = re.search(r'class="resume-link" href="([^"]+)"', html).group(1)
    assert link.endswith(f"/s/{SLUG}/hervatten#{code}")
    assert "?" not in link  # never a query string: that would be in the server's access log
    # the resume form takes the code from the fragment (invitation.js) and posts it, not in the URL
    resume = app.test_client().get(link.split("#")[0].replace("http://localhost", ""))
    page = resume.get_data(as_text=True)
    assert "data-from-link" in page and "invitation.js" in page
    assert re.search(r'<form method="post" action="/s/[^"?]+/hervatten"', page)


def test_the_saved_page_says_until_when_answers_are_kept(app, client):
    html = client.get(save(client).headers["Location"]).get_data(as_text=True)
    from ladder.web.filters import date_nl
    with app.test_request_context():
        expected = date_nl(date.today() + timedelta(days=app.config["DRAFT_DAYS"]))
    assert f"We bewaren uw antwoorden tot en met {expected}." in " ".join(html.split())


def test_the_saved_page_offers_printing_and_help_for_a_lost_code(client):
    html = client.get(save(client).headers["Location"]).get_data(as_text=True)
    assert re.search(r'<button[^>]*data-print[^>]*hidden', html)  # shown by print.js only
    assert "print.js" in html and "Ctrl en P" in html  # without JavaScript: how to print
    assert "Hervatcode kwijt?" in html
    assert 'style="' not in html and "<script>" not in html  # the Content-Security-Policy allows neither


def test_the_code_does_not_wrap(app):
    css = (app.static_folder and open(f"{app.static_folder}/ladder.css", encoding="utf-8").read())
    block = css[css.index("issue 11 part A"):]
    assert re.search(r"\.code\s*\{[^}]*white-space:\s*nowrap", block)


def test_the_saved_page_without_a_draft_sends_to_the_start_page(client):
    response = client.get(f"/s/{SLUG}/opgeslagen")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/s/{SLUG}")


def test_the_resume_page_helps_with_a_lost_code(client):
    html = client.get(f"/s/{SLUG}/hervatten").get_data(as_text=True)
    assert "Hervatcode kwijt?" in html


# ------------------------------------------------------------------------------------------ withdraw
def submitted(client):
    return client.post(f"/api/v1/surveys/{SLUG}/responses", json={"answers": ANSWERS}).get_json()


def test_withdrawal_is_post_redirect_get_with_the_code_kept_out_of_the_pages(app, client):
    made = submitted(client)
    page = client.get("/intrekken")
    found = client.post("/intrekken", data={"csrf_token": token(page.data), "code": made["receipt"]})
    assert found.status_code == 302 and found.headers["Location"].endswith("/intrekken/bevestigen")
    confirm = client.get(found.headers["Location"])
    html = confirm.get_data(as_text=True)
    assert "Ja, trek mijn antwoorden in" in html
    assert made["receipt"] not in html  # kept in the session between the steps, not in a hidden field
    assert client.get("/intrekken/bevestigen").status_code == 200  # Reload: a GET, nothing erased yet
    with app.app_context():
        assert db.session().get(Response, made["id"]) is not None

    done = client.post("/intrekken/bevestigen", data={"csrf_token": token(confirm.data), "bevestig": "ja"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/intrekken/ingetrokken")
    assert "zijn ingetrokken" in client.get(done.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session().get(Response, made["id"]) is None
    # Reload of the done page, and Back to the confirm page: shown once, then the first step again
    assert client.get("/intrekken/ingetrokken").headers["Location"].endswith("/intrekken")
    assert client.get("/intrekken/bevestigen").headers["Location"].endswith("/intrekken")
    with client.session_transaction() as session:
        assert "withdraw" not in session and "withdrawn" not in session


def test_a_pending_withdrawal_expires_so_the_next_person_at_a_shared_computer_finds_none(app, client, monkeypatch):
    import time

    from ladder.web.views import resident
    made = submitted(client)
    page = client.get("/intrekken")
    client.post("/intrekken", data={"csrf_token": token(page.data), "code": made["receipt"]})
    later = time.time() + resident.WITHDRAW_SECONDS + 1
    monkeypatch.setattr(resident.time, "time", lambda: later)
    assert client.get("/intrekken/bevestigen").headers["Location"].endswith("/intrekken")
    with client.session_transaction() as session:
        assert "withdraw" not in session
    with app.app_context():
        assert db.session().get(Response, made["id"]) is not None


def test_confirming_without_csrf_erases_nothing(app, client):
    made = submitted(client)
    page = client.get("/intrekken")
    client.post("/intrekken", data={"csrf_token": token(page.data), "code": made["receipt"]})
    refused = client.post("/intrekken/bevestigen", data={"bevestig": "ja"})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session().get(Response, made["id"]) is not None


def test_a_wrong_code_says_so_and_helps_with_a_lost_code(client):
    page = client.get("/intrekken")
    wrong = client.post("/intrekken", data={"csrf_token": token(page.data), "code": "XXXX-XXXX-XXXX"})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "Deze ontvangstcode kennen we niet" in html
    assert "Ontvangstcode kwijt?" in html


def test_a_draft_left_on_a_page_that_an_update_removed_resumes_on_a_page_that_exists(app, client):
    # e.g. Haarlemmermeer's one long page became five pages: a draft saved there must not end in a 404
    code = shown_code(client.get(save(client).headers["Location"]).get_data(as_text=True))
    with app.app_context():
        session = db.session()
        session.query(Draft).update({Draft.page: "een-pagina-die-niet-meer-bestaat"})
        session.commit()
    other = app.test_client()
    form = other.get(f"/s/{SLUG}/hervatten")
    resumed = other.post(f"/s/{SLUG}/hervatten", data={"csrf_token": token(form.data), "code": code})
    assert resumed.status_code in (302, 303)
    survey = app.extensions["ladder"].survey(SLUG)
    # woonplaats and betrokken, the first page, were answered: the second page is the first still open
    assert resumed.headers["Location"].endswith(f"/s/{SLUG}/vraag/{survey.pages[1].id}")
    assert other.get(resumed.headers["Location"]).status_code == 200
