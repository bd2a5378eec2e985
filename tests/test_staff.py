"""Municipal staff: accounts, access per municipality, lifecycle, invite codes, dashboard, reporting back."""
import csv
import io
import re

import pytest
from sqlalchemy import func, select

from conftest import make_app
from ladder import db
from ladder.models import AuditEntry, InviteCode, Response, WithdrawalCount
from staff_signin import enrolled, link_parts, pass_second_factor
from test_resident import token
from report_back_seed import set_status as set_survey_status

MINE, OTHER = "testdorp-inspraak", "anderdorp-inspraak"
PASSWORD = "een lang wachtwoord"
VALID = {"woonplaats": "testdorp", "betrokken": "nooit", "huidig": "raadplegen", "gewenst": 4, "thema": ["groen"]}


def add_user(app, email, role, municipality=None):
    args = ["users", "add", email, "--role", role] + (["--municipality", municipality] if municipality else [])
    result = app.test_cli_runner().invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    return email


def login(client, email, password=PASSWORD):
    page = client.get("/beheer/inloggen")
    return client.post("/beheer/inloggen", data={"csrf_token": token(page.data), "email": email, "password": password})


def signed_in(app, role="editor", municipality="Testgemeente"):
    """A client signed in as a new user of ``role``: password, then the second factor's code where the role needs
    one (set up beforehand, ``enrolled``)."""
    email = f"{role}-{municipality or 'all'}@example.org".lower()
    add_user(app, email, role, municipality)
    enrolled(app, email)
    client = app.test_client()
    response = login(client, email)
    assert response.status_code == 302
    assert pass_second_factor(app, client, response, email).status_code in (200, 302)
    return client


def csrf(client, path="/beheer/"):
    return token(client.get(path).data)


@pytest.fixture
def editor(app):
    return signed_in(app, "editor")


def test_staff_pages_need_sign_in(client):
    response = client.get(f"/beheer/s/{MINE}")
    assert response.status_code == 302
    assert "/beheer/inloggen" in response.headers["Location"]


def test_users_add_validates_role_and_municipality(app):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["users", "add", "a@example.org", "--role", "editor", "--municipality", "Nergens"])
    assert bad.exit_code != 0 and "Testgemeente" in bad.output
    short = runner.invoke(args=["users", "add", "b@example.org", "--role", "analyst", "--municipality", "Testgemeente"],
                          input="kort\nkort\n")
    assert short.exit_code != 0 and "minstens 12" in short.output


def test_one_time_link_sets_the_password_once(app):
    result = app.test_cli_runner().invoke(args=["users", "add", "link@example.org", "--role", "analyst",
                                                "--municipality", "Testgemeente", "--link"])
    path, code = link_parts(result.output)
    client = app.test_client()
    assert client.get(f"/beheer/wachtwoord/{code}").status_code == 404  # the code is in no address (issue 24)
    page = client.get(path)
    assert page.status_code == 200
    mismatch = client.post(path, data={"csrf_token": token(page.data), "token": code, "password": PASSWORD,
                                       "password_again": "x"})
    assert mismatch.status_code == 422
    done = client.post(path, data={"csrf_token": token(page.data), "token": code, "password": PASSWORD,
                                   "password_again": PASSWORD})
    assert done.status_code == 302
    again = client.post(path, data={"csrf_token": token(page.data), "token": code, "password": PASSWORD + "!",
                                    "password_again": PASSWORD + "!"})
    assert again.status_code == 422 and "Deze link is verlopen of al gebruikt." in again.get_data(as_text=True)
    assert login(client, "link@example.org").status_code == 302


def test_wrong_password_is_refused_and_login_is_throttled_after_failures(app):
    add_user(app, "ed@example.org", "editor", "Testgemeente")
    client = app.test_client()
    for _ in range(5):
        assert login(client, "ed@example.org", "fout wachtwoord!").status_code == 401
    throttled = login(client, "ed@example.org", PASSWORD)
    assert throttled.status_code == 429
    assert "Te veel pogingen" in throttled.get_data(as_text=True)
    # other accounts are not affected
    add_user(app, "an@example.org", "analyst", "Testgemeente")
    assert login(app.test_client(), "an@example.org").status_code == 302


