"""Test support for plugin authors: a pytest plugin with fixtures, and helpers for placements.

Installed with ladder, this module is a pytest plugin (entry point ``pytest11 = ladder``): in any
project where ladder is installed, the fixtures below are available without a ``conftest.py``.

Fixtures (all named ``ladder_...`` so they never clash with a project's own fixtures):

``ladder_config``
    Settings added to the test app's config; override it to load a plugin that is not installed
    (``{"EXTRA_PLUGINS": ["my_plugin"]}``) or to disable one (``{"DISABLED_PLUGINS": [...]}``).
``ladder_database_url``
    A fresh database at the newest schema: SQLite in ``tmp_path``; PostgreSQL (a new database, dropped
    after the test) on the server ``LADDER_TEST_PG`` names when the test is marked
    ``@pytest.mark.ladder_postgresql`` or the fixture is parametrized
    ``@pytest.mark.parametrize("ladder_database_url", ["sqlite", "postgresql"], indirect=True)``.
``ladder_app``
    The app, isolated: its instance folder is in ``tmp_path``, and ``instance/config.py`` and
    ``LADDER_*`` environment variables are not read.
``ladder_client`` / ``ladder_runner``
    The app's test client and CLI runner.

Helpers: :func:`submit_api`, :func:`submit_form`, :func:`assert_placed`, :func:`assert_loaded` and
:func:`answers_read_by`::

    from ladder.testing import answers_read_by
    ids, compared = answers_read_by(rungs)
    assert ids <= {q.id for q in survey.questions}

Importing this module does not import Flask, SQLAlchemy or pandas; the fixtures import them when used.
"""
from __future__ import annotations

import ast
import atexit
import functools
import importlib
import inspect
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

__all__ = ["answers_read_by", "submit_api", "submit_form", "assert_placed", "assert_loaded"]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_MARKER = "ladder_postgresql"


# ------------------------------------------------------------------------------------------ pytest hooks
def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{PG_MARKER}: run ladder_app on a fresh PostgreSQL database on the server LADDER_TEST_PG names")


