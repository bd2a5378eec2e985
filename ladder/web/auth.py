"""Staff accounts: sign-in with Flask-Login, sessions that end, safe redirects, and who may see what.

Roles: ``admin`` sees and runs every municipality's surveys and reads the audit log; ``editor``
runs the surveys of one municipality; ``analyst`` reads and exports them. Anything of another
municipality answers 404, as if it did not exist.

A session holds the user's id *and* session version (``User.get_id``): sign-out, a new password and
``ladder users disable`` raise the version, so every copy of an older cookie stops working. A session also
ends after ``SESSION_IDLE_MINUTES`` without a request and ``SESSION_MAX_HOURS`` after signing in.
Throttling of sign-in attempts lives in ``ladder.throttle``; the accounts themselves (passwords, set-up links,
roles) in ``ladder.accounts``, which the ``ladder users`` commands use too.
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from flask import abort, current_app, session
from flask_login import LoginManager, current_user, login_user
from .. import db, throttle
from ..i18n import _l
from ..models import User

class _LoginManager(LoginManager):
    def _session_protection_failed(self):
        # Flask-Login hashes the client's address and browser on every request before reading the setting; with the
        # protection off (ladder's own session version and timeouts do this job) that hash decides nothing.
        mode = current_app.config.get("SESSION_PROTECTION", self.session_protection)
        if not mode or mode not in ("basic", "strong"):
            return False
        return super()._session_protection_failed()


login_manager = _LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = _l("Log in om deze pagina te zien.")
login_manager.session_protection = None  # the session version and timeouts below do this job


def init_app(app) -> None:
    login_manager.init_app(app)
    throttle.init_app(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    uid, _, version = user_id.partition(":")
    if not (uid.isdigit() and version.isdigit()) or _session_expired():
        return _end_session()
    user = db.session().get(User, int(uid))
    if user is None or not user.active or (user.session_version or 0) != int(version):
        return _end_session()
    session["seen_at"] = int(time.time())
    return user


def _session_expired() -> bool:
    now, config = time.time(), current_app.config
    started, seen = session.get("signed_in_at"), session.get("seen_at")
    if not isinstance(started, int) or not isinstance(seen, int):
        return True
    return now - started > config["SESSION_MAX_HOURS"] * 3600 or now - seen > config["SESSION_IDLE_MINUTES"] * 60


def _end_session() -> None:
    session.clear()  # the CSRF token goes with it
    return None


def start_session(user: User) -> None:
    """Sign ``user`` in on a fresh session: whatever the old cookie held (its CSRF token too) is dropped."""
    session.clear()
    login_user(user)
    now = int(time.time())
    session["signed_in_at"] = session["seen_at"] = now


# Characters browsers drop from a URL before reading it (WHATWG URL standard): tab, LF and CR anywhere,
# and C0 controls or spaces at either end.
_DROPPED = re.compile(r"[\t\n\r]")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, read the way a browser would read it; otherwise ``None``."""
    if not target or not isinstance(target, str):
        return None
    seen = _DROPPED.sub("", target).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                          "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    seen = seen.replace("\\", "/")  # browsers treat a backslash in an http(s) URL as a slash
    if any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in seen):
        return None
    if not seen.startswith("/") or seen.startswith("//"):
        return None
    parts = urlsplit(seen)
    if parts.scheme or parts.netloc:
        return None
    return seen


def can_read(user, survey) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == "admin" or user.municipality == survey.municipality


def can_edit(user, survey) -> bool:
    return can_read(user, survey) and user.role in ("admin", "editor")


def staff_survey(slug: str, edit: bool = False):
    """The survey ``slug`` if the signed-in user may see it (404 otherwise) and, with ``edit``, change it (403)."""
    from ..registry import registry
    survey = registry().survey(slug)
    if survey is None or not can_read(current_user, survey):
        abort(404)
    if edit and not can_edit(current_user, survey):
        abort(403)
    return survey


def visible_surveys(user) -> list:
    from ..registry import registry
    return sorted((s for s in registry().surveys.values() if can_read(user, s)), key=lambda s: (s.municipality, s.slug))
