"""Staff passwords are stored with scrypt at werkzeug's default cost; only tests may lower it (conftest.py does,
for speed), and a sign-in with an unknown address costs a check with the same method as a real one."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import ladder.accounts
from conftest import TEST_HASH_METHOD, make_app
from ladder import create_app, db
from ladder.accounts import STRONG_HASH_METHOD, check_hash_method
from ladder.models import User
from ladder.testing import migrate
from test_staff import PASSWORD, add_user, login


def stored_hash(app, email):
    with app.app_context():
        return db.session().scalar(select(User.password_hash).where(User.email == email))


def test_an_installation_stores_passwords_with_scrypt_at_its_default_cost(sqlite_url, tmp_path):
    migrate(sqlite_url)
    production = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "x"}, instance_path=tmp_path / "prod")
    assert production.config["PASSWORD_HASH_METHOD"] == STRONG_HASH_METHOD == "scrypt:32768:8:1"
    add_user(production, "sterk@example.org", "editor", "Molenwaard")
    assert stored_hash(production, "sterk@example.org").startswith("scrypt:32768:8:1$")
    assert login(production.test_client(), "sterk@example.org").status_code == 302


def test_the_tests_cheaper_method_is_used_and_still_checks_the_password(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, MFA_REQUIRED_ROLES=[])
    add_user(app, "snel@example.org", "editor", "Testgemeente")
    assert stored_hash(app, "snel@example.org").startswith(TEST_HASH_METHOD + "$")
    assert login(app.test_client(), "snel@example.org", "niet het wachtwoord").status_code == 401
    assert login(app.test_client(), "snel@example.org", PASSWORD).status_code == 302


@pytest.mark.parametrize("method", ["scrypt:1024:8:1", "scrypt:32768:4:1", "scrypt:32768:8:0"])
def test_a_weaker_method_is_refused_outside_tests(method):
    with pytest.raises(ValueError, match="weaker than 'scrypt:32768:8:1'"):
        check_hash_method({"PASSWORD_HASH_METHOD": method})
    check_hash_method({"PASSWORD_HASH_METHOD": method, "TESTING": True})


@pytest.mark.parametrize("method", ["pbkdf2:sha256:1000", "scrypt:lots:8:1", "scrypt:32768", "md5"])
def test_a_method_that_is_not_scrypt_is_refused(method):
    with pytest.raises(ValueError, match="give scrypt as 'scrypt:N:r:p'"):
        check_hash_method({"PASSWORD_HASH_METHOD": method, "TESTING": True})


def test_a_stronger_method_is_taken(sqlite_url, tmp_path):
    check_hash_method({"PASSWORD_HASH_METHOD": "scrypt:65536:8:2"})
    with pytest.raises(ValueError):
        create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "x", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"},
                   instance_path=tmp_path / "weak")


def test_an_unknown_address_costs_a_check_with_the_same_method(sqlite_url, tmp_path, monkeypatch):
    app = make_app(sqlite_url, tmp_path, MFA_REQUIRED_ROLES=[])
    add_user(app, "echt@example.org", "editor", "Testgemeente")
    checked = []
    real = ladder.accounts.check_password_hash
    monkeypatch.setattr(ladder.accounts, "check_password_hash",
                        lambda stored, password: checked.append(stored.split("$")[0]) or real(stored, password))
    assert login(app.test_client(), "echt@example.org", "niet het wachtwoord").status_code == 401
    assert login(app.test_client(), "niemand@example.org", "niet het wachtwoord").status_code == 401
    assert checked == [TEST_HASH_METHOD, TEST_HASH_METHOD]
