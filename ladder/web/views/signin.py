"""Signing in, after the password: the second factor (set it up, or give a code) and where to go next.

Between a correct password and a full session the cookie holds only a *pending* sign-in (user id, session
version, when, where to go next), good for ``PENDING_MINUTES``; nothing behind ``login_required`` opens with it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ... import audit, db, mfa, throttle
from .. import auth
from ... import accounts
from ...i18n import _, _l
from ...models import User, utcnow
from ..staff_forms import StaffForm, staff_form_valid

bp = Blueprint("signin", __name__, url_prefix="/beheer/inloggen")

PENDING_MINUTES = 10
WRONG = _l("Het e-mailadres of het wachtwoord klopt niet.")


@dataclass
class Outcome:
    user: User | None = None
    refused: bool = False
    status: int = 401
    retry_after: int = 0
    message: str = ""


def _minutes(seconds: int) -> str:
    if seconds < 90:
        return _("%(n)s seconden", n=seconds)
    return _("%(n)s minuten", n=-(-seconds // 60))


def check_password(email: str, password: str) -> Outcome:
    """Throttle, then check ``email``'s password under the bound on password hashing."""
    gate = throttle.of(current_app)
    verdict = gate.check(email, request.remote_addr)
    if not verdict.allowed:
        return Outcome(refused=True, status=429, retry_after=verdict.retry_after, message=_(
            "Te veel pogingen. Probeer het over %(wait)s opnieuw.", wait=_minutes(verdict.retry_after)))
    user = accounts.find_user(email)
    with gate.hashing(verdict) as placed:
        if not placed:
            return Outcome(refused=True, status=503, retry_after=2, message=_(
                "Het is nu te druk om in te loggen. Probeer het over een paar seconden opnieuw."))
        correct = accounts.check_password(user, password)
    if correct:
        gate.succeeded(verdict)
        return Outcome(user=user)
    gate.failed(verdict)
    # an existing account (disabled ones too) gets its own counted row; an unknown address is not kept
    audit.count_failed_sign_in(user.email if user else None, user.municipality if user else None)
    return Outcome(message=str(WRONG))


def password_passed(user: User, next_url: str | None):
    """The password was right: sign in, or first ask for (or set up) the second factor."""
    target = auth.safe_next(next_url)
    if not (user.totp_secret or mfa.required_for(user, current_app.config)):
        return _finish(user, target)
    session.clear()
    session["pending"] = {"user": user.get_id(), "at": int(time.time()), "next": target}
    return redirect(url_for("signin.second_factor" if user.totp_secret else "signin.set_up"))


def _pending_user() -> User:
    pending = session.get("pending")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
        session.pop("pending", None)
        abort(redirect(url_for("staff.login")))
    uid, _sep, version = str(pending.get("user", "")).partition(":")
    user = db.session().get(User, int(uid)) if uid.isdigit() else None
    if user is None or not user.active or user.get_id() != f"{uid}:{version}":
        session.pop("pending", None)
        abort(redirect(url_for("staff.login")))
    return user


def _finish(user: User, target: str | None, page=None):
    auth.start_session(user)
    user.last_login_at = utcnow()
    audit.record("sign-in", email=user.email, municipality=user.municipality)
    db.session().commit()
    return page if page is not None else redirect(target or url_for("staff.home"))


class CodeForm(StaffForm):
    code = StringField(_l("Code"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[InputRequired(_l("Vul de code in.")), Length(max=20, message=_l("Vul de code in."))])


@bp.route("/code", methods=["GET", "POST"])
def second_factor():
    user = _pending_user()
    if not user.totp_secret:
        return redirect(url_for(".set_up"))
    form = CodeForm()
    error = None
    if staff_form_valid(form):
        gate = throttle.of(current_app)
        verdict = gate.second_factor_allowed(user.id)
        if not verdict.allowed:
            session.pop("pending", None)
            response = current_app.make_response((render_template(
                "staff/mfa_code.html", form=form, error=_("Te veel pogingen. Log over %(wait)s opnieuw in.",
                                                          wait=_minutes(verdict.retry_after)), done=True), 429))
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        if mfa.verify(user, form.code.data):
            gate.second_factor_passed(user.id)
            return _finish(user, session["pending"].get("next"))
        if mfa.use_recovery_code(user, form.code.data):
            gate.second_factor_passed(user.id)
            audit.record("recovery-code-used", email=user.email, municipality=user.municipality,
                         detail=f"{mfa.recovery_codes_left(user)} over")
            return _finish(user, session["pending"].get("next"))
        audit.record("second-factor-failed", email=user.email, municipality=user.municipality)
        db.session().commit()
        error = _("Deze code klopt niet. Gebruik de nieuwste code uit de app.")
    return render_template("staff/mfa_code.html", form=form, error=error), (401 if error else 422 if form.errors else 200)


@bp.route("/instellen", methods=["GET", "POST"])
def set_up():
    user = _pending_user()
    if user.totp_secret:
        return redirect(url_for(".second_factor"))
    secret = session.get("pending_secret")
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session["pending_secret"] = mfa.new_secret()
    form = CodeForm()
    error = None
    if staff_form_valid(form):
        step = mfa.matching_step(secret, form.code.data, None)
        if step is not None:
            codes = mfa.enrol(user, secret, step)
            audit.record("second-factor-set", email=user.email, municipality=user.municipality)
            target = session["pending"].get("next")
            page = current_app.make_response(render_template(
                "staff/mfa_recovery.html", codes=codes, next_url=target or url_for("staff.home")))
            page.headers["Cache-Control"] = "no-store"  # the codes are shown this once
            return _finish(user, target, page)
        error = _("Deze code klopt niet. Controleer of u de code goed heeft overgenomen en probeer het opnieuw.")
    uri = mfa.provisioning_uri(user.email, secret, current_app.config.get("MFA_ISSUER") or mfa.ISSUER)
    page = current_app.make_response((render_template(
        "staff/mfa_setup.html", form=form, error=error, secret=mfa.grouped(secret),
        qr=mfa.qr_svg(uri, _("QR-code om de tweede stap in te stellen"))), 401 if error else 422 if form.errors else 200))
    page.headers["Cache-Control"] = "no-store"  # the page shows the secret
    return page

