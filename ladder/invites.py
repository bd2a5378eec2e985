"""Invite-only surveys: single-use codes, handed out once as CSV for mail merge.

Unlinkable by design: a code is stored as its HMAC with the server's key (``secret``), so the database and
the codes file together do not reveal which row is which code; the CSV lists the codes in a random order
(not the order of their ids); a used code is marked with the day only, in the same transaction as the
response, and the response keeps no reference to it.
"""
from __future__ import annotations

import csv
import io
import secrets

from sqlalchemy import select, update

from . import db
from .codes import code_hash, derive_key, keyed_hash, new_code
from .models import InviteCode, utcday
from .survey import Survey


def secret() -> bytes:
    """The key invite codes are hashed with: from ``INVITE_CODE_SECRET`` if set, else from ``SECRET_KEY``.

    Changing it makes unused codes unknown; set ``INVITE_CODE_SECRET`` to rotate ``SECRET_KEY`` safely."""
    from flask import current_app
    config = current_app.config
    return derive_key(config.get("INVITE_CODE_SECRET") or config["SECRET_KEY"], "invite-codes")


def _hashes(code: str, key: bytes) -> list[str]:
    # Codes made before migration 0003 were stored as plain SHA-256; they still work until used.
    return [keyed_hash(code, key), code_hash(code)]


def make_codes(survey: Survey, count: int, key: bytes | None = None) -> list[str]:
    """Create ``count`` codes for the survey (added to the current transaction) and return them."""
    if not 1 <= count <= 100_000:
        raise ValueError("count must be between 1 and 100000")
    key = key or secret()
    codes = [new_code() for _ in range(count)]
    db.session().add_all(InviteCode(survey_slug=survey.slug, code_hash=keyed_hash(c, key)) for c in codes)
    return codes


def shuffled(codes: list[str]) -> list[str]:
    """The codes in a random order: the n-th line or letter is not the n-th stored code."""
    out = list(codes)
    secrets.SystemRandom().shuffle(out)
    return out


def base_url() -> str:
    """The address residents type, from ``BASE_URL`` (e.g. https://inspraak.gemeente.nl), else this request's."""
    from flask import current_app, request
    configured = (current_app.config.get("BASE_URL") or "").rstrip("/")
    return configured or request.host_url.rstrip("/")


def start_url(survey: Survey, base: str) -> str:
    return f"{base}/s/{survey.slug}"


def invite_link(survey: Survey, code: str, base: str) -> str:
    """A link that carries the code after ``#``: browsers never send that part to the server, so the code is in
    no access log; the invitation page's script puts it in the form (without script, the resident types it)."""
    return f"{base}/s/{survey.slug}/uitnodiging#{code}"


def qr_svg(link: str) -> str:
    """A QR code of ``link`` as inline SVG markup (no XML declaration, no style attributes)."""
    import segno
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True,
                                     title="QR-code", svgclass="qr", lineclass=None, dark="#000")
    return out.getvalue().decode("utf-8")


def codes_csv(survey: Survey, codes: list[str], base: str = "") -> str:
    """The CSV for the mail merge, in a random order: per code the start page's address and the link that
    carries the code (full URLs when ``base`` is given)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "adres", "link"])
    for code in shuffled(codes):
        writer.writerow([code, start_url(survey, base), invite_link(survey, code, base)])
    return out.getvalue()


def find_unused(survey: Survey, code: str, key: bytes | None = None) -> InviteCode | None:
    return db.session().scalar(select(InviteCode).where(
        InviteCode.code_hash.in_(_hashes(code, key or secret())), InviteCode.survey_slug == survey.slug,
        InviteCode.used_at.is_(None)).limit(1))


def use(survey: Survey, code: str, key: bytes | None = None) -> bool:
    """Mark the code used (the day only) in the current transaction; False if it is unknown or already used.

    A conditional UPDATE, so two submissions racing with one code cannot both win.
    """
    result = db.session().execute(
        update(InviteCode).where(InviteCode.code_hash.in_(_hashes(code, key or secret())),
                                 InviteCode.survey_slug == survey.slug, InviteCode.used_at.is_(None))
        .values(used_at=utcday()).execution_options(synchronize_session=False))
    return result.rowcount == 1
