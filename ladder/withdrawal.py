"""Withdrawing a response: by the resident with the receipt code, or by staff on their behalf.

A withdrawal erases: the row goes (answers, area, day, receipt hash, everything), and so do the rows that
pointed at it for a day (the API's idempotency key, the submitted-draft marker). What remains is one number
per survey, ``withdrawal_counts.withdrawn``: no date, no area. Flask-free: the session is the response's own,
or the one passed in; the caller commits.
"""
from __future__ import annotations

from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session

from .models import IdempotencyKey, Response, SubmittedDraft, WithdrawalCount


def withdraw_response(response: Response, session: Session | None = None) -> bool:
    """Delete the response and count one withdrawal for its survey, in the current transaction.

    Exactly once: a conditional DELETE decides, so two withdrawals racing for one response count once.
    Returns False if the response was already gone (nothing counted)."""
    session = session or Session.object_session(response)
    if session is None:
        raise ValueError("the response is not attached to a session; pass one")
    response_id, slug = response.id, response.survey_slug
    gone = session.execute(delete(Response).where(Response.id == response_id)
                           .execution_options(synchronize_session=False)).rowcount
    if response in session:
        session.expunge(response)
    if gone != 1:
        return False
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.response_id == response_id))
    session.execute(delete(SubmittedDraft).where(SubmittedDraft.response_id == response_id))
    count_withdrawal(session, slug)
    erase_on_commit(session)
    return True


def erase_on_commit(session: Session) -> None:
    """On SQLite, once this transaction commits, write the log into the database file and empty it.

    SQLite keeps the pages a transaction changed in its write-ahead log, and the old text with them, until a
    checkpoint copies them back (every 1000 pages); with ``secure_delete`` (ladder.db) the copied pages hold
    zeros where the rows were. A checkpoint that readers hold up finishes at the next one. PostgreSQL keeps
    deleted rows until VACUUM: see docs/privacy.rst."""
    if session.get_bind().dialect.name != "sqlite" or session.info.get("erase_on_commit"):
        return
    session.info["erase_on_commit"] = True
    event.listen(session, "after_commit", _checkpoint, once=True)
    event.listen(session, "after_rollback", _forget_erase, once=True)


def _checkpoint(session: Session) -> None:
    session.info.pop("erase_on_commit", None)
    with session.get_bind().connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _forget_erase(session: Session) -> None:
    session.info.pop("erase_on_commit", None)


def count_withdrawal(session: Session, slug: str) -> None:
    """Add one to the survey's count of withdrawals (an upsert: safe when two withdraw at once)."""
    table = WithdrawalCount.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - ladder runs on SQLite and PostgreSQL
        counted = session.execute(update(table).where(table.c.survey_slug == slug)
                                  .values(withdrawn=table.c.withdrawn + 1)).rowcount
        if not counted:
            session.execute(table.insert().values(survey_slug=slug, withdrawn=1))
        return
    stmt = insert(table).values(survey_slug=slug, withdrawn=1)
    session.execute(stmt.on_conflict_do_update(index_elements=[table.c.survey_slug],
                                               set_={"withdrawn": table.c.withdrawn + 1}))


def erase_traces(session: Session, slug: str) -> None:
    """Delete the short-lived rows that point at a survey's responses (the API's idempotency keys, the
    submitted-draft markers). Call it before deleting all of a survey's responses (staff's delete-all,
    ``ladder purge``), in the same transaction."""
    ids = select(Response.id).where(Response.survey_slug == slug)
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.response_id.in_(ids)))
    session.execute(delete(SubmittedDraft).where(SubmittedDraft.survey_slug == slug))
