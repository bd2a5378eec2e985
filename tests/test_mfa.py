"""The second factor (issue 10): set up by QR code and key at the first sign-in, codes from a TOTP app (pyotp
computes them here), one-time recovery codes stored as hashes, required for admins and configurable roles."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from conftest import make_app
from ladder import db
from ladder.models import AuditEntry, RecoveryCode, User
from staff_signin import CODE, SETUP, link_parts, secret_on_page, stored_secret
from test_resident import token
from test_staff import PASSWORD, add_user, login

HOME = "/beheer/"


def password_step(client, email):
    response = login(client, email)
    assert response.status_code == 302
    return response.headers["Location"]


def set_up(client, code_of=lambda secret: pyotp.TOTP(secret).now()):
    page = client.get(SETUP)
    html = page.get_data(as_text=True)
    secret = secret_on_page(html)
    return secret, client.post(SETUP, data={"csrf_token": token(page.data), "code": code_of(secret)}), html


def give_code(client, code):
    page = client.get(CODE)
    return client.post(CODE, data={"csrf_token": token(page.data), "code": code})


def test_an_admin_sets_up_the_second_factor_at_the_first_sign_in(app):
    add_user(app, "baas@example.org", "admin")
    client = app.test_client()
    assert password_step(client, "baas@example.org").endswith(SETUP)
    assert client.get(HOME).status_code == 302  # the password alone opens nothing

    page = client.get(SETUP)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"].startswith("no-store")
    assert re.search(r'<svg role="img" aria-label="[^"]+"', html)  # the QR code, inline, with a name
    assert "<script" not in html.split("<main", 1)[1] and "style=" not in html
    secret = secret_on_page(html)
    assert len(secret) == 32

    wrong = client.post(SETUP, data={"csrf_token": token(page.data), "code": "000000"
                                     if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 401 and "klopt niet" in wrong.get_data(as_text=True)
    assert stored_secret(app, "baas@example.org") is None  # nothing stored yet

    done = client.post(SETUP, data={"csrf_token": token(page.data), "code": pyotp.TOTP(secret).now()})
    shown = done.get_data(as_text=True)
    assert done.status_code == 200 and done.headers["Cache-Control"].startswith("no-store")
    codes = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>", shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(HOME).status_code == 200  # signed in
    assert stored_secret(app, "baas@example.org") == secret
    with app.app_context():
        stored = [r.code_hash for r in db.session().scalars(select(RecoveryCode))]
        assert len(stored) == 10 and not any(c.replace("-", "") in h.upper() for c in codes for h in stored)
        assert "second-factor-set" in [e.action for e in db.session().scalars(select(AuditEntry))]


def enrolled(app, email="baas@example.org", role="admin", municipality=None):
    add_user(app, email, role, municipality)
    client = app.test_client()
    password_step(client, email)
    secret, done, _ = set_up(client)
    codes = re.findall(r"<code>([A-Z0-9-]{14})</code>", done.get_data(as_text=True))
    return secret, codes


def next_step_code(secret):
    """The code of the next time step: accepted (clock drift), and not the one just used to set up."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(int(time.time() // 30) + 1)


def test_the_next_sign_in_asks_for_a_code_that_works_once(sqlite_app):
    secret, _ = enrolled(sqlite_app)
    client = sqlite_app.test_client()
    assert password_step(client, "baas@example.org").endswith(CODE)
    assert client.get(HOME).status_code == 302
    code = next_step_code(secret)
    assert give_code(client, code).status_code == 302
    assert client.get(HOME).status_code == 200
    # the same code again, from another browser that knows the password: refused
    other = sqlite_app.test_client()
    password_step(other, "baas@example.org")
    replay = give_code(other, code)
    assert replay.status_code == 401 and other.get(HOME).status_code == 302


def test_a_recovery_code_works_once(sqlite_app):
    _, codes = enrolled(sqlite_app)
    client = sqlite_app.test_client()
    password_step(client, "baas@example.org")
    assert give_code(client, codes[3].lower().replace("-", " ")).status_code == 302  # as typed
    assert client.get(HOME).status_code == 200
    again = sqlite_app.test_client()
    password_step(again, "baas@example.org")
    assert give_code(again, codes[3]).status_code == 401
    with sqlite_app.app_context():
        assert len(db.session().scalars(select(RecoveryCode)).all()) == 9
        assert "recovery-code-used" in [e.action for e in db.session().scalars(select(AuditEntry))]


def test_wrong_codes_are_throttled_and_send_the_user_back_to_the_password(sqlite_app):
    enrolled(sqlite_app)
    client = sqlite_app.test_client()
    password_step(client, "baas@example.org")
    statuses = [give_code(client, "123456" if n % 2 else "654321").status_code for n in range(5)]
    assert set(statuses) == {401}
    refused = give_code(client, "123456")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert client.get(CODE).status_code == 302  # back to the password
    assert client.get(HOME).status_code == 302


def test_a_pending_sign_in_expires(sqlite_app):
    secret, _ = enrolled(sqlite_app)
    client = sqlite_app.test_client()
    password_step(client, "baas@example.org")
    with client.session_transaction() as session:
        session["pending"]["at"] -= 11 * 60
        session.modified = True
    response = client.post(CODE, data={"csrf_token": token(client.get("/beheer/inloggen").data),
                                       "code": next_step_code(secret)})
    assert response.status_code == 302 and "/beheer/inloggen" in response.headers["Location"]
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize("roles, asked", [([], False), (["editor"], True)])
def test_other_roles_are_asked_as_configured(sqlite_url, tmp_path, roles, asked):
    app = make_app(sqlite_url, tmp_path, MFA_REQUIRED_ROLES=roles)
    add_user(app, "ed@example.org", "editor", "Testgemeente")
    add_user(app, "baas@example.org", "admin")
    assert password_step(app.test_client(), "ed@example.org").endswith(SETUP) == asked
    assert password_step(app.test_client(), "baas@example.org").endswith(SETUP)  # admins always


def test_editors_and_analysts_are_asked_by_default(app):
    add_user(app, "an@example.org", "analyst", "Testgemeente")
    assert password_step(app.test_client(), "an@example.org").endswith(SETUP)


def test_reset_with_second_factor_sets_it_up_again(sqlite_app):
    enrolled(sqlite_app)
    result = sqlite_app.test_cli_runner().invoke(args=["users", "reset-password", "baas@example.org",
                                                       "--second-factor"])
    assert result.exit_code == 0, result.output
    path, code = link_parts(result.output)
    client = sqlite_app.test_client()
    page = client.get(path)
    client.post(path, data={"csrf_token": token(page.data), "token": code, "password": PASSWORD,
                            "password_again": PASSWORD})
    assert password_step(client, "baas@example.org").endswith(SETUP)
    with sqlite_app.app_context():
        assert db.session().scalars(select(RecoveryCode)).first() is None
        user = db.session().scalar(select(User))
        assert user.totp_secret is None
