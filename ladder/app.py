"""The application factory."""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader

from . import accounts, commands, db, i18n
from .web import auth, filters, fragments, input_guard, security, static_versions
from . import config as default_config
from .plugins import load_registry
from .registry import attach

csrf = CSRFProtect()


def create_app(test_config: dict | None = None, instance_path: str | os.PathLike | None = None, *,
               strict: bool = True) -> Flask:
    """Create the app.

    Settings come from the defaults (``ladder.config``), then ``instance/config.py``, then
    ``LADDER_*`` environment variables; with ``test_config`` they come from the defaults and
    ``test_config`` alone, as in Flask's tutorial, so a test never reads a developer's settings.
    The instance folder is ``instance_path``, else ``LADDER_INSTANCE_PATH``, else Flask's default.
    ``strict=False`` (the ``ladder`` program's diagnostic commands) reports a plugin conflict instead
    of raising it: see ``ladder.plugins.load_registry``.
    """
    instance_path = instance_path or (os.environ.get("LADDER_INSTANCE_PATH") if test_config is None else None)
    app = Flask("ladder", instance_relative_config=True,
                instance_path=str(Path(instance_path).resolve()) if instance_path else None)
    app.config.from_object(default_config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("LADDER")
    else:
        app.config.from_mapping(test_config)
    if app.config.get("PRODUCTION"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    accounts.check_hash_method(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = security.instance_secret(Path(app.instance_path))
    if not app.config.get("TOTP_KEY"):  # encrypts the second factor's secrets: a file, not in the database
        app.config["TOTP_KEY"] = security.instance_secret(Path(app.instance_path), "totp_key")
    app.json.sort_keys = False  # the API keeps the survey file's order

    registry = load_registry(app.config, app=app, strict=strict)
    attach(app, registry)
    folders = [t.template_folder for t in registry.question_types.values() if t.template_folder]
    if folders:  # a plugin's question type may bring its own templates
        app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(folders)])

    logging.getLogger("werkzeug").addFilter(NO_CLIENT_ADDRESS)
    app.session_interface = SessionInterface()
    db.init_app(app)
    i18n.init_app(app)
    filters.init_app(app)
    fragments.init_app(app)
    # Before CSRFProtect, whose check reads the form too, and before the blueprints, whose <int:...> rules
    # take its bounded ids.
    input_guard.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    static_versions.init_app(app)

    from .web.views import api, editor, entry, errors, meta, ops, plans, register, resident, results, signin, staff
    app.register_blueprint(resident.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(entry.bp)
    app.register_blueprint(editor.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # public, cookie-less JSON submissions; the HTML form keeps its token
    app.register_blueprint(meta.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(register.bp)
    ops.init_app(app)
    errors.init_app(app)
    for contribution in registry.call("register_blueprints", app=app, config=app.config):
        for blueprint in contribution:
            app.register_blueprint(blueprint)
    commands.init_app(app)
    return app


class _NoClientAddress(logging.Filter):
    """The development server (``ladder run``) starts each request line with the client's address;
    ladder stores and logs no IP addresses, so it is replaced by "-". Gunicorn (``make serve``) keeps
    no access log unless asked; see docs/privacy.rst."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = _ADDRESS.sub("- - - [", record.msg)
        return True


_ADDRESS = re.compile(r"^\S+ - - \[")
NO_CLIENT_ADDRESS = _NoClientAddress()  # one instance: adding it again to the logger is a no-op


class SessionInterface(SecureCookieSessionInterface):
    """No cookie session for the JSON API: it is cookie-less, and skipping it saves work per submission.

    The cookie's signing serializer is made once per key, not on every request as Flask does (one app
    per interface: create_app makes both)."""

    _made: tuple = (None, None)

    def open_session(self, app, request_):
        if request_.path.startswith("/api/"):
            return self.make_null_session(app)
        return super().open_session(app, request_)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._made[0] != keys:
            self._made = (keys, super().get_signing_serializer(app))
        return self._made[1]
