"""Invite-only surveys: single-use codes, stored hashed, handed out once as CSV for mail merge."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select, update

from . import db
from .codes import code_hash, new_code
from .models import InviteCode, utcnow
from .survey import Survey


def make_codes(survey: Survey, count: int) -> list[str]:
    """Create ``count`` codes for the survey (added to the current transaction) and return them."""
    if not 1 <= count <= 100_000:
        raise ValueError("count must be between 1 and 100000")
    codes = [new_code() for _ in range(count)]
    db.session().add_all(InviteCode(survey_slug=survey.slug, code_hash=code_hash(c)) for c in codes)
    return codes


def codes_csv(survey: Survey, codes: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "adres"])
    for code in codes:
        writer.writerow([code, f"/s/{survey.slug}"])
    return out.getvalue()


def find_unused(survey: Survey, code: str) -> InviteCode | None:
    return db.session().scalar(select(InviteCode).where(
        InviteCode.code_hash == code_hash(code), InviteCode.survey_slug == survey.slug, InviteCode.used_at.is_(None)))


def use(survey: Survey, code: str) -> int | None:
    """Mark the code used in the current transaction; None if it is unknown or already used.

    A conditional UPDATE, so two submissions racing with one code cannot both win.
    """
    invite = find_unused(survey, code)
    if invite is None:
        return None
    result = db.session().execute(update(InviteCode).where(InviteCode.id == invite.id, InviteCode.used_at.is_(None))
                                  .values(used_at=utcnow()))
    return invite.id if result.rowcount == 1 else None
