"""Storage integrity (issue 9), on SQLite and PostgreSQL: a draft is submitted exactly once, the API honours
Idempotency-Key, a withdrawal erases the response, and an invite code cannot be linked to the response it gave."""
import csv
import hashlib
import io
import random
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import DateTime, bindparam, create_engine, func, inspect, select, text, update

from browser_support import LiveServer
from conftest import make_app
from ladder import db
from ladder.models import Draft, IdempotencyKey, InviteCode, Response
from test_resident import post_page, start, token

SLUG = "testdorp-inspraak"
API = f"/api/v1/surveys/{SLUG}/responses"
VALID = {"woonplaats": "testdorp", "betrokken": "nooit", "huidig": "raadplegen", "gewenst": 4, "thema": ["groen"]}


def rows(app, model=Response):
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def ready_to_submit(app, invite_code=None):
    """A browser (test client) whose draft is complete: its session cookie and the check page's CSRF token."""
    client = app.test_client()
    if invite_code:
        page = client.get(f"/s/{SLUG}")
        url = client.post(f"/s/{SLUG}", data={"csrf_token": token(page.data), "invite_code": invite_code,
                                              "action": "start"}).headers["Location"]
    else:
        url = start(client)
    post_page(client, url, {"woonplaats": "testdorp", "betrokken": "nooit"})
    post_page(client, f"/s/{SLUG}/vraag/inspraak", {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen"]})
    r = post_page(client, f"/s/{SLUG}/vraag/afsluiting", {"opmerking": ""})
    assert r.headers["Location"].endswith("/controleren")
    check = client.get(f"/s/{SLUG}/controleren")
    return client.get_cookie("session").value, token(check.data)


def receipt_of(server, cookie):
    """Follow a check page's answer like the browser would: the result page with that answer's cookie."""
    page = requests.get(server.url(f"/s/{SLUG}/resultaat"), cookies={"session": cookie}, allow_redirects=False)
    assert page.status_code == 200, page.headers.get("Location")
    return re.search(r'class="code">([A-Z0-9-]+)<', page.text).group(1)


@pytest.fixture
def server(app):
    live = LiveServer(app).start()
    yield live
    live.stop()


# 1. A draft is submitted exactly once ----------------------------------------------------------------

@pytest.mark.parametrize("with_invite", [False, True], ids=["open", "invite-only"])
def test_submit_that_loaded_the_draft_before_another_submit_committed_stores_no_second_row(app, server, monkeypatch,
                                                                                          with_invite):
    """Deterministic interleaving: request B has read the draft, then request A submits it, then B goes on.
    Invite-only: A used the invite code, yet B shows A's result (not "a valid invite code is needed")."""
    from ladder import invites
    from ladder.web.views import resident
    code = None
    if with_invite:
        invite_only(app)
        with app.app_context():
            code = invites.make_codes(app.extensions["ladder"].surveys[SLUG], 1)[0]
            db.session().commit()
    cookie, csrf = ready_to_submit(app, code)
    real, held, lock = resident.submit, threading.Event(), threading.Lock()
    calls = []

    def gated(*args, **kwargs):
        with lock:
            calls.append(1)
            first = len(calls) == 1
        if first:  # B: the draft is loaded; wait until A is done
            held.set()
            assert release.wait(10)
        return real(*args, **kwargs)

    release = threading.Event()
    monkeypatch.setattr(resident, "submit", gated)
    answers = {}

    def post(name):
        answers[name] = requests.post(server.url(f"/s/{SLUG}/controleren"), data={"csrf_token": csrf},
                                      cookies={"session": cookie}, allow_redirects=False, timeout=30)

    b = threading.Thread(target=post, args=("b",))
    b.start()
    assert held.wait(10)
    post("a")
    release.set()
    b.join(30)
    assert answers["a"].status_code == 302 and answers["a"].headers["Location"].endswith("/resultaat")
    assert answers["b"].status_code == 302 and answers["b"].headers["Location"].endswith("/resultaat")
    assert rows(app) == 1
    assert rows(app, Draft) == 0
    # B shows the same result page, with the same receipt, as A
    assert receipt_of(server, answers["b"].cookies["session"]) == receipt_of(server, answers["a"].cookies["session"])


def test_double_click_on_send_with_real_threads_stores_one_response_per_draft(app, server):
    drafts, clicks = 10, 3
    prepared = [ready_to_submit(app) for _ in range(drafts)]
    results = []
    for cookie, csrf in prepared:
        barrier = threading.Barrier(clicks)
        answers = []

        def click():
            barrier.wait(10)
            answers.append(requests.post(server.url(f"/s/{SLUG}/controleren"), data={"csrf_token": csrf},
                                         cookies={"session": cookie}, allow_redirects=False, timeout=30))

        threads = [threading.Thread(target=click) for _ in range(clicks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        results.append(answers)
    assert rows(app) == drafts
    for answers in results:
        assert [a.status_code for a in answers] == [302] * clicks
        assert all(a.headers["Location"].endswith("/resultaat") for a in answers)
        assert len({receipt_of(server, a.cookies["session"]) for a in answers}) == 1


def test_saving_a_page_while_the_draft_is_submitted_is_no_server_error(app, server, monkeypatch):
    """The page request has loaded the draft; the check page submits it; then the page saves: no 500."""
    from ladder import drafts
    cookie, csrf = ready_to_submit(app)
    real, held, release = drafts.save, threading.Event(), threading.Event()

    def gated(*args, **kwargs):
        held.set()
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(drafts, "save", gated)
    answers = {}

    def save_page():
        answers["save"] = requests.post(server.url(f"/s/{SLUG}/vraag/afsluiting"),
                                        data={"csrf_token": csrf, "opmerking": "nog iets", "action": "opslaan"},
                                        cookies={"session": cookie}, allow_redirects=False, timeout=30)

    saver = threading.Thread(target=save_page)
    saver.start()
    assert held.wait(10)
    sent = requests.post(server.url(f"/s/{SLUG}/controleren"), data={"csrf_token": csrf},
                         cookies={"session": cookie}, allow_redirects=False, timeout=30)
    release.set()
    saver.join(30)
    assert sent.status_code == 302
    saved = answers["save"]
    assert saved.status_code == 302, saved.text[:300]
    assert saved.headers["Location"].endswith("/resultaat")
    result = requests.get(server.url(f"/s/{SLUG}/resultaat"), cookies={"session": saved.cookies["session"]})
    assert "al verstuurd" in result.text
    assert rows(app) == 1


def test_a_draft_that_is_gone_without_being_submitted_sends_the_resident_to_a_clear_page(app, server):
    cookie, csrf = ready_to_submit(app)
    with app.app_context():
        db.session().execute(Draft.__table__.delete())
        db.session().commit()
    saved = requests.post(server.url(f"/s/{SLUG}/vraag/afsluiting"),
                          data={"csrf_token": csrf, "opmerking": "x", "action": "opslaan"},
                          cookies={"session": cookie}, allow_redirects=False)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/s/{SLUG}")
    assert rows(app) == 0


# 2. Idempotency-Key on the API --------------------------------------------------------------------------

def test_same_idempotency_key_and_body_returns_the_first_response_and_stores_one_row(app, client):
    first = client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": "bestelling-1"})
    again = client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": "bestelling-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert rows(app) == 1
    other = client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": "bestelling-2"})
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]
    assert rows(app) == 2


def test_same_idempotency_key_with_another_body_is_refused_in_dutch(app, client):
    assert client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": "k1"}).status_code == 201
    changed = client.post(API, json={"answers": {**VALID, "gewenst": 2}}, headers={"Idempotency-Key": "k1"})
    assert changed.status_code == 409
    assert "Idempotency-Key" in changed.get_json()["error"] and "ander" in changed.get_json()["error"]
    assert rows(app) == 1


def test_idempotency_keys_are_stored_keyed_hashed_with_the_day_only_and_purged_a_day_later(app, client):
    key = "sleutel-die-niet-bewaard-mag-worden"
    assert client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": key}).status_code == 201
    with app.app_context():
        with db.engine().connect() as conn:
            dump = str(conn.execute(text("SELECT * FROM idempotency_keys")).all())
        made = db.session().scalar(select(IdempotencyKey.created_at))
    assert key not in dump and hashlib.sha256(key.encode()).hexdigest() not in dump
    assert (made.hour, made.minute, made.second, made.microsecond) == (0, 0, 0, 0)  # beside a response id: the day
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    with app.app_context():
        s = db.session()
        s.execute(update(IdempotencyKey).values(created_at=today - timedelta(days=1)))
        s.commit()
    again = client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": key})
    assert again.status_code == 201 and rows(app) == 1  # yesterday's key still holds: the first answer again
    with app.app_context():
        s = db.session()
        s.execute(update(IdempotencyKey).values(created_at=today - timedelta(days=2)))
        s.commit()
    later = client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": key})
    assert later.status_code == 201 and rows(app) == 2  # the old key has expired: a new response
    with app.app_context():
        assert db.session().scalar(text("SELECT count(*) FROM idempotency_keys")) == 1  # the expired one purged


def test_concurrent_requests_with_one_idempotency_key_store_one_row(app, server):
    tries, clients = 5, 3
    for n in range(tries):
        barrier, answers = threading.Barrier(clients), []

        def send():
            barrier.wait(10)
            answers.append(requests.post(server.url(API), json={"answers": VALID},
                                         headers={"Idempotency-Key": f"gelijktijdig-{n}"}, timeout=30))

        threads = [threading.Thread(target=send) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert [a.status_code for a in answers] == [201] * clients
        assert len({a.text for a in answers}) == 1
    assert rows(app) == tries


def test_openapi_documents_the_idempotency_key_header(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"][API]["post"]
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is False
    assert "24" in header["description"]
    assert "Idempotency-Key" in post["responses"]["409"]["description"]


# 3. Withdrawal erases -------------------------------------------------------------------------------

def test_withdrawal_deletes_the_row_and_keeps_only_a_count(app, client):
    from ladder.dashboard import numbers
    made = [client.post(API, json={"answers": VALID}).get_json() for _ in range(3)]
    page = client.get("/intrekken")
    for receipt in (made[0]["receipt"], made[1]["receipt"]):
        done = client.post("/intrekken", data={"csrf_token": token(page.data), "code": receipt, "bevestig": "ja"},
                           follow_redirects=True)
        assert "zijn ingetrokken" in done.get_data(as_text=True)
    with app.app_context():
        left = [r.id for r in db.session().scalars(select(Response))]
        assert left == [made[2]["id"]]  # the withdrawn rows are gone: no area, no time, no receipt hash
        counted = numbers(app.extensions["ladder"].surveys[SLUG])
        assert (counted.responses, counted.withdrawn) == (1, 2)
        assert not hasattr(counted, "latest_withdrawals")
        columns = {c["name"] for c in inspect(db.engine()).get_columns("withdrawal_counts")}
        assert columns == {"survey_slug", "withdrawn"}  # no date, no area
    again = client.post("/intrekken", data={"csrf_token": token(page.data), "code": made[0]["receipt"]})
    assert again.status_code == 422


def test_two_withdrawals_of_one_response_count_once(app, client):
    from ladder.withdrawal import withdraw_response
    receipt = client.post(API, json={"answers": VALID}).get_json()["receipt"]
    from ladder.codes import code_hash
    with app.app_context():
        first = db.session().scalar(select(Response).where(Response.receipt_hash == code_hash(receipt)))
        with app.app_context():  # a second request that loaded the same row
            second = db.session().scalar(select(Response).where(Response.receipt_hash == code_hash(receipt)))
            withdraw_response(second)
            db.session().commit()
        withdraw_response(first)
        db.session().commit()
        assert db.session().scalar(text("SELECT withdrawn FROM withdrawal_counts")) == 1


# 4. Invite codes cannot be linked to responses --------------------------------------------------------

def invite_only(app):
    from ladder.models import SurveyState
    with app.app_context():
        db.session().add(SurveyState(slug=SLUG, status="open", invite_only=True))
        db.session().commit()


def test_database_and_codes_file_together_cannot_link_a_response_to_its_code(app, client):
    from ladder.codes import code_hash, derive_key, keyed_hash
    invite_only(app)
    result = app.test_cli_runner().invoke(args=["codes", SLUG, "--count", "20"])
    assert result.exit_code == 0, result.output
    codes = [row["code"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert len(codes) == 20
    with app.app_context():
        stored = {c.code_hash: c for c in db.session().scalars(select(InviteCode))}
    # keyed: the plain SHA-256 of a code finds nothing; the server's key does
    assert not {code_hash(c) for c in codes} & set(stored)
    key = derive_key(app.config["SECRET_KEY"], "invite-codes")
    ids_in_file_order = [stored[keyed_hash(c, key)].id for c in codes]
    assert ids_in_file_order != sorted(ids_in_file_order)  # the file is shuffled (1 in 20! to be in order)

    for code in random.sample(codes, len(codes)):
        body = {"answers": {**VALID, "gewenst": random.randint(1, 6)}, "invite_code": code}
        assert client.post(API, json=body).status_code == 201

    with app.app_context():
        response_columns = {c["name"] for c in inspect(db.engine()).get_columns("responses")}
        assert "invite_code_id" not in response_columns and not any("invite" in c for c in response_columns)
        invites = list(db.session().scalars(select(InviteCode)))
        responses = list(db.session().scalars(select(Response)))
    assert len(responses) == 20
    # What could tie a code to a response is the same for every code and every response: one day, no order.
    day = datetime.now(timezone.utc).date()
    assert {(i.used_at.date(), i.used_at.time()) for i in invites} == {(day, datetime.min.time())}
    assert {(i.created_at.date(), i.created_at.time()) for i in invites} == {(day, datetime.min.time())}
    assert {(r.created_at.date(), r.created_at.time()) for r in responses} == {(day, datetime.min.time())}
    with app.app_context():
        code_columns = {c["name"] for c in inspect(db.engine()).get_columns("invite_codes")}
    assert code_columns == {"id", "survey_slug", "code_hash", "created_at", "used_at"}


def test_invite_code_hash_depends_on_the_server_secret(app, tmp_path):
    from ladder import invites
    invite_only(app)
    survey = app.extensions["ladder"].surveys[SLUG]
    with app.app_context():
        code = invites.make_codes(survey, 1)[0]
        db.session().commit()
        assert invites.find_unused(survey, code) is not None
    other = make_app(app.config["DATABASE_URL"], tmp_path / "other", SECRET_KEY="een ander geheim")
    with other.app_context():
        assert invites.find_unused(survey, code) is None


def test_codes_file_is_shuffled_not_in_the_order_the_codes_were_stored(app):
    from ladder import invites
    survey = app.extensions["ladder"].surveys[SLUG]
    made = [f"AAAA-BBBB-{i:04d}" for i in range(30)]
    written = [row["code"] for row in csv.DictReader(io.StringIO(invites.codes_csv(survey, made)))]
    assert sorted(written) == sorted(made) and written != made


def test_a_used_invite_code_counts_once_and_old_unkeyed_codes_still_work(app, client):
    from ladder.codes import code_hash
    invite_only(app)
    with app.app_context():  # a code made before this change: stored as plain SHA-256
        db.session().add(InviteCode(survey_slug=SLUG, code_hash=code_hash("OUDE-CODE-3467")))
        db.session().commit()
    assert client.post(API, json={"answers": VALID, "invite_code": "oude code 3467"}).status_code == 201
    assert client.post(API, json={"answers": VALID, "invite_code": "OUDE-CODE-3467"}).status_code == 403
    assert rows(app) == 1


# 5. The migration -----------------------------------------------------------------------------------

def test_migration_0003_upgrades_an_existing_database(empty_database_url, tmp_path):
    database_url = empty_database_url
    from ladder.migrate import upgrade
    upgrade(database_url, "0002")
    engine = create_engine(database_url)
    at = datetime(2026, 3, 4, 15, 16, 17, tzinfo=timezone.utc)
    with engine.begin() as conn:
        insert = text("INSERT INTO responses (survey_slug, survey_version, area, locale, channel, answers,"
                      " placement_status, receipt_hash, created_at, withdrawn_at, invite_code_id) VALUES"
                      " (:slug, 'v', 'testdorp', 'nl', 'api', :answers, 'placed', :receipt, :at, :gone, :invite)"
                      ).bindparams(bindparam("at", type_=DateTime(timezone=True)),
                                   bindparam("gone", type_=DateTime(timezone=True)))
        conn.execute(insert, {"slug": SLUG, "answers": '{"a": 1}', "receipt": "r1", "at": at, "gone": None,
                              "invite": 1})
        conn.execute(insert, {"slug": SLUG, "answers": None, "receipt": "r2", "at": at, "gone": at, "invite": 2})
        conn.execute(insert, {"slug": SLUG, "answers": None, "receipt": "r3", "at": at, "gone": at, "invite": None})
        conn.execute(text("INSERT INTO invite_codes (survey_slug, code_hash, created_at, used_at)"
                          " VALUES (:slug, 'h1', :at, :at)").bindparams(bindparam("at", type_=DateTime(timezone=True))),
                     {"slug": SLUG, "at": at})
    engine.dispose()
    app = make_app(database_url, tmp_path)  # make_app runs the same upgrade as `ladder init-db`
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine()).get_columns("responses")}
        assert "invite_code_id" not in columns
        kept = db.session().scalars(select(Response)).one()
        assert kept.receipt_hash == "r1" and kept.created_at.replace(tzinfo=None) == datetime(2026, 3, 4)
        code = db.session().scalars(select(InviteCode)).one()
        assert code.used_at.replace(tzinfo=None) == code.created_at.replace(tzinfo=None) == datetime(2026, 3, 4)
        assert db.session().execute(text("SELECT survey_slug, withdrawn FROM withdrawal_counts")).all() == [(SLUG, 2)]


def test_erase_traces_removes_idempotency_keys_and_markers_of_a_survey(app, client):
    from ladder.withdrawal import erase_traces
    assert client.post(API, json={"answers": VALID}, headers={"Idempotency-Key": "x"}).status_code == 201
    cookie, csrf = ready_to_submit(app)
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    assert browser.post(f"/s/{SLUG}/controleren", data={"csrf_token": csrf}).status_code == 302
    with app.app_context():
        s = db.session()
        assert s.scalar(text("SELECT count(*) FROM idempotency_keys")) == 1
        assert s.scalar(text("SELECT count(*) FROM submitted_drafts")) == 1
        erase_traces(s, SLUG)
        s.commit()
        assert s.scalar(text("SELECT count(*) FROM idempotency_keys")) == 0
        assert s.scalar(text("SELECT count(*) FROM submitted_drafts")) == 0
