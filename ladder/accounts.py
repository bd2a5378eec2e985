"""Staff accounts without Flask: roles, finding an account, passwords, one-time set-up links, and ending every
session of an account. The sign-in pages (``ladder.web.auth``, ``ladder.web.views.signin``) and the ``ladder
users`` commands both use it."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import db
from .codes import code_hash
from .models import User, utcnow

ROLES = ("admin", "editor", "analyst")
MIN_PASSWORD_LENGTH = 12
SETUP_LINK_VALID = timedelta(hours=48)


def end_sessions(user: User) -> None:
    """End every session of ``user``, on every device (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1


def find_user(email: str) -> User | None:
    return db.session().scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash or not user.active:
        # Same work as a real check, so timing does not tell which e-mail addresses exist.
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Gebruik minstens {MIN_PASSWORD_LENGTH} tekens.")
    user.password_hash = generate_password_hash(password)
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


_DUMMY_HASH = generate_password_hash("not a real password")
