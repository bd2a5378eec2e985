"""Database engine and sessions for one app; SQLite gets WAL so readers never block the writer.

A dropped connection (the database restarted) is handled where it shows, not pinged for before each use:
a statement that opens a transaction is tried once more on a new connection when the old one turns out to
be gone (nothing of that transaction can have been written), and ``ladder.submit`` does the same for its
one-statement insert. SQLAlchemy then replaces every older connection of the pool.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

log = logging.getLogger(__name__)


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite turn on WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # Deleted rows' bytes are overwritten with zeros, so a withdrawal leaves no text in free pages.
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    # No pool_pre_ping: a ping per request is a round trip per request; see the module's docstring.
    return create_engine(url)


def init_app(app) -> None:
    """Create the app's engine and close the request's session on teardown."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        # A relative SQLite path is relative to the instance folder, like Flask's own files.
        url = "sqlite:///" + str(Path(app.instance_path) / url.removeprefix("sqlite:///"))
        app.config["DATABASE_URL"] = url
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    event.listen(sessions, "do_orm_execute", _again_if_dropped)
    app.extensions["ladder.db"] = sessions
    # The same pool, each statement its own transaction: for the one-statement submission (ladder.submit).
    app.extensions["ladder.db.autocommit"] = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.teardown_appcontext(_close_session)


def _again_if_dropped(state: ORMExecuteState):
    """Run a statement; if it was the first of its transaction and the connection was gone, once more."""
    first = not state.session.in_transaction()
    try:
        return state.invoke_statement()
    except DBAPIError as exc:
        if not (first and exc.connection_invalidated):
            raise
        log.warning("database connection lost; trying once more on a new one: %s", exc.orig)
        state.session.rollback()
        return state.invoke_statement()


def read(statement, params: dict) -> list:
    """A Core statement's rows, without the ORM's execution and result machinery (about as much CPU as the read
    itself on a resident's page); tried once more on a new connection when the old one turns out to be gone, as
    ``_again_if_dropped`` does.

    Once the request has opened its ORM session, on the session's connection, so the read sees what the request
    wrote. Before that, on a connection of its own that goes back to the pool at once: a page that only reads (a
    resident's question page) then opens no session, whose bookkeeping cost as much CPU as the read. Both read
    what is committed, as every statement does under SQLite's and PostgreSQL's default isolation."""
    s = g.get("db_session")
    first = s is None or not s.in_transaction()
    try:
        return _rows(s, statement, params)
    except DBAPIError as exc:
        if not (first and exc.connection_invalidated):
            raise
        log.warning("database connection lost; trying once more on a new one: %s", exc.orig)
        if s is not None:
            s.rollback()
        return _rows(s, statement, params)


def _rows(s: Session | None, statement, params: dict) -> list:
    if s is None:  # a connection of its own, back to the pool at once
        with engine().connect() as conn:
            return conn.execute(statement, params).all()
    return s.connection().execute(statement, params).all()


def engine(app=None) -> Engine:
    return (app or current_app).extensions["ladder.db"].kw["bind"]


def autocommit_engine(app=None) -> Engine:
    """The app's engine with each statement committed on its own (no BEGIN, no COMMIT)."""
    return (app or current_app).extensions["ladder.db.autocommit"]


def session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["ladder.db"]()
    return g.db_session


def _close_session(_exc=None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()
