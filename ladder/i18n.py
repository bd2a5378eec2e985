"""Interface language: Dutch by default, Frisian and English where translated.

Interface strings are written in Dutch in the source and wrapped in ``_()``; Dutch needs no
catalogue, so a missing or broken translation falls back to plain Dutch, never to code words.
"""
from __future__ import annotations

from flask import g, has_request_context, request, session
from flask.sessions import NullSession
from flask_babel import Babel, gettext, lazy_gettext

from . import messages
from .text import DEFAULT_LOCALE, LOCALES

_ = gettext
_l = lazy_gettext


def current_locale() -> str:
    """The resident's chosen language: ?lang=, then the session, then Dutch."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if "locale" in g:
        return g.locale
    chosen = request.args.get("lang")
    if chosen in LOCALES and not isinstance(session, NullSession):  # the API has no cookie session
        session["locale"] = chosen
    locale = chosen if chosen in LOCALES else session.get("locale", DEFAULT_LOCALE)
    g.locale = locale if locale in LOCALES else DEFAULT_LOCALE
    return g.locale


def init_app(app) -> None:
    """Attach Flask-Babel with the resident's language choice."""
    Babel(app, locale_selector=current_locale, default_locale=DEFAULT_LOCALE)
    messages.install(_engine_gettext)
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["LOCALES"] = {"nl": "Nederlands", "fy": "Frysk", "en": "English"}


def _engine_gettext(message: str) -> str:
    """The engine's messages in the resident's language during a request; Dutch outside one."""
    return gettext(message) if has_request_context() else message
