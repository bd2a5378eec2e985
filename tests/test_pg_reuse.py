"""A PostgreSQL test database is emptied after its test and given to the next one, which must not be able to
tell it from a new copy: no rows, ids from 1 again, no connection of the previous test left. A test that
changed the schema gets its database dropped instead (ladder.testing.release_pg_database)."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text

from ladder.testing import _SPARE, new_pg_database, release_pg_database

pytestmark = pytest.mark.postgresql


def dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def fill(url: str) -> None:
    """Rows in tables that refer to each other, as a test leaves them."""
    with psycopg.connect(dsn(url), autocommit=True) as conn:
        conn.execute("INSERT INTO plans (municipality, kind, title, summary, areas, phase, decider, published, "
                     "created_at, updated_at) VALUES ('Testgemeente', 'plan', 'Speeltuin', '', '[]', 'idee', 'raad', "
                     "true, now(), now())")
        conn.execute("INSERT INTO plan_offers (plan_id, position, aspect, rung, motivation) "
                     "SELECT id, 0, 'speeltuin', 'adviseren', 'omdat' FROM plans")


def database_oid(admin: str, name: str) -> int | None:
    with psycopg.connect(admin) as conn:
        row = conn.execute("SELECT oid FROM pg_database WHERE datname = %s", [name]).fetchone()
        return row and row[0]


def test_a_database_comes_back_empty_with_ids_from_one(pg_server):
    name, url = new_pg_database(pg_server)
    oid = database_oid(pg_server, name)
    fill(url)
    still_open = psycopg.connect(dsn(url))  # an app's pooled connection, left open by the test
    still_open.execute("SELECT 1")
    release_pg_database(pg_server, name)
    assert still_open.closed or still_open.broken or _fails(still_open)

    again, url_again = new_pg_database(pg_server)
    assert database_oid(pg_server, again) == oid  # the same database, not a new copy
    assert again != name  # renamed: the next test's URL is its own
    with psycopg.connect(dsn(url_again)) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("plans", "plan_offers")}
        assert counts == {"plans": 0, "plan_offers": 0}
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    fill(url_again)
    with psycopg.connect(dsn(url_again)) as conn:
        assert conn.execute("SELECT id FROM plans").fetchone()[0] == 1
    release_pg_database(pg_server, again)


def _fails(conn) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


@pytest.mark.parametrize("change", ["ALTER TABLE plans ADD COLUMN extra integer",
                                    "CREATE INDEX plans_title ON plans (title)",
                                    "DROP TABLE alembic_version",
                                    "UPDATE alembic_version SET version_num = 'older'",
                                    "CREATE SCHEMA elsewhere"])
def test_a_database_whose_schema_a_test_changed_is_dropped(pg_server, change):
    name, url = new_pg_database(pg_server)
    oid = database_oid(pg_server, name)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(change))
    engine.dispose()
    release_pg_database(pg_server, name)
    assert name not in _SPARE.get(pg_server, [])
    assert database_oid(pg_server, name) is None or _dropping(pg_server, name)
    replacement, _ = new_pg_database(pg_server)
    assert database_oid(pg_server, replacement) != oid  # a new copy, not the changed database renamed
    release_pg_database(pg_server, replacement)


def _dropping(admin: str, name: str) -> bool:
    """The drop runs in the background: wait for it."""
    from ladder.testing import _dropper
    _dropper().submit(lambda: None).result(timeout=30)
    return database_oid(admin, name) is None
