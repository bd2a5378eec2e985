"""The audit log of staff actions, visible to admins."""
from __future__ import annotations

from flask_login import current_user

from . import db
from .models import AuditEntry

ACTIONS = ("sign-in", "sign-out", "sign-in-failed", "status", "publish", "unpublish", "export", "codes",
           "withdraw", "delete", "purge", "user-add",
           "report-back", "rescore")  # issue 12: "you said, we did" and its settings; recompute placements


def record(action: str, survey=None, detail: str | None = None, email: str | None = None,
           municipality: str | None = None) -> None:
    """Add an entry to the current transaction; the caller commits it with the action itself."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user_email = email or (current_user.email if getattr(current_user, "is_authenticated", False) else None)
    db.session().add(AuditEntry(
        user_email=user_email, action=action, survey_slug=survey.slug if survey else None,
        municipality=survey.municipality if survey else municipality, detail=detail))
