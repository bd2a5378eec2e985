"""Staff accounts: sign-in with Flask-Login, throttled with Flask-Limiter, and who may see what.

Roles: ``admin`` sees and runs every municipality's surveys and reads the audit log; ``editor``
runs the surveys of one municipality; ``analyst`` reads and exports them. Anything of another
municipality answers 404, as if it did not exist.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import abort, request
from flask_limiter import Limiter
from flask_login import LoginManager, current_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import db
from .codes import code_hash
from .i18n import _l
from .models import User, utcnow

ROLES = ("admin", "editor", "analyst")
MIN_PASSWORD_LENGTH = 12
SETUP_LINK_VALID = timedelta(hours=48)

login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = _l("Log in om deze pagina te zien.")


def _login_key() -> str:
    # Throttle per account tried, not per address: no IP address is kept, not even in the limiter.
    email = (request.form.get("email") or "").strip().lower()
    return "login:" + hashlib.sha256(email.encode()).hexdigest()


limiter = Limiter(key_func=_login_key, default_limits=[], headers_enabled=False)


@limiter.request_filter
def _not_sign_in() -> bool:
    # Only sign-in is throttled: skip the limiter's bookkeeping on every other request.
    return request.endpoint != "staff.login"


def init_app(app) -> None:
    login_manager.init_app(app)
    limiter.init_app(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session().get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


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


def can_read(user, survey) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == "admin" or user.municipality == survey.municipality


def can_edit(user, survey) -> bool:
    return can_read(user, survey) and user.role in ("admin", "editor")


def staff_survey(slug: str, edit: bool = False):
    """The survey ``slug`` if the signed-in user may see it (404 otherwise) and, with ``edit``, change it (403)."""
    from .views import registry
    survey = registry().survey(slug)
    if survey is None or not can_read(current_user, survey):
        abort(404)
    if edit and not can_edit(current_user, survey):
        abort(403)
    return survey


def visible_surveys(user) -> list:
    from .views import registry
    return sorted((s for s in registry().surveys.values() if can_read(user, s)), key=lambda s: (s.municipality, s.slug))


_DUMMY_HASH = generate_password_hash("not a real password")
