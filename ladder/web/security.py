"""Security headers on every response (Flask-Talisman), ``no-store`` where a page shows a code, and the
instance's secret key, created once even when many workers start together.
"""
from __future__ import annotations

import errno
import os
import secrets
import tempfile
import time
from pathlib import Path

from flask import current_app, request
from flask_talisman import Talisman
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: JavaScript and CSS come from /static. Charts are SVG images in
# data: URIs (ladder.outcomes), which an <img> cannot run script from.
CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {"browsing-topics": "()", "camera": "()", "microphone": "()", "geolocation": "()",
                      "payment": "()"}
HSTS_SECONDS = 365 * 24 * 3600

# Pages that may be kept by a browser or proxy: they show nothing of one resident or one staff member.
# Everything else (answers in progress, receipts, resume and invite codes, staff pages, exports, every
# POST) gets ``Cache-Control: no-store``, so the back button on a shared computer shows no one's code.
SHAREABLE_ENDPOINTS = frozenset({
    "static", "resident.index", "resident.accessibility", "results.show",
    "api.surveys", "api.survey", "api.openapi",
})


class _Talisman(Talisman):
    """Talisman with each policy header written once per app instead of on every response.

    ladder's policies are fixed dicts and use no nonce, so the text is always the same; with a nonce
    on the request (none today) Talisman's own code runs, as before."""

    def __init__(self, *args, **kwargs):
        self._policy_texts: dict[int, tuple[object, str]] = {}
        self._view_options: dict[object, dict] = {}
        self._fixed_headers: dict[int, tuple[dict, list, list]] = {}
        super().__init__(*args, **kwargs)

    def _get_local_options(self):
        """The view's options with the app's as defaults, made once per view function (Talisman makes them on
        each of its three calls per request). A view's options are fixed when it is decorated, the app's when
        Talisman is set up, and Talisman only reads the result, so one dict per view serves every request."""
        view = current_app.view_functions.get(request.endpoint)
        made = self._view_options.get(view)
        if made is None:
            made = self._view_options[view] = super()._get_local_options()
        return made

    def _force_https(self):
        # Talisman's check, with the common case first: no redirect is ever made for this view.
        if self._get_local_options()["force_https"]:
            return super()._force_https()
        if self.session_cookie_secure and not self.app.debug:
            self.app.config["SESSION_COOKIE_SECURE"] = True  # as Talisman's own check does on each request
        return None

    def _make_nonce(self):
        if self._get_local_options()["content_security_policy_nonce_in"]:  # else Talisman's makes none either
            super()._make_nonce()

    def _set_response_headers(self, response):
        """Talisman's headers, in Talisman's order; without a nonce all but HSTS are the same for every response
        of a view, so they are worked out once per view (Talisman's own methods, on a scratch header list)."""
        options = self._get_local_options()
        if options["content_security_policy_nonce_in"]:
            return super()._set_response_headers(response)
        fixed = self._fixed_headers.get(id(options))
        if fixed is None or fixed[0] is not options:
            fixed = self._fixed_headers[id(options)] = (options, *self._headers_of(options))
        _, before_hsts, after_hsts = fixed
        headers = response.headers
        for name, value in before_hsts:
            headers[name] = value
        if self.strict_transport_security:  # Talisman's check (https or not) runs only when HSTS is on
            self._set_hsts_headers(headers)
        for name, value in after_hsts:
            headers[name] = value
        return response

    def _headers_of(self, options) -> tuple[list, list]:
        before, after = Headers(), Headers()
        self._set_feature_policy_headers(before, options)
        self._set_permissions_policy_headers(before, options)
        self._set_document_policy_headers(before, options)
        self._set_frame_options_headers(before, options)
        self._set_content_security_policy_headers(before, options)
        self._set_referrer_policy_headers(after)
        return list(before.items()), list(after.items())

    def _memo(self, policy, make) -> str:
        kept = self._policy_texts.get(id(policy))
        if kept is None or kept[0] is not policy:
            kept = self._policy_texts[id(policy)] = (policy, make(policy))
        return kept[1]

    def _parse_policy(self, policy):
        if hasattr(request, "csp_nonce"):
            return super()._parse_policy(policy)
        return self._memo(policy, super()._parse_policy)

    def _parse_structured_header_policy(self, policy):
        return self._memo(policy, super()._parse_structured_header_policy)


def init_app(app) -> None:
    """Security headers for this app (one Talisman per app: its options live on the instance); behind
    ``PROXY_COUNT`` reverse proxies, the client's address, scheme and host as the proxies pass them on."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Only as many X-Forwarded-* hops as there are proxies of our own are believed; a client cannot
        # make itself look like another address (the sign-in throttle counts per client) or like https.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    production = bool(app.config.get("PRODUCTION"))
    app.extensions["talisman"] = _Talisman(
        app,
        # TLS ends at the proxy, which redirects http to https; the app never redirects itself, so
        # development and tests run over plain http.
        force_https=False,
        # HSTS only in production, and Talisman sends it only on requests that arrived over https
        # (X-Forwarded-Proto from the proxy); not for subdomains, which are not ladder's to decide.
        strict_transport_security=production,
        strict_transport_security_max_age=HSTS_SECONDS,
        strict_transport_security_include_subdomains=False,
        frame_options="DENY",
        content_security_policy=CSP,
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        # Keep ladder's own cookie settings (Talisman would otherwise force Secure, also over http).
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        session_cookie_http_only=bool(app.config.get("SESSION_COOKIE_HTTPONLY", True)),
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
    )
    app.after_request(_no_store)


def _no_store(response):
    if request.method not in ("GET", "HEAD") or request.endpoint not in SHAREABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- the instance's secret key

# What a new key file means for the people using the instance.
CONSEQUENCE = {"secret_key": "everyone signed in must then sign in again",
               "totp_key": "every staff member must then set up the second factor again"}

def instance_secret(instance: Path, name: str = "secret_key") -> str:
    """The instance's secret key (or another key file ``name``), created on first start (owner-only file).

    Several workers may start at once on a fresh instance folder: each writes a candidate key to a
    temporary file and hard-links it to ``secret_key``, which fails if the name exists, so exactly one
    wins and the file is never seen half-written; the others read the winner's key. Where hard links
    are not supported, an exclusive create (O_EXCL) decides, and readers wait for its content.
    """
    path = Path(instance) / name
    key = _read(path)
    if key is None:
        _create(path)
        key = _read(path)
    deadline = time.monotonic() + 2
    while not key and time.monotonic() < deadline:  # an O_EXCL winner still writing (fallback only)
        time.sleep(0.02)
        key = _read(path)
    if not key:
        raise RuntimeError(f"{path} is empty. Delete it so a new key is made at the next start "
                           f"({CONSEQUENCE.get(name, 'what it protected cannot be read any more')}).")
    return key


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return None


def _create(path: Path) -> None:
    key = secrets.token_urlsafe(48)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker won; its key is read
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            _create_exclusive(path, key)
    finally:
        os.unlink(tmp)


def _create_exclusive(path: Path, key: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