def test_session_cookie_is_httponly_samesite_and_secure_in_production(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, PRODUCTION=True)
    add_user(app, "p@example.org", "admin")
    cookie = login(app.test_client(), "p@example.org").headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


# Every staff route, for a user of another municipality --------------------------------------------

# entry_id, page_id: the paper entry screens (issue 14); their access per municipality is tested in test_entry.py
# plan_id: the plans (issue 20), tested per municipality in test_plans.py; page, question, number: the survey
# editor's (issue 21)
SAMPLES = {"slug": OTHER, "fmt": "csv", "token": "no-such-token", "entry_id": "1", "page_id": "over-u",
           "plan_id": "1", "page": "0", "question": "0", "number": "1"}


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/beheer")]


def test_user_of_one_municipality_gets_403_or_404_on_every_route_of_anothers_surveys(app, editor):
    checked = 0
    for rule in staff_rules(app):
        unknown = set(rule.arguments) - set(SAMPLES)
        assert not unknown, f"{rule.rule}: add a sample value for {unknown} to this test"
        if "slug" not in rule.arguments:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<{name}>", SAMPLES[name]).replace(f"<int:{name}>", SAMPLES[name])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            data = {"csrf_token": csrf(editor), "status": "closed", "count": "3", "code": "X", "confirm": OTHER,
                    "results_text": "x", "next_rung": "informeren"}
            response = editor.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code}"
            checked += 1
    assert checked >= 6
    home = editor.get("/beheer/").get_data(as_text=True)
    assert MINE in home and OTHER not in home
    assert editor.get("/beheer/audit").status_code == 403
    with app.app_context():
        assert db.session().scalar(select(AuditEntry).where(AuditEntry.survey_slug == OTHER)) is None


def test_every_staff_form_requires_csrf(app):
    admin = signed_in(app, "admin", None)
    with app.app_context():  # a plan to post to (issue 20)
        from ladder.models import Plan
        db.session().add(plan := Plan(municipality="Testgemeente", kind="project", title="Plan", summary="Plan.",
                                      areas=[], phase="idee", decider="raad"))
        db.session().commit()
        plan_id = str(plan.id)
    for rule in staff_rules(app):
        if "POST" not in rule.methods:
            continue
        url = rule.rule.replace("<slug>", MINE).replace("<token>", "x").replace("<int:entry_id>", "1") \
            .replace("<page_id>", "over-u").replace("<int:plan_id>", plan_id) \
            .replace("<int(min=0):page>", "0").replace("<int(min=0):question>", "0").replace("<int:number>", "1")
        response = admin.post(url, data={"status": "closed", "count": "1", "email": "x", "password": "y"})
        assert response.status_code in (400, 404), f"POST {url} without CSRF token answered {response.status_code}"
        if response.status_code == 404:
            assert "<token>" in rule.rule  # unknown set-password token: nothing to protect


def test_analyst_reads_and_exports_but_cannot_change(app):
    analyst = signed_in(app, "analyst")
    assert analyst.get(f"/beheer/s/{MINE}").status_code == 200
    assert analyst.get(f"/beheer/s/{MINE}/export/csv").status_code == 200
    response = analyst.post(f"/beheer/s/{MINE}/status", data={"csrf_token": csrf(analyst), "status": "closed"})
    assert response.status_code == 403
    assert analyst.get(f"/beheer/s/{MINE}/uitkomsten").status_code == 403


# Lifecycle ----------------------------------------------------------------------------------------

def set_status(client, status, **extra):
    data = {"csrf_token": csrf(client), "status": status, **extra}
    return client.post(f"/beheer/s/{MINE}/status", data=data)


def test_closing_a_survey_refuses_answers_everywhere(app, client, editor):
    assert set_status(editor, "closed").status_code == 302
    assert client.get(f"/s/{MINE}").status_code == 409
    assert client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": VALID}).status_code == 409
    assert MINE not in client.get("/").get_data(as_text=True)
    set_status(editor, "open", opens_on="2999-01-01")
    assert client.get(f"/s/{MINE}").status_code == 409  # outside its window
    set_status(editor, "draft")
    assert client.get(f"/s/{MINE}").status_code == 404
    assert editor.get(f"/beheer/s/{MINE}").status_code == 200  # staff still see a draft
    set_status(editor, "open")
    assert client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": VALID}).status_code == 201


