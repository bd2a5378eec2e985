"""Shared pytest fixtures: an app per database (SQLite and PostgreSQL), its client and CLI runner.

PostgreSQL and Chromium tests skip on a machine without them, but fail in CI (CI=true),
so a green CI run always means they ran.
"""
import gc
import os
import pickle
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from jinja2 import BytecodeCache
from werkzeug.routing import Rule

from ladder import plugins as plugins_module
from ladder import survey_file
from ladder.testing import (create_pg_database, drop_pg_database, migrate, new_pg_database, new_sqlite_database,
                            release_pg_database, skip_or_fail)  # noqa: F401 (tests import skip_or_fail)

sys.path.insert(0, str(Path(__file__).parent / "tests" / "plugins"))
sys.path.insert(0, str(Path(__file__).parent / "tests"))

PG_ADMIN_URL = os.environ.get("LADDER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# The tests' PostgreSQL sessions (this process's and the servers it starts) commit without waiting for the
# disk: only a crash of the database server could lose a commit, which no test makes; a sixth off the
# PostgreSQL tests' time (docs/testing.rst).
os.environ["PGOPTIONS"] = " ".join(filter(None, [os.environ.get("PGOPTIONS"), "-c synchronous_commit=off"]))

# Hypothesis, for every property-based test (docs/testing.rst): the profile "ladder" (the default, and what CI
# runs) tries the same examples on every run, so a red run can be repeated and a green one means the same
# thing each time; no example database (nothing carried over between runs or workers) and no deadline (a busy
# machine is slow, not wrong). "hunt" (``pytest --hypothesis-profile=hunt``) draws new examples on every run
# and remembers failing ones in .hypothesis/, for looking for bugs; set the LADDER_*_EXAMPLES counts higher.
settings.register_profile("ladder", derandomize=True, database=None, deadline=None)
settings.register_profile("hunt", derandomize=False, deadline=None)
settings.load_profile("ladder")


def examples(name: str, default: int) -> int:
    """How many examples a property test tries: ``LADDER_<NAME>_EXAMPLES``, else ``default`` (what CI runs)."""
    return int(os.environ.get(f"LADDER_{name}_EXAMPLES", default))


CHECKOUT_INSTANCE = Path(__file__).parent / "instance"


def _instance_files():
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in CHECKOUT_INSTANCE.glob("*")}


@pytest.fixture(scope="session", autouse=True)
def checkout_instance_untouched():
    """Tests never write into the checkout's instance/ folder (a developer's database and secret key)."""
    before = _instance_files()
    yield
    assert _instance_files() == before, "a test wrote into the checkout's instance/ folder"


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of a reachable PostgreSQL server."""
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            pass
    except Exception as exc:
        skip_or_fail(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    return PG_ADMIN_URL


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """A fresh database at the newest schema: SQLite in a temporary folder, or a PostgreSQL database.

    Both are copies (of a SQLite file, of a template database) migrated once per test process; a PostgreSQL
    database is emptied after its test for the next one, or dropped if the test changed its schema."""
    if request.param == "sqlite":
        yield new_sqlite_database(tmp_path / "ladder.sqlite3")
        return
    admin = request.getfixturevalue("pg_server")
    name, url = new_pg_database(admin)
    yield url
    release_pg_database(admin, name)


@pytest.fixture(params=DATABASES)
def empty_database_url(request, tmp_path):
    """A fresh, empty database (no tables), for tests of the migrations and of what runs before them."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ladder.sqlite3'}"
        return
    admin = request.getfixturevalue("pg_server")
    name, url = create_pg_database(admin)
    yield url
    drop_pg_database(admin, name, wait=False)


@pytest.fixture
def sqlite_url(tmp_path):
    """The URL of a SQLite file that does not exist yet (make_app creates it at the newest schema)."""
    return f"sqlite:///{tmp_path / 'ladder.sqlite3'}"


# Staff passwords in tests are hashed with scrypt at 1/32 of the production cost: hashing was a fifth of the
# suite's CPU (a quarter of a second per account made and per sign-in). The checks are the same code; the
# production cost has its own tests (test_password_hashing.py).
TEST_HASH_METHOD = "scrypt:1024:8:1"


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept in memory for the whole test process: every test makes its own app, and
    compiling the same templates again was a tenth of a test's CPU. Jinja checks each entry against the
    template's source, and every app the tests make sets up Jinja the same way (create_app)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


# Werkzeug writes and compiles a Python function per URL rule to build its URLs (``Rule._compile_builder``):
# about 40 ms per app for ladder's rules, an eighth of a test's CPU. The function depends only on the rule's
# text, its parsed parts, its defaults and ``append_unknown`` (it reads the converters from the rule it is bound
# to), so the test process makes each once. tests/test_suite_caches.py compares them with werkzeug's own.
_werkzeug_builder = Rule._compile_builder
_BUILDERS: dict[tuple, object] = {}


