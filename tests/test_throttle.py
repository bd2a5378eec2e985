"""Sign-in throttling (issue 10): counted before the password is checked, per client and account, never a lock
on the account as a whole, a bound on password hashing, one limiter per app, shared between processes by Redis."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import ladder.accounts
from conftest import make_app, skip_or_fail
from test_staff import PASSWORD, add_user

REDIS = "redis://127.0.0.1:6379"
WRONG = "fout wachtwoord!"
# The two-process test runs against this store; run it once with LADDER_TEST_THROTTLE_STORE=memory:// to see it
# fail (each process then counts only its own attempts).
SHARED_STORE = os.environ.get("LADDER_TEST_THROTTLE_STORE", REDIS)


def redis_or_skip(url=REDIS):
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        skip_or_fail(f"Redis not reachable at {url}: {exc}")
    return url


@pytest.fixture(params=["memory", "redis"])
def store(request):
    return "memory://" if request.param == "memory" else redis_or_skip()


def throttled_app(sqlite_url, tmp_path, store="memory://", **config):
    settings = {"RATELIMIT_STORAGE_URI": store, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
                "WTF_CSRF_ENABLED": False, "MFA_REQUIRED_ROLES": []}
    settings.update(config)
    return make_app(sqlite_url, tmp_path, **settings)


def attempt(app, email, password, address="192.0.2.1"):
    return app.test_client().post("/beheer/inloggen", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


class Served:
    """The app behind a real threaded HTTP server, for requests that truly run at the same time."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def post(self, email, password):
        return post(self.url, email, password)

    def close(self):
        self.server.shutdown()
        self.thread.join(5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(base, email, password):
    body = urllib.parse.urlencode({"email": email, "password": password}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(base + "/beheer/inloggen", data=body), timeout=60) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_forty_concurrent_wrong_guesses_evaluate_at_most_the_limit(sqlite_url, tmp_path, store):
    app = throttled_app(sqlite_url, tmp_path, store, LOGIN_HASH_WAIT=30)
    email = add_user(app, "doel@example.org", "editor", "Testgemeente")
    served = Served(app)
    try:
        with ThreadPoolExecutor(40) as pool:
            statuses = [s for s, _ in pool.map(lambda _: served.post(email, WRONG), range(40))]
    finally:
        served.close()
    evaluated, refused = statuses.count(401), statuses.count(429)
    assert evaluated + refused == 40, statuses
    assert 1 <= evaluated <= 5, f"{evaluated} of 40 concurrent guesses were checked against a limit of 5"


def test_a_correct_password_signs_in_after_an_attackers_failures_from_other_clients(sqlite_url, tmp_path, store):
    app = throttled_app(sqlite_url, tmp_path, store)
    email = add_user(app, "echt@example.org", "editor", "Testgemeente")
    # Three attacking machines, each until it is refused: the account has more than 5 failures.
    checked = 0
    for n in range(3):
        statuses = [attempt(app, email, WRONG, f"203.0.113.{n}").status_code for _ in range(8)]
        assert set(statuses) == {401, 429} and statuses[-1] == 429, statuses
        checked += statuses.count(401)
    assert checked > 5
    assert attempt(app, email, PASSWORD, "203.0.113.0").status_code == 429  # the attacker's machine: refused
    assert attempt(app, email, PASSWORD, "198.51.100.7").status_code == 302  # the real user: signed in


def test_a_client_that_keeps_failing_waits_longer_each_time(sqlite_url, tmp_path):
    app = throttled_app(sqlite_url, tmp_path, LOGIN_LIMIT="10 per 15 minutes")
    email = add_user(app, "traag@example.org", "editor", "Testgemeente")
    for n in range(10):  # ten machines fail once: the account now asks for delays
        assert attempt(app, email, WRONG, f"203.0.113.{n}").status_code == 401
    assert attempt(app, email, WRONG, "203.0.113.0").status_code == 401  # a second try is not delayed yet
    assert attempt(app, email, WRONG, "203.0.113.0").status_code == 401  # the third goes through the gate...
    waited = attempt(app, email, WRONG, "203.0.113.0")  # ...and the next must wait for it
    assert waited.status_code == 429 and "Te veel pogingen" in waited.get_data(as_text=True)
    first_wait = int(waited.headers["Retry-After"])
    assert 1 <= first_wait <= 2 ** 2
    time.sleep(first_wait + 0.1)
    assert attempt(app, email, WRONG, "203.0.113.0").status_code == 401  # one attempt after the wait
    again = attempt(app, email, WRONG, "203.0.113.1")
    assert again.status_code == 401  # that client's second try: not delayed
    later = attempt(app, email, WRONG, "203.0.113.0")
    assert later.status_code == 429 and int(later.headers["Retry-After"]) > first_wait
    # Meanwhile a client that never failed signs in at once.
    assert attempt(app, email, PASSWORD, "198.51.100.7").status_code == 302


def test_one_client_is_stopped_from_trying_many_accounts(sqlite_url, tmp_path):
    app = throttled_app(sqlite_url, tmp_path, LOGIN_CLIENT_LIMIT="8 per 15 minutes")
    statuses = [attempt(app, f"wie{n}@example.org", WRONG).status_code for n in range(10)]
    assert statuses == [401] * 8 + [429] * 2
    assert attempt(app, "wie0@example.org", WRONG, "198.51.100.7").status_code == 401  # another client is not


def test_each_app_has_its_own_limiter(sqlite_url, tmp_path):
    first = throttled_app(sqlite_url, tmp_path)
    email = add_user(first, "eigen@example.org", "editor", "Testgemeente")
    for _ in range(5):
        assert attempt(first, email, WRONG).status_code == 401
    assert attempt(first, email, WRONG).status_code == 429
    second = throttled_app(sqlite_url, tmp_path)  # a new app must not replace the first one's store
    assert attempt(first, email, WRONG).status_code == 429
    assert attempt(second, email, WRONG).status_code == 401
    assert first.extensions["ladder_throttle"] is not second.extensions["ladder_throttle"]


def test_password_checks_at_once_are_bounded_and_the_rest_get_503(sqlite_url, tmp_path, monkeypatch, store):
    running, most = [0], [0]
    lock = threading.Lock()
    real = ladder.accounts.check_password_hash

    def counted(*args):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.05)
            return real(*args)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(ladder.accounts, "check_password_hash", counted)
    # Two apps stand for two servers. With Redis each may hash 2 at once but together only 1; in memory each 1.
    shared = store.startswith("redis")
    config = dict(LOGIN_HASH_CONCURRENCY=2 if shared else 1, LOGIN_HASH_CONCURRENCY_SHARED=1, LOGIN_HASH_WAIT=0.2,
                  LOGIN_CLIENT_LIMIT="1000 per 15 minutes", LOGIN_LIMIT="1000 per 15 minutes")
    first = throttled_app(sqlite_url, tmp_path, store, **config)
    second = throttled_app(sqlite_url, tmp_path, store, RATELIMIT_KEY_PREFIX=first.config["RATELIMIT_KEY_PREFIX"],
                           **config)
    servers = [Served(first), Served(second)]
    try:
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda n: servers[n % 2].post(f"raad{n}@example.org", WRONG), range(32)))
    finally:
        for served in servers:
            served.close()
    statuses = [s for s, _ in answers]
    assert set(statuses) <= {401, 503} and 503 in statuses and 401 in statuses, statuses
    assert all(int(h["Retry-After"]) >= 1 for s, h in answers if s == 503)
    assert most[0] <= (1 if shared else 2), f"{most[0]} password checks ran at once"