def test_invalid_window_is_refused_with_a_message(app, editor):
    response = set_status(editor, "open", opens_on="2026-12-31", closes_on="2026-01-01")
    assert "einddatum na de begindatum" in editor.get(response.headers["Location"]).get_data(as_text=True)
    response = set_status(editor, "open", opens_on="morgen")
    assert "2026-12-31" in editor.get(response.headers["Location"]).get_data(as_text=True)


def test_invite_only_codes_answer_once(app, client, editor):
    set_status(editor, "open", invite_only="ja")
    made = editor.post(f"/beheer/s/{MINE}/codes", data={"csrf_token": csrf(editor), "count": "2"})
    assert made.mimetype == "text/csv"
    codes = [row["code"] for row in csv.DictReader(io.StringIO(made.get_data(as_text=True)))]
    assert len(codes) == 2
    url = f"/api/v1/surveys/{MINE}/responses"
    assert client.post(url, json={"answers": VALID}).status_code == 403
    assert client.post(url, json={"answers": VALID, "invite_code": "AAAA-BBBB-CCCC"}).status_code == 403
    assert client.post(url, json={"answers": VALID, "invite_code": codes[0]}).status_code == 201
    assert client.post(url, json={"answers": VALID, "invite_code": codes[0]}).status_code == 403
    # the form asks for the code on the start page
    start = client.get(f"/s/{MINE}")
    assert 'name="invite_code"' in start.get_data(as_text=True)
    refused = client.post(f"/s/{MINE}", data={"csrf_token": token(start.data), "invite_code": codes[0]})
    assert refused.status_code == 422
    accepted = client.post(f"/s/{MINE}", data={"csrf_token": token(start.data), "invite_code": codes[1].lower()})
    assert accepted.status_code == 302
    with app.app_context():  # the first code is spent (the second only once its answers are sent), and
        # no response says which code it came with
        assert db.session().scalar(select(func.count()).select_from(InviteCode).where(InviteCode.used_at.is_not(None))) == 1
        assert db.session().scalar(select(func.count()).select_from(Response)) == 1
    assert not [c for c in Response.__table__.columns if "invite" in c.name]


