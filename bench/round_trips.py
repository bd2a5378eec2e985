"""What one API submission sends to the database: ``python -m bench.round_trips``.

Builds ladder (the fake municipality) on a fresh SQLite file and on a new PostgreSQL database
(``LADDER_TEST_PG``, the tests' admin URL; skipped when none answers), posts the bench's answer sets and
lists, per submission, the statements SQLAlchemy's ``before_cursor_execute`` event sees, with BEGIN and
COMMIT where a transaction is opened (on PostgreSQL in autocommit no BEGIN or COMMIT goes over the wire:
the insert alone is the round trip). Once plain, once with an Idempotency-Key. With ``PYTHONPATH`` pointing
at another checkout first it counts that checkout's ``ladder``. ``tests/test_submit_round_trips.py``
asserts the same counts.
"""
from __future__ import annotations

import os
import sys
import tempfile
import uuid

from sqlalchemy import event

from .servers import ROOT
from .submit import LADDER_PATH, make_payloads

PG_ADMIN_URL = os.environ.get("LADDER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _counted(url: str) -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "tests" / "plugins"))
    from ladder import create_app, db
    from ladder.migrate import upgrade
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "EXTRA_PLUGINS": ["fake_municipality"]},
                     instance_path=tempfile.mkdtemp())
    engine = db.engine(app)
    sent: list[str] = []
    opened: set[int] = set()

    def statement(conn, _cursor, text, _params, _context, _many):
        autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        if not autocommit and id(conn) not in opened:
            opened.add(id(conn))
            sent.append("BEGIN")
        sent.append(text.split(None, 1)[0].upper())

    def ended(conn, command):
        if id(conn) in opened:
            opened.discard(id(conn))
            sent.append(command)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", lambda conn: ended(conn, "COMMIT"))
    event.listen(engine, "rollback", lambda conn: ended(conn, "ROLLBACK"))
    client = app.test_client()
    bodies = make_payloads(8)
    client.post(LADDER_PATH, data=bodies[0], content_type="application/json")  # the pool's first connection
    seen = {}
    for label, headers in (("plain", {}), ("with an Idempotency-Key", {"Idempotency-Key": str(uuid.uuid4())})):
        sent.clear()
        answer = client.post(LADDER_PATH, data=bodies[1], content_type="application/json", headers=headers)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        seen[label] = list(sent)
    engine.dispose()
    return seen


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        results = {"SQLite": _counted(f"sqlite:///{tmp}/ladder.sqlite3")}
    try:
        import psycopg
        name = f"bench_trips_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        try:
            url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
            results["PostgreSQL"] = _counted(url)
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    except Exception as exc:  # no server: SQLite only
        print(f"PostgreSQL skipped: {exc}")
    for database, seen in results.items():
        for label, statements in seen.items():
            print(f"{database}, {label}: {len(statements)} ({', '.join(statements)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