def _shared_builder(self, append_unknown=True):
    key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
    if key not in _BUILDERS:
        _BUILDERS[key] = _werkzeug_builder(self, append_unknown)
    return _BUILDERS[key]


Rule._compile_builder = _shared_builder


# Every app reads the bundled survey files again (about 30 ms of TOML per app). The test process parses each
# file once per content: the key is its path, size and modification time, and each caller gets its own copy.
_parse_toml = survey_file.read_toml
_PARSED: dict[tuple, bytes] = {}


def _read_toml_once(path):
    try:
        stat = Path(path).stat()
    except OSError:
        return _parse_toml(path)  # its own message for a file that cannot be read
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _PARSED:
        _PARSED[key] = pickle.dumps(_parse_toml(path))
    return pickle.loads(_PARSED[key])


survey_file.read_toml = _read_toml_once


# Every app asks importlib.metadata for the installed plugins, which reads every distribution's metadata on the
# path (about 25 ms per app, half of making one). The test process reads them once per path: the key is
# sys.path and each entry's modification time, which an install into it changes.
_installed_entry_points = plugins_module.entry_points
_ENTRY_POINTS: dict[tuple, object] = {}


def _path_state() -> tuple:
    state = []
    for entry in sys.path:
        try:
            state.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            state.append((entry, None))
    return tuple(state)


def _entry_points_once(**selection):
    key = (tuple(sorted(selection.items())), _path_state())
    if key not in _ENTRY_POINTS:
        _ENTRY_POINTS[key] = _installed_entry_points(**selection)
    return _ENTRY_POINTS[key]


plugins_module.entry_points = _entry_points_once


def make_app(url, tmp_path, **config):
    from ladder import create_app
    migrate(url)  # what `ladder init-db` does; a copy of the prepared schema when the database is new
    settings = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                "EXTRA_PLUGINS": ["fake_municipality"], "DISABLED_PLUGINS": [],
                "PASSWORD_HASH_METHOD": TEST_HASH_METHOD}
    settings.update(config)
    # With a test config, instance/config.py and LADDER_* are not read; the instance folder is the test's own.
    app = create_app(settings, instance_path=tmp_path / "instance")
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture
def app(database_url, tmp_path):
    """The app with the fake municipality plugin, on SQLite and on PostgreSQL."""
    return make_app(database_url, tmp_path)


@pytest.fixture
def sqlite_app(sqlite_url, tmp_path):
    """The app on SQLite only, for tests whose subject is not storage."""
    return make_app(sqlite_url, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# Browser tests share one Playwright and one Chromium for the whole run: Playwright's sync API
# cannot run two instances at once.

@pytest.fixture(scope="session")
def browser():
    from browser_support import launch_chromium
    yield from launch_chromium(skip_or_fail)


@pytest.fixture
def live(tmp_path):
    """The app with the fake municipality plugin on SQLite, served on 127.0.0.1 and a free port."""
    from browser_support import LiveServer
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path)
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def new_context(browser):
    """Make browser contexts (separate cookie jars) that are closed after the test; the test fails if the
    Content-Security-Policy blocked anything on any of their pages."""
    from browser_support import assert_no_csp_violations, record_csp_violations
    made, violations = [], []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 720})
        options.setdefault("locale", "nl-NL")
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(10_000)
        # A page load may take longer on a CI machine whose two cores run four workers, PostgreSQL and Chromium.
        ctx.set_default_navigation_timeout(30_000)
        made.append(ctx)
        violations.append(record_csp_violations(ctx))
        return ctx

    yield make
    for ctx in made:
        ctx.close()
    assert_no_csp_violations([v for found in violations for v in found])


# Files whose tests take tens of seconds to minutes each (wheels built and installed, servers started and
# killed, many generated inputs, publications attacked): they start first, so the run never ends with one
# worker busy on one of them while the other has nothing left to do.
LONG_FIRST = ("test_distribution.py", "test_properties.py", "test_cluster.py", "test_publication_attacks.py",
              "test_public_results.py", "test_testing_plugin.py", "test_secret_key.py", "test_lifecycle_shared.py",
              "test_throttle.py", "test_api_schemathesis.py", "test_tutorial.py")


# Python's cyclic garbage collector ran thousands of times per test file, each full pass walking every object the
# process keeps (pandas, SQLAlchemy, the compiled templates): a fifth of a file's CPU. Collected less often, and
# with what is loaded once the tests are collected set aside for good (gc.freeze), it costs a tenth of that;
# nothing in the tests waits on the collector, and memory grows by a few megabytes.
gc.set_threshold(20_000, 20, 50)


def pytest_collection_finish(session):
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    """The long files first (a stable sort: their own order, and every other test's, is kept). ``make test``
    hands out whole files (``--dist loadfile --no-loadscope-reorder``): a browser file's tests share its live
    server and seeded data, made once, and the files go out in this order."""
    rank = {name: number for number, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
