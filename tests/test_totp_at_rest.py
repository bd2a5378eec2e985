"""TOTP secrets are encrypted at rest with a key outside the database (issue 24): the users table holds no
secret a copy of the database could make codes with."""
import pyotp
from sqlalchemy import select, text, update

from ladder import db
from ladder.models import User
from staff_signin import SETUP, code_for, secret_on_page
from test_resident import token
from test_staff import add_user, login


def _raw(app, email):
    with app.app_context():
        return db.session().scalar(text("SELECT totp_secret FROM users WHERE email = :e"), {"e": email})


def test_the_stored_secret_is_not_the_secret_and_the_key_lives_in_the_instance_folder(app):
    email = add_user(app, "admin@example.org", "admin")
    client = app.test_client()
    assert login(client, email).headers["Location"].endswith(SETUP)
    page = client.get(SETUP)
    secret = secret_on_page(page.get_data(as_text=True))
    assert client.post(SETUP, data={"csrf_token": token(page.data), "code": code_for(secret)}).status_code == 200
    stored = _raw(app, email)
    assert stored and secret not in stored and secret.lower() not in stored.lower()
    assert (app.config["TOTP_KEY"] or "") not in stored
    assert (app.config["TOTP_KEY"] == (app.instance_path and open(f"{app.instance_path}/totp_key").read().strip()))


def test_a_secret_stored_in_plain_text_before_still_works_and_is_encrypted_at_the_next_sign_in(app):
    from staff_signin import pass_second_factor
    email = add_user(app, "old@example.org", "admin")
    secret = pyotp.random_base32()
    with app.app_context():
        db.session().execute(update(User).where(User.email == email).values(totp_secret=secret))
        db.session().commit()
    client = app.test_client()
    response = login(client, email)
    page = client.get(response.headers["Location"])
    done = client.post(response.headers["Location"], data={"csrf_token": token(page.data), "code": code_for(secret)})
    assert done.status_code == 302
    assert secret not in _raw(app, email)
    with app.app_context():
        assert db.session().scalar(select(User.totp_last_step).where(User.email == email)) is not None