def test_the_store_keeps_neither_address_nor_e_mail(sqlite_url, tmp_path):
    url = redis_or_skip()
    import redis
    app = throttled_app(sqlite_url, tmp_path, url)
    attempt(app, "geheim@example.org", WRONG, "203.0.113.77")
    keys = [k.decode() for k in redis.Redis.from_url(url).keys(f"*{app.config['RATELIMIT_KEY_PREFIX']}*")]
    assert keys and not [k for k in keys if "203.0.113" in k or "geheim" in k], keys


SERVER = """
import json, sys
sys.path[:0] = {paths!r}
from werkzeug.serving import make_server
from ladder import create_app
app = create_app({config!r}, instance_path={instance!r})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def two_processes(sqlite_url, tmp_path, store):
    """Five wrong passwords spread over two real server processes (as two gunicorn workers or servers) with one
    store; then the right password at one of them. Returns the statuses of the last two requests."""
    setup = throttled_app(sqlite_url, tmp_path, store)
    email = add_user(setup, f"twee-{uuid.uuid4().hex[:6]}@example.org", "editor", "Testgemeente")
    config = {key: setup.config[key] for key in ("DATABASE_URL", "SECRET_KEY", "EXTRA_PLUGINS", "DISABLED_PLUGINS",
                                                 "RATELIMIT_STORAGE_URI", "RATELIMIT_KEY_PREFIX", "WTF_CSRF_ENABLED",
                                                 "MFA_REQUIRED_ROLES", "TESTING")}
    tests = Path(__file__).parent
    script = SERVER.format(paths=[str(tests), str(tests / "plugins")], config=json.loads(json.dumps(config)),
                           instance=str(tmp_path / "instance"))
    processes = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
                 for _ in range(2)]
    try:
        urls = [f"http://127.0.0.1:{p.stdout.readline().strip()}" for p in processes]
        for base in (urls[0], urls[1], urls[0], urls[1], urls[0]):
            assert post(base, email, WRONG)[0] == 401
        return post(urls[1], email, PASSWORD)[0], post(urls[0], email, WRONG)[0]
    finally:
        for p in processes:
            p.terminate()
            p.wait(10)


def test_two_server_processes_share_the_counts(sqlite_url, tmp_path):
    """With Redis the five failures count on either process. (Run with LADDER_TEST_THROTTLE_STORE=memory:// and
    this test fails: each process then counts only its own.)"""
    store = SHARED_STORE if SHARED_STORE.startswith("memory") else redis_or_skip(SHARED_STORE)
    assert two_processes(sqlite_url, tmp_path, store) == (429, 429)


def test_the_two_process_check_would_catch_a_store_that_is_not_shared(sqlite_url, tmp_path):
    """The same check with ``memory://``: each process has its own counts, so the limit is not reached. This is
    what the test above tells apart; an in-process check (two apps in one process) could not."""
    assert two_processes(sqlite_url, tmp_path, "memory://") == (302, 401)
