"""Test helpers for the staff sign-in after the password: set up the second factor, or give a code (pyotp)."""
from __future__ import annotations

import re
import time

import pyotp

from ladder import db

SETUP, CODE = "/beheer/inloggen/instellen", "/beheer/inloggen/code"
_used: dict[str, int] = {}  # the last time step each secret gave a code for: a code works once


def _token(html: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()


def code_for(secret: str) -> str:
    """A code the server has not seen yet: the current step, else the next one (accepted for clock drift),
    else wait for a fresh step. Never the previous step's: the server takes it only until the current step
    ends, which a page submitted under load can miss (the sign-in then fails with 401)."""
    totp = pyotp.TOTP(secret)
    while True:
        step = int(time.time() // 30)
        for candidate in (step, step + 1):
            if candidate > _used.get(secret, -1):
                _used[secret] = candidate
                return totp.generate_otp(candidate)
        time.sleep(1)


def secret_on_page(html: str) -> str:
    return re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")


def pass_second_factor(app, client, response, email):
    """Follow ``email``'s sign-in ``response`` through the second factor, setting it up first if needed.
    Returns the final response: a redirect to where the user was going, or the recovery codes page."""
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if location.endswith(SETUP):
        page = client.get(SETUP)
        secret = secret_on_page(page.get_data(as_text=True))
        return client.post(SETUP, data={"csrf_token": _token(page.data), "code": code_for(secret)})
    if location.endswith(CODE):
        page = client.get(CODE)
        return client.post(CODE, data={"csrf_token": _token(page.data), "code": code_for(stored_secret(app, email))})
    return response


def enrolled(app, email: str) -> None:
    """Set up ``email``'s second factor as a first sign-in does (``mfa.enrol``: secret and recovery codes), without
    the set-up page: tests whose subject is not the sign-in skip its QR code and codes page, which test_mfa and
    the browser tests walk. Only for a role that must use it: others sign in with their password alone."""
    from ladder import mfa
    from ladder.accounts import find_user
    with app.app_context():
        user = find_user(email)
        if mfa.required_for(user, app.config):
            mfa.enrol(user, mfa.new_secret(), None)  # no code used yet
            db.session().commit()


def link_parts(output: str) -> tuple[str, str]:
    """The set-password link in a command's output as (path, code): the code after "#" goes with the form."""
    match = re.search(r"(/beheer/wachtwoord)#(\S+)", output)
    return match.group(1), match.group(2)


def stored_secret(app, email: str) -> str:
    """The user's secret, opened with the instance's key (the database holds it encrypted)."""
    from ladder import mfa
    from ladder.accounts import find_user
    with app.app_context():
        return mfa.unseal(find_user(email).totp_secret)