def skip_or_fail(reason: str):
    """Skip on a developer's machine; in CI (``CI=true``) a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run this test)", pytrace=False)
    pytest.skip(reason)


def need_module(name: str) -> ModuleType:
    """Import module ``name`` for a test; without it the test skips on a developer's machine and fails in
    CI, like :func:`skip_or_fail` (``pytest.importorskip`` would skip in CI too)."""
    try:
        return importlib.import_module(name)
    except (ImportError, OSError) as exc:  # WeasyPrint raises OSError when its system libraries are missing
        skip_or_fail(f"cannot import {name}: {exc}")


# ------------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def ladder_config() -> dict[str, Any]:
    """Settings for ``ladder_app``, on top of ``TESTING``, ``SECRET_KEY`` and the test database.

    Override it in your ``conftest.py`` or test module::

        @pytest.fixture
        def ladder_config():
            return {"EXTRA_PLUGINS": ["my_plugin"]}

    ``DATABASE_URL`` is always the ``ladder_database_url`` fixture's; override that one instead.
    """
    return {"EXTRA_PLUGINS": [], "DISABLED_PLUGINS": []}


def _pg_admin_url() -> str:
    url = os.environ.get("LADDER_TEST_PG")
    if not url:
        skip_or_fail("LADDER_TEST_PG is not set (e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    try:
        import psycopg
        with psycopg.connect(url, connect_timeout=3):
            pass
    except Exception as exc:
        skip_or_fail(f"PostgreSQL not reachable at LADDER_TEST_PG={url}: {exc}")
    return url


def create_pg_database(admin_url: str, template: str | None = None) -> tuple[str, str]:
    """Create a database on the server of ``admin_url`` (empty, or a copy of database ``template``);
    return its name and SQLAlchemy URL."""
    import psycopg
    name = _new_name()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name, _sqlalchemy_url(admin_url, name)


def _new_name() -> str:
    return f"ladder_test_{uuid.uuid4().hex[:12]}"


def _sqlalchemy_url(admin_url: str, name: str) -> str:
    return _on_database(admin_url, name).replace("postgresql://", "postgresql+psycopg://", 1)


def drop_pg_database(admin_url: str, name: str, wait: bool = True) -> None:
    """Drop database ``name``, ending the connections still open to it. With ``wait=False`` the drop runs
    in a background thread (PostgreSQL checkpoints on each drop: under load that takes a second, which the
    next test need not wait for); the process waits for it before it exits."""
    if not wait:
        _dropper().submit(drop_pg_database, admin_url, name)
        return
    import psycopg
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@functools.cache
def _dropper():
    from concurrent.futures import ThreadPoolExecutor
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="ladder-drop")  # joined at interpreter exit


# Databases at the newest schema are copies: Alembic runs once per test process (once per xdist worker),
# not once per test. A copy costs milliseconds; running the migrations costs a quarter to two seconds.
_AT_HEAD: set[str] = set()  # URLs of the copies made below (their schema is the newest)


@functools.cache
def _schema_file() -> Path:
    from ladder.migrate import upgrade
    folder = Path(tempfile.mkdtemp(prefix="ladder-schema-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "schema.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@functools.cache
def _pg_template(admin_url: str) -> str:
    import psycopg

    from ladder.migrate import upgrade
    name, url = create_pg_database(admin_url)
    upgrade(url)  # Alembic disposes its engine: a template must have no open connections to be copied
    with psycopg.connect(_on_database(admin_url, name)) as conn:
        _TEMPLATE[admin_url] = _Template.read(conn)
    atexit.register(drop_pg_database, admin_url, name)
    return name


# A database a test is done with is emptied for the process's next test when its schema is still the template's:
# deleting the rows and restarting the sequences takes milliseconds, where a new copy takes a third of a second
# of the server's time and a drop one more checkpoint. A test that changed the schema gets its database dropped.
_TEMPLATE: dict[str, _Template] = {}  # admin URL -> what release_pg_database needs to know of the template
_SPARE: dict[str, list[str]] = {}  # admin URL -> names of emptied databases at the newest schema

# Everything a test could change about a database other than its rows: tables, columns, defaults, constraints,
# indexes, sequences, triggers, functions, types, schemas, extensions, settings and the Alembic revision.
_SCHEMA_SQL = """
SELECT md5(string_agg(part, E'\n' ORDER BY part)) FROM (
  SELECT format('column %s.%s %s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity) AS part
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL SELECT format('relation %s %s', relname, relkind) FROM pg_class WHERE relnamespace = 'public'::regnamespace
  UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT 'function ' || oid::regprocedure::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace
  UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
  UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
  UNION ALL SELECT 'extension ' || extname FROM pg_extension
  UNION ALL SELECT 'setting ' || array_to_string(setconfig, ' ') FROM pg_db_role_setting
    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT 'revision ' || version_num FROM alembic_version
) parts"""

_FOREIGN_KEYS_SQL = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
WHERE contype = 'f' AND connamespace = 'public'::regnamespace"""


def _on_database(admin_url: str, name: str) -> str:
    return f"{admin_url.rsplit('/', 1)[0]}/{name}"


def _schema_of(conn) -> str:
    return conn.execute(_SCHEMA_SQL).fetchone()[0]


@dataclass(frozen=True)
class _Template:
    """The template database's schema fingerprint, its tables in an order to empty them (the rows that refer to
    a table first; a table's rows that refer to its own go in the same DELETE) and its sequences."""
    schema: str
    delete_order: tuple[str, ...]
    sequences: tuple[str, ...]

    @classmethod
    def read(cls, conn) -> _Template:
        import graphlib
        tables = [r[0] for r in conn.execute("SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('r', 'p') "
                                              "AND relnamespace = 'public'::regnamespace "
                                              "AND relname <> 'alembic_version'")]
        order = graphlib.TopologicalSorter({t: set() for t in tables})
        for child, parent in conn.execute(_FOREIGN_KEYS_SQL):
            if child != parent:
                order.add(parent, child)
        sequences = [r[0] for r in conn.execute("SELECT oid::regclass::text FROM pg_class WHERE relkind = 'S' "
                                                 "AND relnamespace = 'public'::regnamespace")]
        return cls(_schema_of(conn), tuple(order.static_order()), tuple(sequences))


def release_pg_database(admin_url: str, name: str) -> None:
    """Give back a database from :func:`new_pg_database` after its test: emptied and renamed for the next one
    when its schema is the template's (its other connections ended, as a drop would), else dropped in the
    background."""
    import psycopg
    try:
        with psycopg.connect(_on_database(admin_url, name), autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            template = _TEMPLATE.get(admin_url)
            if template is None or _schema_of(conn) != template.schema:
                raise LookupError("the test changed the schema")
            with conn.transaction():  # the same schema as the template's: its tables and sequences
                for table in template.delete_order:
                    conn.execute(f"DELETE FROM {table}")
                for sequence in template.sequences:
                    conn.execute(f"ALTER SEQUENCE {sequence} RESTART")
        # A new name, so the next test's URL is its own: what the app keeps per database URL (the outcomes it
        # computed, for one) cannot carry over from this test.
        fresh = _new_name()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{fresh}"')
    except (psycopg.Error, LookupError):
        drop_pg_database(admin_url, name, wait=False)
        return
    _SPARE.setdefault(admin_url, []).append(fresh)


def _drop_spares() -> None:
    for admin_url, names in _SPARE.items():
        for name in names:
            drop_pg_database(admin_url, name)


atexit.register(_drop_spares)


def new_sqlite_database(path: str | os.PathLike) -> str:
    """Create a SQLite database at ``path`` with the newest schema; return its URL."""
    source, target = sqlite3.connect(_schema_file()), sqlite3.connect(path)
    try:
        source.backup(target)  # a consistent copy, whatever the source's journal mode
    finally:
        source.close()
        target.close()
    url = f"sqlite:///{path}"
    _AT_HEAD.add(url)
    return url


def new_pg_database(admin_url: str) -> tuple[str, str]:
    """A PostgreSQL database with the newest schema and no rows: one a previous test gave back, else a new copy
    of a template made once; return its name and URL (give it back with :func:`release_pg_database`)."""
    if _SPARE.get(admin_url):
        name = _SPARE[admin_url].pop()
        return name, _sqlalchemy_url(admin_url, name)
    name, url = create_pg_database(admin_url, template=_pg_template(admin_url))
    _AT_HEAD.add(url)
    return name, url


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema: nothing to do for a copy made above, a copy of
    the prepared file for a SQLite file that does not exist yet, Alembic otherwise."""
    if url in _AT_HEAD:
        return
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        new_sqlite_database(url.removeprefix("sqlite:///"))
        return
    from ladder.migrate import upgrade
    upgrade(url)


@pytest.fixture
def ladder_database_url(request, tmp_path):
    """The URL of a fresh database at the newest schema (SQLite unless PostgreSQL is asked for)."""
    kind = getattr(request, "param", None)
    if kind is None:
        kind = "postgresql" if request.node.get_closest_marker(PG_MARKER) else "sqlite"
    if kind == "sqlite":
        yield new_sqlite_database(tmp_path / "ladder.sqlite3")
        return
    if kind != "postgresql":
        raise ValueError(f"ladder_database_url: unknown database {kind!r} (use 'sqlite' or 'postgresql')")
    admin = _pg_admin_url()
    name, url = new_pg_database(admin)
    try:
        yield url
    finally:
        release_pg_database(admin, name)  # the app's pooled connections are ended


@pytest.fixture
def ladder_app(ladder_database_url, ladder_config, tmp_path):
    """The app with the installed plugins (and ``ladder_config``'s), isolated from the developer's setup.

    Built with ``create_app(test_config, instance_path=tmp_path / "instance")``: the instance folder
    is the test's own and neither ``instance/config.py`` nor ``LADDER_*`` environment variables
    are read, so a test never touches a developer's database.
    """
    from ladder import create_app

    settings = {"TESTING": True, "SECRET_KEY": "ladder-testing-secret"}
    settings.update(ladder_config)
    settings["DATABASE_URL"] = ladder_database_url
    return create_app(settings, instance_path=tmp_path / "instance")


@pytest.fixture
def ladder_client(ladder_app):
    """``ladder_app.test_client()``: requests without a server, cookies kept between them."""
    return ladder_app.test_client()


@pytest.fixture
def ladder_runner(ladder_app):
    """``ladder_app.test_cli_runner()``: ``ladder_runner.invoke(args=["plugins", "--json"])``."""
    return ladder_app.test_cli_runner()


# ------------------------------------------------------------------------------------------ helpers
def submit_api(client, slug: str, answers: Mapping[str, Any], locale: str = "nl") -> dict:
    """Submit ``answers`` to ``POST /api/v1/surveys/<slug>/responses`` and return the JSON body.

    The body has ``id``, ``receipt``, ``survey_version``, ``placement_status``, ``placements``
    (``[{"aspect", "rung", "reasons"}, ...]``) and ``advice``. Any status other than 201 fails
    the test with the problem details the API gave.
    """
    response = client.post(f"/api/v1/surveys/{slug}/responses", json={"answers": dict(answers), "locale": locale})
    body = response.get_json(silent=True)
    assert response.status_code == 201, f"POST {slug} answered {response.status_code}: {body}"
    return body


_TOKEN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
_ERRORS = re.compile(r'class="error-message"[^>]*>(.*?)</p>', re.S)
_RECEIPT = re.compile(r'class="code">\s*([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\s*<')
_TAGS = re.compile(r"<[^>]+>")


def _token(html: bytes) -> str:
    found = _TOKEN.search(html)
    assert found, "no csrf_token in the page"
    return found.group(1).decode()


def _form_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def _errors(response) -> list[str]:
    return [" ".join(_TAGS.sub(" ", e).split()) for e in _ERRORS.findall(response.get_data(as_text=True))]


def submit_form(client, slug: str, answers_by_page: Mapping[str, Mapping[str, Any]], locale: str = "nl",
                max_pages: int = 100) -> dict:
    """Answer survey ``slug`` through the resident's HTML pages, as a browser without JavaScript would.

    GETs the start page, starts, then on each page the survey shows POSTs that page's fields from
    ``answers_by_page`` (``{page_id: {field: value}}``; form values: strings, numbers, or lists for
    multiple choice and ranking; a page not in it is posted empty), then submits the check page.
    Fails the test, with the page's error messages, when a page is not accepted, and when a page in
    ``answers_by_page`` was never shown (skipped by its conditions, or a misspelt id).

    Returns what was stored, in the API's shape: ``receipt``, ``placement_status``, ``placements``,
    ``advice``, plus ``channel`` (``"form"``) and ``html`` (the result page).
    """
    start = client.get(f"/s/{slug}?lang={locale}")
    assert start.status_code == 200, f"GET /s/{slug} answered {start.status_code}"
    started = client.post(f"/s/{slug}", data={"csrf_token": _token(start.data), "action": "start"})
    assert started.status_code == 302, f"starting {slug} answered {started.status_code}: {_errors(started)}"
    url = started.headers["Location"]
    shown = []
    while "/vraag/" in url:
        assert len(shown) < max_pages, f"more than {max_pages} pages: {shown}"
        page_id = url.rstrip("/").rsplit("/", 1)[-1]
        shown.append(page_id)
        page = client.get(url)
        assert page.status_code == 200, f"GET {url} answered {page.status_code}"
        data = {field: _form_value(value) for field, value in answers_by_page.get(page_id, {}).items()
                if value is not None}
        posted = client.post(url, data={"csrf_token": _token(page.data), "action": "volgende", **data})
        assert posted.status_code == 302, f"page {page_id!r} was not accepted: {_errors(posted)}"
        url = posted.headers["Location"]
    never = [p for p in answers_by_page if p not in shown]
    assert not never, f"pages never shown: {never} (shown: {shown})"
    check = client.get(url)
    assert check.status_code == 200, f"GET {url} (the check page) answered {check.status_code}"
    done = client.post(url, data={"csrf_token": _token(check.data)})
    assert done.status_code == 302, f"submitting {slug} answered {done.status_code}: {_errors(done)}"
    result = client.get(done.headers["Location"])
    html = result.get_data(as_text=True)
    receipt = _RECEIPT.search(html)
    assert receipt, "no receipt code on the result page"
    return {**_stored(client.application, receipt.group(1)), "html": html}


def _stored(app, receipt: str) -> dict:
    from sqlalchemy import select

    from ladder import db
    from ladder.codes import code_hash
    from ladder.models import Response
    with app.app_context():
        row = db.session().scalar(select(Response).where(Response.receipt_hash == code_hash(receipt)))
        assert row is not None, f"no response stored under receipt {receipt}"
        return {"id": row.id, "receipt": receipt, "survey_version": row.survey_version, "channel": row.channel,
                "placement_status": row.placement_status, "placements": row.placements or [],
                "advice": row.advice or []}


def _placements(result: Any) -> list[dict]:
    if isinstance(result, Mapping):
        result = result["placements"]
    out = []
    for p in result:
        if isinstance(p, Mapping):
            out.append({"aspect": p["aspect"], "rung": p["rung"], "reasons": list(p.get("reasons", ()))})
        else:  # a ladder.Placement
            out.append({"aspect": p.aspect, "rung": p.rung, "reasons": list(p.reasons)})
    return out


def assert_placed(result: Any, aspect: str, rung: str, reason_contains: str | Iterable[str] | None = None) -> dict:
    """Fail unless ``result`` places ``aspect`` on ``rung`` (and a reason contains each given fragment).

    ``result`` is what :func:`submit_api` or :func:`submit_form` returned, a list of placements as
    dicts, or the ``Placement`` objects rung logic returns. Returns the placement as a dict.
    """
    placements = _placements(result)
    found = [p for p in placements if p["aspect"] == aspect]
    summary = [(p["aspect"], p["rung"]) for p in placements]
    assert found, f"no placement for aspect {aspect!r}; placements: {summary}"
    (placement,) = found
    assert placement["rung"] == rung, f"aspect {aspect!r} is on {placement['rung']!r}, not {rung!r}"
    fragments = [reason_contains] if isinstance(reason_contains, str) else list(reason_contains or ())
    for fragment in fragments:
        assert any(fragment in r for r in placement["reasons"]), \
            f"no reason for {aspect!r} contains {fragment!r}; reasons: {placement['reasons']}"
    return placement


def assert_loaded(app, plugin: str) -> None:
    """Fail, with the plugin's error, unless ``plugin`` loaded in ``app`` (a failed plugin is otherwise
    only logged, and the app runs without it)."""
    from .registry import plugin_registry
    plugins = plugin_registry(app).plugins
    assert plugin in plugins, f"plugin {plugin!r} not found; found {sorted(plugins)}"
    assert plugins[plugin].status == "loaded", f"plugin {plugin!r} {plugins[plugin].status}: {plugins[plugin].error}"


def answers_read_by(module: ModuleType) -> tuple[set[str], dict[str, set[str]]]:
    """Question ids read with ``answers.get("...")`` in ``module``, and the strings each is compared with.

    Follows a name back to its question: ``voted = answers.get("gestemd")`` ... ``voted == "nee"``.
    Values used through tables or constants are not seen; test those directly.
    """
    tree = ast.parse(inspect.getsource(module))
    ids: set[str] = set()
    compared: dict[str, set[str]] = {}
    named: dict[str, str] = {}

    def question_of(node):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "answers"
                and node.args and isinstance(node.args[0], ast.Constant)):
            return node.args[0].value
        return None

    for node in ast.walk(tree):
        qid = question_of(node)
        if qid:
            ids.add(qid)
        if isinstance(node, ast.Assign) and question_of(node.value) and isinstance(node.targets[0], ast.Name):
            named[node.targets[0].id] = question_of(node.value)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        left = question_of(node.left) or (named.get(node.left.id) if isinstance(node.left, ast.Name) else None)
        if left:
            for comparator in node.comparators:
                for const in ast.walk(comparator):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        compared.setdefault(left, set()).add(const.value)
    return ids, compared
