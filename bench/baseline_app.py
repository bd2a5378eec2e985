"""The baseline: about the least a Flask + SQLAlchemy 2 ORM app can do to store one JSON submission.

``POST /submissions`` with a JSON object inserts one row (the body in a JSON column and a timestamp)
and answers ``201 {"id": ...}``. The engine is set up like ``ladder.db.make_engine`` for SQLite
(WAL, ``synchronous=NORMAL``, foreign keys, 30 s busy timeout), and the session is opened per
request and closed at its end, as in ladder, so the two differ only in what the request does.

Served with ``gunicorn 'bench.baseline_app:create_app()'`` and ``BENCH_DATABASE_URL`` set.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from flask import Flask, jsonify, request
from sqlalchemy import JSON, DateTime, create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

# The same statements, in the same order, as ladder/db.py runs on each new SQLite connection;
# bench.submit checks that ladder still runs them before it compares the two.
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")
BUSY_TIMEOUT_S = 30


class Base(DeclarativeBase):
    pass


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):  # PostgreSQL (bench.cluster): the driver's defaults, as in ladder/db.py
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        for statement in PRAGMAS:
            cur.execute(statement)
        cur.close()

    return engine


def init_db(url: str) -> None:
    """Create the table in a fresh database (and switch the file to WAL)."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()


def count_rows(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(Submission)).scalar_one()
    engine.dispose()
    return n


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    Session = sessionmaker(make_engine(database_url or os.environ["BENCH_DATABASE_URL"]),
                           expire_on_commit=False)

    @app.post("/submissions")
    def create_submission():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify({"error": "send a JSON object"}), 400
        with Session() as session:
            row = Submission(body=body, created_at=datetime.now(timezone.utc))
            session.add(row)
            session.commit()
            return jsonify({"id": row.id}), 201

    @app.get("/health")
    def health():
        return jsonify({"ok": True})

    return app
