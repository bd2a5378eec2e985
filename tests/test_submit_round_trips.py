"""A submission in one round trip on PostgreSQL (one transaction on SQLite), and a database restart survived.

Round trips are counted with SQLAlchemy's events on the app's engine: each statement is one; on PostgreSQL a
transaction adds its BEGIN and its COMMIT (psycopg sends each on its own); ``pool_pre_ping``'s ping is counted
where SQLAlchemy makes it (``dialect.do_ping``). The lifecycle check is part of the INSERT, so a survey
closed between the check and the write takes no answer.
"""
import pytest
from sqlalchemy import create_engine, event, func, insert, select, text

from ladder import db
from ladder.models import Response, SurveyState
from test_page_cost import token

SLUG = "testdorp-inspraak"
URL = f"/api/v1/surveys/{SLUG}/responses"
VALID = {"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4,
         "thema": ["groen"], "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}


class RoundTrips:
    """What one request sends to the database, as SQLAlchemy's events see it."""

    def __init__(self, engine, monkeypatch):
        self.sent: list[str] = []
        self._open: dict[int, bool] = {}  # connection -> a statement ran in its (non-autocommit) transaction
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", lambda conn: self._end(conn, "COMMIT"))
        event.listen(engine, "rollback", lambda conn: self._end(conn, "ROLLBACK"))
        ping = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: self.sent.append("ping") or ping(conn))
        self.postgresql = engine.dialect.name == "postgresql"

    @staticmethod
    def _autocommit(conn) -> bool:
        return conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"

    def _statement(self, conn, _cursor, statement, _params, _context, _many):
        if not self._autocommit(conn) and not self._open.get(id(conn)):
            self._open[id(conn)] = True
            self.sent.append("BEGIN")
        self.sent.append(statement.split(None, 1)[0].upper())

    def _end(self, conn, command):
        if self._open.pop(id(conn), False):
            self.sent.append(command)

    def clear(self):
        self.sent.clear()


@pytest.fixture
def trips(app, monkeypatch):
    found = RoundTrips(db.engine(app), monkeypatch)
    app.test_client().post(URL, json={"answers": VALID})  # warm-up: the pool's first connection
    found.clear()
    return found


def stored(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Response))


def test_an_api_submission_is_one_round_trip_on_postgresql_and_one_transaction_on_sqlite(app, trips):
    response = app.test_client().post(URL, json={"answers": VALID})
    assert response.status_code == 201
    if trips.postgresql:  # the INSERT alone, in autocommit: no ping, no lifecycle SELECT, no BEGIN or COMMIT
        assert trips.sent == ["INSERT"]
    else:  # SQLite has no round trips; one transaction with one statement
        assert trips.sent == ["BEGIN", "INSERT", "COMMIT"]
    assert stored(app) == 2


def test_a_closed_survey_is_refused_at_once_and_nothing_is_written(app, trips):
    with app.app_context():
        db.session().add(SurveyState(slug=SLUG, status="closed", invite_only=False))
        db.session().commit()
    trips.clear()
    response = app.test_client().post(URL, json={"answers": VALID})
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("survey-closed")
    assert stored(app) == 1


def close_elsewhere(url):
    """Close the survey through a connection of its own, as another server would."""
    other = create_engine(url)
    with other.begin() as conn:
        conn.execute(insert(SurveyState.__table__).values(slug=SLUG, status="closed", invite_only=False))
    other.dispose()


@pytest.mark.parametrize("key", [None, "key-1"], ids=["plain", "idempotency-key"])
def test_a_survey_closed_between_the_check_and_the_insert_takes_no_answer(app, database_url, monkeypatch, key):
    """The window between reading the state and writing the row is closed: the check is in the INSERT."""
    import ladder.submit
    real = ladder.submit.place

    def place_then_close(*args, **kwargs):
        close_elsewhere(database_url)
        return real(*args, **kwargs)

    monkeypatch.setattr(ladder.submit, "place", place_then_close)
    headers = {"Idempotency-Key": key} if key else {}
    response = app.test_client().post(URL, json={"answers": VALID}, headers=headers)
    assert response.status_code == 409, response.get_json()
    assert stored(app) == 0


def cut_connections(app, seen):
    """End every connection of the app's pool from the database's side, as a restart of the server does."""
    engine = db.engine(app)
    if engine.dialect.name == "postgresql":
        # Only this test's database: the server is shared, so it is not restarted.
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        # and this last one too, from another connection
        import psycopg
        admin = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    else:
        for raw in seen:  # SQLite: the file stays, the pooled connections are closed under the pool
            if raw is not None:
                raw.close()


@pytest.fixture
def pooled(app):
    seen = []
    event.listen(db.engine(app), "checkin", lambda raw, _record: seen.append(raw))
    return seen


def test_a_database_restart_is_survived_by_submissions_and_pages(app, pooled):
    client = app.test_client()
    assert client.post(URL, json={"answers": VALID}).status_code == 201
    assert client.get(f"/s/{SLUG}").status_code == 200
    cut_connections(app, pooled)
    assert client.post(URL, json={"answers": VALID}).status_code == 201  # the one-statement path
    assert stored(app) == 2
    cut_connections(app, pooled)
    assert client.get(f"/s/{SLUG}").status_code == 200  # a page's first query
    page = client.get(f"/s/{SLUG}")
    started = client.post(f"/s/{SLUG}", data={"csrf_token": token(page.data), "action": "start"})
    cut_connections(app, pooled)
    assert client.get(started.headers["Location"]).status_code == 200  # the state and the draft, read on their own
    cut_connections(app, pooled)
    assert client.post(URL, json={"answers": VALID}, headers={"Idempotency-Key": "k"}).status_code == 201
    assert stored(app) == 3


def test_no_pre_ping_a_dropped_connection_is_retried_where_it_fails(app):
    assert db.engine(app).pool._pre_ping is False


def test_a_connection_lost_just_after_the_insert_stores_the_answer_once(app, monkeypatch):
    """A disconnect reported after the INSERT ran may come after it was written: the retry must not store it twice
    (the receipt, unique, tells which)."""
    engine = db.engine(app)
    lost = []

    def lose_connection(conn, cursor, statement, *_):
        if statement.startswith("INSERT INTO responses") and not lost:
            lost.append(statement)
            raw = cursor.connection
            cursor.close()  # SQLite keeps a closed connection's lock while a statement is unfinished
            raw.close()
            dbapi = engine.dialect.loaded_dbapi
            if engine.dialect.name == "postgresql":
                raise dbapi.OperationalError("server closed the connection unexpectedly")
            raise dbapi.ProgrammingError("Cannot operate on a closed database.")

    event.listen(engine, "after_cursor_execute", lose_connection)
    response = app.test_client().post(URL, json={"answers": VALID})
    assert lost, "the INSERT was not seen"
    assert response.status_code == 201, response.get_json()
    assert stored(app) == 1
    with app.app_context():
        assert db.session().scalar(select(Response.id)) == response.get_json()["id"]