def test_codes_command_prints_csv_once(app):
    result = app.test_cli_runner().invoke(args=["codes", MINE, "--count", "3"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3 and all(re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", r["code"]) for r in rows)
    with app.app_context():
        from ladder.models import InviteCode
        stored = list(db.session().scalars(select(InviteCode)))
        assert len(stored) == 3 and all(r["code"] not in s.code_hash for r in rows for s in stored)


# Dashboard and reporting back -------------------------------------------------------------------

def answer(client, area, gewenst, n=1):
    for _ in range(n):
        body = {**VALID, "woonplaats": area, "gewenst": gewenst}
        assert client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": body}).status_code == 201


def test_dashboard_counts_per_area_and_rung(app, client, editor):
    answer(client, "testdorp", 4, n=3)
    answer(client, "proefwijk", 2, n=1)
    html = editor.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    assert re.search(r"<th scope=\"row\">Testdorp</th><td class=\"num\"><span class=\"bar\"[^>]*></span> 3</td>", html)
    assert re.search(r"<th scope=\"row\">Proefwijk</th><td class=\"num\"><span class=\"bar\"[^>]*></span> 1</td>", html)
    assert "Wat u wilt: aantal antwoorden per trede en gebied" in html


def test_publishing_while_open_keeps_numbers_sealed_then_closing_shows_the_publication(app, client, editor):
    answer(client, "testdorp", 4, n=6)
    answer(client, "proefwijk", 2, n=2)
    assert "nog niet bekendgemaakt" in client.get(f"/r/{MINE}").get_data(as_text=True)
    form = editor.get(f"/beheer/s/{MINE}/uitkomsten")
    empty = editor.post(f"/beheer/s/{MINE}/uitkomsten", data={"csrf_token": token(form.data), "results_text": ""})
    assert empty.status_code == 422
    done = editor.post(f"/beheer/s/{MINE}/uitkomsten", data={
        "csrf_token": token(form.data), "results_text": "We leggen in 2027 een speeltuin aan.", "next_rung": "coproduceren"},
        follow_redirects=True)
    assert "De cijfers verschijnen op de openbare pagina als de vragenlijst sluit." in done.get_data(as_text=True)
    assert "nog niet bekendgemaakt" in client.get(f"/r/{MINE}").get_data(as_text=True)  # sealed while open
    set_survey_status(app, MINE, "closed")
    html = client.get(f"/r/{MINE}").get_data(as_text=True)
    assert "We leggen in 2027 een speeltuin aan." in html
    assert "Zo doet u de volgende keer mee</a>" not in html and "Coproduceren" in html
    data = client.get(f"/r/{MINE}.json").get_json()
    # The page shows what the JSON publishes. The protection may hide the total or an area's count (the survey's
    # secret seed is new in each test, and with it the noise and what the audit must hide): then both hide it.
    areas = {r["id"]: r["cells"]["count"] for r in data["tables"][0]["rows"]}
    total = data["responses"]
    said = f"In totaal: {total} antwoorden." if total is not None else "Het aantal antwoorden laten we niet zien."
    assert said in html
    for area, name in (("proefwijk", "Proefwijk"), ("testdorp", "Testdorp")):
        shown = "verborgen" if areas[area] is None else areas[area]
        assert f'<th scope="row">{name}</th><td class="num">{shown}</td>' in html, (area, shown)
    with app.app_context():
        actions = [e.action for e in db.session().scalars(select(AuditEntry))]
        assert "publish" in actions and "sign-in" in actions


def test_export_from_the_dashboard_is_logged(app, client, editor):
    answer(client, "testdorp", 3, n=2)
    response = editor.get(f"/beheer/s/{MINE}/export/csv")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("\n") == 3  # header + 2 rows
    admin = signed_in(app, "admin", None)
    log = admin.get("/beheer/audit").get_data(as_text=True)
    assert "export" in log and "editor-testgemeente@example.org" in log


def test_staff_withdraw_and_delete_all(app, client, editor):
    receipt = client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": VALID}).get_json()["receipt"]
    kept = client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": VALID}).get_json()["id"]
    editor.post(f"/beheer/s/{MINE}/intrekken", data={"csrf_token": csrf(editor), "code": receipt})
    with app.app_context():  # withdrawal erases the response; only the count remains
        assert [r.id for r in db.session().scalars(select(Response))] == [kept]
        assert db.session().get(WithdrawalCount, MINE).withdrawn == 1
        assert "response" not in (db.session().scalar(select(AuditEntry.detail).where(AuditEntry.action == "withdraw")) or "")
    assert re.search(r"<dt>Ingetrokken</dt><dd>1</dd>", editor.get(f"/beheer/s/{MINE}").get_data(as_text=True))
    editor.post(f"/beheer/s/{MINE}/verwijderen", data={"csrf_token": csrf(editor), "confirm": "verkeerd"})
    with app.app_context():
        assert db.session().scalars(select(Response)).first() is not None
    editor.post(f"/beheer/s/{MINE}/verwijderen", data={"csrf_token": csrf(editor), "confirm": MINE})
    with app.app_context():
        assert db.session().scalars(select(Response)).first() is None
        assert db.session().get(WithdrawalCount, MINE) is None


@pytest.fixture
def redis_url():
    url = "redis://127.0.0.1:6379"
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        from conftest import skip_or_fail
        skip_or_fail(f"Redis not reachable at {url}: {exc}")
    return url


def test_throttle_is_shared_between_app_processes_through_redis(sqlite_url, tmp_path, redis_url):
    """Two apps stand for two gunicorn workers: failures counted by one also count for the other."""
    import uuid
    email = f"shared-{uuid.uuid4().hex[:8]}@example.org"
    shared = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first = make_app(sqlite_url, tmp_path, **shared)
    add_user(first, email, "editor", "Testgemeente")
    second = make_app(sqlite_url, tmp_path, **shared)
    for app in (first, second, first, second, first):
        assert login(app.test_client(), email, "fout wachtwoord!").status_code == 401
    assert login(second.test_client(), email).status_code == 429
