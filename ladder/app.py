"""The application factory."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from . import config as default_config
from . import auth, db, filters, i18n
from .plugins import load_plugins

csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults, then instance/config.py, then ``test_config``, then LADDER_* variables."""
    app = Flask("ladder", instance_relative_config=True)
    app.config.from_object(default_config)
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    app.config.from_prefixed_env("LADDER")
    if app.config.get("PRODUCTION"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    registry = load_plugins(app, disabled=set(app.config.get("DISABLED_PLUGINS") or ()),
                            extra=app.config.get("EXTRA_PLUGINS") or ())
    app.extensions["ladder"] = registry

    app.session_interface = SessionInterface()
    db.init_app(app)
    i18n.init_app(app)
    filters.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)

    from .views import api, errors, meta, resident, results, staff
    app.register_blueprint(resident.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # public, cookie-less JSON submissions; the HTML form keeps its token
    app.register_blueprint(meta.bp)
    errors.init_app(app)
    for blueprint in registry.blueprints:
        app.register_blueprint(blueprint)
    from . import cli
    cli.init_app(app)
    return app


class SessionInterface(SecureCookieSessionInterface):
    """No cookie session for the JSON API: it is cookie-less, and skipping it saves work per submission."""

    def open_session(self, app, request_):
        if request_.path.startswith("/api/"):
            return self.make_null_session(app)
        return super().open_session(app, request_)


def _instance_secret(instance: Path) -> str:
    """Read the instance's secret key, creating it (readable by the owner only) on first run."""
    path = instance / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def registry(app=None):
    """The plugin registry of ``app`` (or the current app)."""
    from flask import current_app
    return (app or current_app).extensions["ladder"]
