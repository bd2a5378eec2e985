"""Sessions that end (sign-out, new password, disabled account, idle and absolute limits), a fresh session and CSRF
token at sign-in, ``next`` read the way a browser reads it, and the ``ladder users`` commands (issue 10)."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from conftest import make_app
from ladder import db
from ladder.models import AuditEntry, User
from staff_signin import link_parts, pass_second_factor
from test_resident import token
from test_staff import MINE, PASSWORD, add_user, csrf, login

HOME = "/beheer/"


@pytest.fixture
def plain_app(sqlite_url, tmp_path):
    """Editors without a second factor: these tests are about what comes after it."""
    return make_app(sqlite_url, tmp_path, MFA_REQUIRED_ROLES=[])


def editor_client(app, email="ed@example.org"):
    if not _exists(app, email):
        add_user(app, email, "editor", "Testgemeente")
    client = app.test_client()
    assert login(client, email).status_code == 302
    assert client.get(HOME).status_code == 200
    return client


def _exists(app, email):
    with app.app_context():
        return db.session().scalar(select(User).where(User.email == email)) is not None


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_out(response):
    return response.status_code == 302 and "/beheer/inloggen" in response.headers["Location"]


# Sessions that end ------------------------------------------------------------------------------------

def test_sign_out_ends_every_copy_of_the_session(plain_app):
    client = editor_client(plain_app)
    thief = copy_of(plain_app, client)
    assert thief.get(f"/beheer/s/{MINE}/export/csv").status_code == 200  # the copy works while signed in
    assert client.post("/beheer/uitloggen", data={"csrf_token": csrf(client)}).status_code == 302
    assert signed_out(thief.get(HOME))
    assert signed_out(thief.get(f"/beheer/s/{MINE}/export/csv"))


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(plain_app):
    client = editor_client(plain_app)
    result = plain_app.test_cli_runner().invoke(args=["users", "reset-password", "ed@example.org"])
    assert result.exit_code == 0, result.output
    assert signed_out(client.get(HOME))
    assert login(plain_app.test_client(), "ed@example.org").status_code == 401  # the old password is gone
    path, code = link_parts(result.output)
    page = client.get(path)
    new = "een ander lang wachtwoord"
    assert client.post(path, data={"csrf_token": token(page.data), "token": code, "password": new,
                                   "password_again": new}).status_code == 302
    assert login(plain_app.test_client(), "ed@example.org", new).status_code == 302


def test_setting_a_password_by_link_ends_other_sessions(plain_app):
    client = editor_client(plain_app)
    with plain_app.app_context():
        from ladder import accounts
        user = accounts.find_user("ed@example.org")
        code = accounts.new_setup_token(user)
        db.session().commit()
    other = plain_app.test_client()
    page = other.get("/beheer/wachtwoord")
    new = "nog een ander wachtwoord"
    other.post("/beheer/wachtwoord", data={"csrf_token": token(page.data), "token": code, "password": new,
                                           "password_again": new})
    assert signed_out(client.get(HOME))


def test_disable_ends_sessions_and_refuses_sign_in_until_enabled(plain_app):
    client = editor_client(plain_app)
    runner = plain_app.test_cli_runner()
    assert runner.invoke(args=["users", "disable", "ED@example.org"]).exit_code == 0
    assert signed_out(client.get(HOME))
    assert login(plain_app.test_client(), "ed@example.org").status_code == 401
    assert "(disabled)" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "enable", "ed@example.org"]).exit_code == 0
    assert login(plain_app.test_client(), "ed@example.org").status_code == 302
    unknown = runner.invoke(args=["users", "disable", "niemand@example.org"])
    assert unknown.exit_code != 0 and "no account" in unknown.output


def test_set_role_changes_what_the_user_may_do_at_once(plain_app):
    client = editor_client(plain_app)
    runner = plain_app.test_cli_runner()
    bad = runner.invoke(args=["users", "set-role", "ed@example.org", "analyst", "--municipality", "Nergens"])
    assert bad.exit_code != 0 and "Testgemeente" in bad.output
    assert runner.invoke(args=["users", "set-role", "ed@example.org", "analyst"]).exit_code == 0
    assert signed_out(client.get(HOME))  # the old session had the editor's rights
    analyst = editor_client(plain_app)
    assert analyst.get(f"/beheer/s/{MINE}/uitkomsten").status_code == 403
    with plain_app.app_context():
        user = db.session().scalar(select(User).where(User.email == "ed@example.org"))
        assert (user.role, user.municipality) == ("analyst", "Testgemeente")
        actions = [e.action for e in db.session().scalars(select(AuditEntry))]
        assert "user-set-role" in actions


def test_sign_in_starts_a_fresh_session_with_a_new_csrf_token(plain_app):
    add_user(plain_app, "ed@example.org", "editor", "Testgemeente")
    client = plain_app.test_client()
    page = client.get("/beheer/inloggen")
    with client.session_transaction() as before:
        old_token = before["csrf_token"]
        before["planted"] = "by someone else"
    client.post("/beheer/inloggen", data={"csrf_token": token(page.data), "email": "ed@example.org",
                                          "password": PASSWORD})
    client.get(HOME)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") and after["csrf_token"] != old_token
    # a form token from before sign-in is refused afterwards
    refused = client.post(f"/beheer/s/{MINE}/status", data={"csrf_token": token(page.data), "status": "closed"})
    assert refused.status_code == 400


@pytest.mark.parametrize("stamp, minutes", [("seen_at", 31), ("signed_in_at", 10 * 60 + 1)])
def test_a_session_ends_when_idle_too_long_or_too_old(plain_app, stamp, minutes):
    client = editor_client(plain_app)
    with client.session_transaction() as session:
        session[stamp] = int(time.time()) - minutes * 60
        if stamp == "signed_in_at":
            session["seen_at"] = int(time.time())  # active all the time, but signed in too long ago
    assert signed_out(client.get(HOME))


def test_session_limits_are_configurable(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, MFA_REQUIRED_ROLES=[], SESSION_IDLE_MINUTES=120, SESSION_MAX_HOURS=1)
    client = editor_client(app)
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 60 * 60  # an hour idle: allowed here
    assert client.get(HOME).status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - 61 * 60
    assert signed_out(client.get(HOME))


def test_a_session_from_before_the_session_version_is_not_accepted(plain_app):
    client = editor_client(plain_app)
    with client.session_transaction() as session:
        session["_user_id"] = session["_user_id"].split(":")[0]  # the old form: the id alone
    assert signed_out(client.get(HOME))


# Safe redirects -------------------------------------------------------------------------------------------

BAD_NEXT = ["//evil.example/", "/%09/evil.example/", "/%0A/x", "/%0D%0A/evil.example", "%2F%2Fevil.example",
            "/%5Cevil.example", "%5C%5Cevil.example", "https://evil.example/", "http:evil.example",
            "javascript:alert(1)", "%20//evil.example", "/%00/evil.example", "evil.example", "/%09%09/evil.example"]


@pytest.mark.parametrize("target", BAD_NEXT)
def test_next_elsewhere_goes_to_the_staff_home(plain_app, target):
    add_user(plain_app, "ed@example.org", "editor", "Testgemeente")
    client = plain_app.test_client()
    page = client.get("/beheer/inloggen")
    response = client.post(f"/beheer/inloggen?next={target}", data={
        "csrf_token": token(page.data), "email": "ed@example.org", "password": PASSWORD})
    if "%00" in target:  # a NUL anywhere in the address is refused before sign-in (ladder.web.input_guard)
        assert response.status_code == 400 and client.get(HOME).status_code == 302
        return
    assert response.status_code == 302
    assert response.headers["Location"] in (HOME, f"http://localhost{HOME}")


def test_next_on_this_site_is_followed(plain_app):
    add_user(plain_app, "ed@example.org", "editor", "Testgemeente")
    client = plain_app.test_client()
    page = client.get("/beheer/inloggen")
    target = f"/beheer/s/{MINE}?tab=1"
    response = client.post(f"/beheer/inloggen?next=%2Fbeheer%2Fs%2F{MINE}%3Ftab%3D1", data={
        "csrf_token": token(page.data), "email": "ed@example.org", "password": PASSWORD})
    assert response.headers["Location"] in (target, f"http://localhost{target}")


def test_next_survives_the_second_factor(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path)  # admins always give a second factor
    add_user(app, "baas@example.org", "admin")
    client = app.test_client()
    page = client.get("/beheer/inloggen")
    first = client.post("/beheer/inloggen?next=/beheer/audit", data={
        "csrf_token": token(page.data), "email": "baas@example.org", "password": PASSWORD})
    done = pass_second_factor(app, client, first, "baas@example.org")
    assert done.status_code == 200 and 'href="/beheer/audit"' in done.get_data(as_text=True)
    evil = app.test_client()
    page = evil.get("/beheer/inloggen")
    first = evil.post("/beheer/inloggen?next=/%09/evil.example/", data={
        "csrf_token": token(page.data), "email": "baas@example.org", "password": PASSWORD})
    done = pass_second_factor(app, evil, first, "baas@example.org")
    assert done.headers["Location"] in (HOME, f"http://localhost{HOME}")
