"""The audit log of staff actions, visible to admins: who did what, to which survey, when.

Failed sign-ins are counted, not listed one by one: one row per account per day, and one row per day for
all addresses that have no account (the typed address itself is not kept: it may be a mistyped password).
So a flood of guesses cannot push real staff actions out of sight.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask_login import current_user
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from . import db
from .models import AuditEntry, utcday, utcnow

# Every action, with the one Dutch name staff see for it.
ACTIONS = {
    "sign-in": "Ingelogd",
    "sign-out": "Uitgelogd",
    "sign-in-failed": "Inloggen mislukt",
    "sign-in-unknown": "Inloggen mislukt (onbekend e-mailadres)",
    "second-factor-set": "Tweede stap ingesteld",
    "second-factor-failed": "Code van tweede stap fout",
    "recovery-code-used": "Herstelcode gebruikt",
    "password-set": "Wachtwoord ingesteld",
    "status": "Status gewijzigd",
    "publish": "Uitkomsten openbaar gemaakt",
    "unpublish": "Uitkomsten teruggetrokken",
    "export": "Antwoorden gedownload",
    "codes": "Uitnodigingscodes gemaakt",
    "withdraw": "Antwoorden ingetrokken",
    "delete": "Alle antwoorden verwijderd",
    "purge": "Antwoorden verwijderd na bewaartermijn",
    "report-back": "Terugkoppeling gewijzigd",
    "rescore": "Plek op de ladder opnieuw berekend",
    "entry": "Papieren formulier ingevoerd",
    "entry-first": "Eerste invoer bewaard (dubbele invoer)",
    "entry-discard": "Invoer van papieren formulier weggegooid",
    "paper": "Papieren vragenlijst gedownload",
    "survey-file": "Vragenlijst ingelezen uit XLSForm",
    "survey-created": "Vragenlijst gemaakt in de browser",
    "survey-version": "Nieuwe versie van vragenlijst gemaakt",
    "survey-published": "Versie van vragenlijst gepubliceerd",
    "user-add": "Account aangemaakt",
    "user-disable": "Account uitgezet",
    "user-enable": "Account aangezet",
    "user-reset-password": "Wachtwoord gewist (nieuwe link)",
    "user-reset-second-factor": "Tweede stap gewist",
    "user-set-role": "Rol gewijzigd",
    "plan-add": "Plan aangemaakt",
    "plan-change": "Plan gewijzigd",
    "plan-publish": "Plan in het register gezet",
    "plan-unpublish": "Plan uit het register gehaald",
    "plan-evaluation": "Evaluatie van plannen gedownload",
}
# Actions that store (or are about to store) a paper or assisted response: a row each, with its time and order,
# would pair 1:1 with the responses and date them. They are counted instead: one row per keyer, survey, channel
# and day, at midnight UTC, the precision of the responses' own day (issue 24).
COUNTED_PER_DAY = frozenset({"entry", "entry-first"})
ZONE = ZoneInfo("Europe/Amsterdam")
PAGE_SIZE = 50


def record(action: str, survey=None, detail: str | None = None, email: str | None = None,
           municipality: str | None = None) -> None:
    """Add an entry to the current transaction; the caller commits it with the action itself."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user_email = email or (current_user.email if getattr(current_user, "is_authenticated", False) else None)
    if action in COUNTED_PER_DAY:
        _count_for_the_day(action, survey, detail, user_email)
        return
    db.session().add(AuditEntry(
        user_email=user_email, action=action, survey_slug=survey.slug if survey else None,
        municipality=survey.municipality if survey else municipality, detail=detail))


def _count_for_the_day(action: str, survey, detail: str | None, user_email: str | None) -> None:
    """Count one ``action`` in today's row for this keyer, survey and ``detail`` (the channel), in the caller's
    transaction: an upsert, so two keyers storing at once both count."""
    day = utcday()
    bucket = f"{action}:{day.date().isoformat()}:{survey.slug}:{detail or ''}:{(user_email or '').lower()}"
    table = AuditEntry.__table__
    session = db.session()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(at=day, user_email=user_email, action=action, survey_slug=survey.slug,
                                municipality=survey.municipality, detail=detail, bucket=bucket, count=1)
    session.execute(stmt.on_conflict_do_update(index_elements=[table.c.bucket], set_={"count": table.c.count + 1}))


def count_failed_sign_in(email: str | None, municipality: str | None = None) -> None:
    """Count a failed sign-in: for ``email``'s account, or (``None``) for an address without one, in one row per
    day. Commits. Safe under concurrency: the row is made once (unique ``bucket``), then only counted up."""
    action = "sign-in-failed" if email else "sign-in-unknown"
    day = utcnow().date().isoformat()
    bucket = f"{action}:{day}:{email.lower() if email else ''}"
    session = db.session()
    for _ in range(2):
        counted = session.execute(update(AuditEntry).where(AuditEntry.bucket == bucket).values(
            count=AuditEntry.count + 1, at=utcnow()))
        if counted.rowcount:
            session.commit()
            return
        try:
            session.add(AuditEntry(user_email=email, action=action, municipality=municipality, bucket=bucket, count=1))
            session.commit()
            return
        except IntegrityError:  # another request made the row just now: count it up instead
            session.rollback()


@dataclass
class Page:
    entries: list
    number: int
    pages: int
    total: int


def entries(action: str | None = None, person: str | None = None, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of the log, newest first, filtered by action and by (part of) a person's e-mail address."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if person:
        query = query.where(func.lower(AuditEntry.user_email).contains(person.strip().lower(), autoescape=True))
    total = db.session().scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = db.session().scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                .offset((page - 1) * size).limit(size))
    return Page(list(rows), page, pages, total)


def people() -> list[str]:
    """Every e-mail address in the log, for the filter."""
    return sorted(e for e in db.session().scalars(select(AuditEntry.user_email).distinct()) if e)


def local_time(moment: datetime | None) -> str:
    """A moment as Dutch clock time (Europe/Amsterdam, summer and winter time), e.g. 29-11-2026, 01:51."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite returns naive UTC datetimes
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return babel_dates.format_datetime(moment, "short", tzinfo=ZONE, locale="nl")


def label(action: str) -> str:
    return ACTIONS.get(action, action)
