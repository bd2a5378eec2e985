"""Staff accounts without the web layer: roles, finding an account, passwords, one-time set-up links, and ending every
session of an account. The sign-in pages (``ladder.web.auth``, ``ladder.web.views.signin``) and the ``ladder
users`` commands both use it."""
from __future__ import annotations

import functools
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import config as default_config
from . import db
from .codes import code_hash
from .models import User, utcnow

ROLES = ("admin", "editor", "analyst")
MIN_PASSWORD_LENGTH = 12
SETUP_LINK_VALID = timedelta(hours=48)
# The shipped default is the floor: PASSWORD_HASH_METHOD may only be weaker than it under TESTING
# (``check_hash_method``).
STRONG_HASH_METHOD = default_config.PASSWORD_HASH_METHOD


def end_sessions(user: User) -> None:
    """End every session of ``user``, on every device (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1


def find_user(email: str) -> User | None:
    return db.session().scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash or not user.active:
        # Same work as a real check, so timing does not tell which e-mail addresses exist.
        check_password_hash(_dummy_hash(_hash_method()), password)
        return False
    return check_password_hash(user.password_hash, password)


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Gebruik minstens {MIN_PASSWORD_LENGTH} tekens.")
    user.password_hash = generate_password_hash(password, method=_hash_method())
    end_sessions(user)  # a new password ends every session signed in with the old one
    user.setup_token_hash = None
    user.setup_token_expires = None


def new_setup_token(user: User) -> str:
    """A one-time token for the set-password link; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    user.setup_token_hash = code_hash(token)
    user.setup_token_expires = utcnow() + SETUP_LINK_VALID
    return token


def user_for_token(token: str) -> User | None:
    user = db.session().scalar(select(User).where(User.setup_token_hash == code_hash(token)))
    if user is None or user.setup_token_expires is None:
        return None
    expires = user.setup_token_expires
    if expires.tzinfo is None:  # SQLite returns naive datetimes
        expires = expires.replace(tzinfo=utcnow().tzinfo)
    return user if expires > utcnow() else None


def check_hash_method(config) -> None:
    """Refuse a PASSWORD_HASH_METHOD weaker than werkzeug's scrypt default outside tests: it would be stored with
    every password set from then on. Tests use a cheaper one (conftest.py): scrypt's cost is a test's CPU."""
    method = config.get("PASSWORD_HASH_METHOD", STRONG_HASH_METHOD)
    name, *params = method.split(":")
    strong = [int(n) for n in STRONG_HASH_METHOD.split(":")[1:]]
    try:
        given = [int(n) for n in params] if params else strong
    except ValueError:
        given = []
    if name != "scrypt" or len(given) != 3:
        raise ValueError(f"PASSWORD_HASH_METHOD {method!r}: give scrypt as 'scrypt:N:r:p', e.g. {STRONG_HASH_METHOD!r}")
    if not config.get("TESTING") and any(g < s for g, s in zip(given, strong)):
        raise ValueError(f"PASSWORD_HASH_METHOD {method!r} is weaker than {STRONG_HASH_METHOD!r}; only tests may lower it")


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", STRONG_HASH_METHOD)


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a real password", method=method)
