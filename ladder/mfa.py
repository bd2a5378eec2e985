"""The second factor for staff: a TOTP app (RFC 6238, 30 s, 6 digits) plus one-time recovery codes.

Who must use it: every admin, and the roles in ``MFA_REQUIRED_ROLES``. The secret is stored with the user,
encrypted (Fernet) with ``TOTP_KEY``, a key kept outside the database (``instance/totp_key``), so a copy of
the database makes no codes; each code is accepted once (the time step is kept); recovery codes are stored as
hashes only and deleted when used.
"""
from __future__ import annotations

import base64
import hmac
import time

import pyotp
from flask import current_app
from markupsafe import Markup, escape
import segno
from sqlalchemy import delete, or_, select, update

from . import db
from .codes import code_hash, new_code
from .models import RecoveryCode, User

ISSUER = "ladder"
RECOVERY_CODES = 10
ALWAYS_REQUIRED = ("admin",)


def required_for(user: User, config) -> bool:
    return user.role in ALWAYS_REQUIRED or user.role in (config.get("MFA_REQUIRED_ROLES") or ())


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(email: str, secret: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG markup: no script, no style attribute, no separate request."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", title=escape(title),
                                                  svgclass="qr", lineclass=None, omitsize=False)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1))


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type over from the screen."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def matching_step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is (now, or one step either side for a slow clock), unless it was
    already used; ``None`` when it does not match."""
    code = _digits(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None


_SEALED = "gAAAAA"  # how every Fernet token starts (version byte 0x80); a secret in base32 never does


def _fernet():
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ladder totp secrets").derive(
        current_app.config["TOTP_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """The secret as stored: encrypted and authenticated with the instance's TOTP key."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(stored: str | None) -> str | None:
    """The secret from what is stored; a secret stored in plain text by an older version is returned as it is
    (``verify`` seals it); None if the key cannot open it (another instance's key: set up again)."""
    from cryptography.fernet import InvalidToken
    if not stored or not stored.startswith(_SEALED):
        return stored or None
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        return None


def verify(user: User, code: str) -> bool:
    """Check a code from the app against ``user``'s secret and remember its step, so it works once: a
    conditional UPDATE, so two requests with the same code cannot both pass."""
    secret = unseal(user.totp_secret)
    step = matching_step(secret, code, user.totp_last_step) if secret else None
    if step is None:
        return False
    values = {"totp_last_step": step}
    if not user.totp_secret.startswith(_SEALED):  # stored in plain text by an older version: seal it now
        values["totp_secret"] = seal(secret)
    taken = db.session().execute(update(User).where(
        User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step)).values(**values))
    return taken.rowcount == 1


def new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with new ones; returns them (shown once), stores their hashes."""
    session = db.session()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=code_hash(c)) for c in codes)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code: one DELETE, so two requests with the same code cannot both pass."""
    if not code or len("".join(ch for ch in code if ch.isalnum())) != 12:
        return False
    deleted = db.session().execute(delete(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash(code)))
    return deleted.rowcount == 1


def recovery_codes_left(user: User) -> int:
    return len(db.session().scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)).all())


def enrol(user: User, secret: str, step: int) -> list[str]:
    user.totp_secret, user.totp_last_step = seal(secret), step
    return new_recovery_codes(user)


def reset(user: User) -> None:
    """Forget the second factor: the user sets it up again at the next sign-in."""
    user.totp_secret, user.totp_last_step = None, None
    db.session().execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
