"""The accessibility statement in the form of the Dutch model statement (digitoegankelijk.nl), per municipality.

Configured with ``ACCESSIBILITY`` (defaults for the whole installation) and ``ACCESSIBILITY_MUNICIPALITIES``
(municipality name -> the keys that differ). A value not filled in is shown as "[in te vullen]", so a missing
date or contact is visible on the page rather than silently left out.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The model statement's status levels (A to D): what the website meets.
STATUSES = ("voldoet volledig", "voldoet gedeeltelijk", "eerste maatregelen genomen", "voldoet niet")


@dataclass(frozen=True)
class KnownIssue:
    """A known problem, what is done about it, and by when."""

    issue: str
    measure: str | None = None
    planned: date | None = None


@dataclass(frozen=True)
class Statement:
    """Everything the model statement shows for one organisation."""

    organisation: str
    status: str | None
    checked_on: date | None
    checked_by: str | None
    method: str | None
    statement_date: date | None
    known_issues: tuple[KnownIssue, ...] = ()
    contact_email: str | None = None
    contact_phone: str | None = None
    response_days: int | None = None
    complaints: str | None = None  # the municipality's own complaints procedure, in words or as a link
    ombudsman: str | None = None
    ombudsman_url: str | None = None
    missing: tuple[str, ...] = field(default=())  # keys still to be filled in


def municipality_key(name: str) -> str:
    """The municipality's name in a URL: "Súdwest-Fryslân" -> "sudwest-fryslan"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain.lower()).split())


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _issues(raw: Any) -> tuple[KnownIssue, ...]:
    issues = []
    for item in raw or ():
        if isinstance(item, str) and item.strip():
            issues.append(KnownIssue(item.strip()))
        elif isinstance(item, Mapping) and _text(item.get("issue")):
            issues.append(KnownIssue(_text(item["issue"]), _text(item.get("measure")), _date(item.get("planned"))))
    return tuple(issues)


def statement(defaults: Mapping[str, Any], own: Mapping[str, Any] | None = None,
              organisation: str | None = None) -> Statement:
    """The statement from the installation's ``defaults`` with a municipality's ``own`` keys on top."""
    merged = {**defaults, **(own or {})}
    status = _text(merged.get("status"))
    status = status if status in STATUSES else None  # an unknown level is shown as not filled in
    days = merged.get("response_days")
    made = Statement(
        organisation=_text(merged.get("organisation")) or organisation or "de beheerder van deze website",
        status=status, checked_on=_date(merged.get("checked_on")), checked_by=_text(merged.get("checked_by")),
        method=_text(merged.get("method")), statement_date=_date(merged.get("statement_date")),
        known_issues=_issues(merged.get("known_issues")), contact_email=_text(merged.get("contact_email")),
        contact_phone=_text(merged.get("contact_phone")),
        response_days=days if isinstance(days, int) and days > 0 else None,
        complaints=_text(merged.get("complaints")), ombudsman=_text(merged.get("ombudsman")),
        ombudsman_url=_text(merged.get("ombudsman_url")),
    )
    missing = [key for key in ("status", "checked_on", "checked_by", "statement_date", "response_days", "ombudsman")
               if getattr(made, key) is None]
    if made.contact_email is None and made.contact_phone is None:
        missing.append("contact_email")
    return Statement(**{**made.__dict__, "missing": tuple(missing)})


def municipalities(names: Iterable[str]) -> dict[str, str]:
    """URL key -> name, for the municipalities that have surveys here."""
    return {municipality_key(name): name for name in sorted(set(names))}
