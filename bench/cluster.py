"""``make bench-cluster``: several app servers, one PostgreSQL database, one Redis, and no stale answer.

Four parts, each optional (``--parts``):

cluster
    Two ladder gunicorn servers (A and B, on their own ports) share one fresh PostgreSQL database and one
    Redis. Client threads send resident submissions (the JSON API, each with its own Idempotency-Key),
    spread over both servers, to two surveys. During the run: an editor closes the second survey on A,
    and a submission to B right after A's answer must be refused (409), as must every submission to it
    that starts after that; one of B's workers is killed with ``kill -9``; A is stopped and started
    again. A client whose request got no answer (a killed worker, a stopped server) sends it again with
    the same Idempotency-Key, to the other server, as a careful client would. Afterwards every 201 must
    have exactly its row in the database, and there must be no other row.
ratio
    Throughput of ladder's submit (two servers) against ``bench/baseline_app.py`` (two servers, the same
    bodies), closed loop, in ABBA rounds, on PostgreSQL and on SQLite (one file shared by both servers).
latency
    The whole resident path as a browser without JavaScript takes it (start page, start, every question
    page's GET and POST, the check page, submit, the result page) started at a fixed rate (10 and 50
    per second by default) over both servers on PostgreSQL: p50/p95/p99 of every request and of a path.
pages
    The in-process CPU per page of the resident's index, start page and question page against a bare
    Flask page of the same size (``bench/pages.py``).

Results are printed and written to ``bench-results/cluster.json``. Exit status 1 when a check fails
(a lost, duplicated or unexpected row, a submission taken after the close, a failed path).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import baseline_app, load, servers
from .servers import HOST, ROOT
from .submit import make_payloads

SURVEY, CLOSING = "testdorp-inspraak", "anderdorp-inspraak"  # both from tests/plugins (fake_municipality)
EDITOR, EDITOR_TOWN, PASSWORD = "redacteur@anderdorp.example", "Andergemeente", "een lang wachtwoord voor de bench"
PG_ADMIN = os.environ.get("LADDER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("LADDER_BENCH_REDIS", "redis://127.0.0.1:6379/0")
TARGET = 0.85  # issue 26, on PostgreSQL and on SQLite
# The resident's answers per page (betrokken "nooit" skips the 'initiatief' page).
FORM_PAGES = {"over-u": {"woonplaats": "testdorp", "betrokken": "nooit"},
              "inspraak": {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen", "spelen"]}}
TOKEN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


# ---------------------------------------------------------------- services and servers

def check_services() -> list[str]:
    """What is missing: PostgreSQL at LADDER_TEST_PG, Redis at LADDER_BENCH_REDIS."""
    missing = []
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            pass
    except Exception as exc:  # noqa: BLE001 - reported
        missing.append(f"PostgreSQL at {PG_ADMIN}: {exc}")
    try:
        import redis
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - reported
        missing.append(f"Redis at {REDIS}: {exc}")
    return missing


def ladder_env(url: str, prefix: str) -> dict[str, str]:
    return {"LADDER_DATABASE_URL": url, "LADDER_SECRET_KEY": "bench-cluster-not-a-secret",
            "LADDER_EXTRA_PLUGINS": '["fake_municipality"]', "LADDER_RATELIMIT_STORAGE_URI": REDIS,
            "LADDER_RATELIMIT_KEY_PREFIX": prefix, "LADDER_MFA_REQUIRED_ROLES": "[]"}


LADDER_SRC: list[Path] = []  # --ladder-src: serve another directory's ladder package


def start_ladder(name: str, env: dict, workdir: Path, workers: int) -> servers.Server:
    env = {**env, "LADDER_INSTANCE_PATH": str(workdir / f"instance-{name}")}  # never the checkout's instance/
    server = servers.start(name, "ladder.wsgi:app", env, workdir, workers, [*LADDER_SRC, ROOT / "tests" / "plugins"])
    servers.wait_ready(server, f"/api/v1/surveys/{SURVEY}")
    return server


def start_both(names, start, *args) -> list[servers.Server]:
    """Start two servers at the same time (each waits until it answers)."""
    with ThreadPoolExecutor(len(names)) as pool:
        return [f.result() for f in [pool.submit(start, name, *args) for name in names]]


def start_baseline(name: str, url: str, workdir: Path, workers: int) -> servers.Server:
    server = servers.start(name, "bench.baseline_app:create_app()", {"BENCH_DATABASE_URL": url}, workdir, workers)
    servers.wait_ready(server, "/health")
    return server


def worker_pids(server: servers.Server) -> list[int]:
    """The gunicorn workers of ``server`` (children of its master), from /proc."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == server.proc.pid:
                pids.append(int(entry.name))
    return sorted(pids)


def new_pg_database() -> tuple[str, str]:
    from ladder.testing import create_pg_database
    return create_pg_database(PG_ADMIN)


def drop_pg_database(name: str) -> None:
    from ladder.testing import drop_pg_database as drop
    drop(PG_ADMIN, name)


def add_editor(url: str, instance: Path) -> None:
    """An editor of the closing survey's municipality, made with ``ladder users add`` on the shared database."""
    sys.path.insert(0, str(ROOT / "tests" / "plugins"))  # the fake municipality
    from ladder import create_app
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-cluster-not-a-secret",
                      "EXTRA_PLUGINS": ["fake_municipality"]}, instance_path=instance / "cli")
    done = app.test_cli_runner().invoke(args=["users", "add", EDITOR, "--role", "editor", "--municipality",
                                              EDITOR_TOWN], input=f"{PASSWORD}\n{PASSWORD}\n")
    if done.exit_code != 0:
        raise RuntimeError(f"ladder users add failed: {done.output}")
    app.extensions["ladder.db"].kw["bind"].dispose()


# ---------------------------------------------------------------- HTTP with a cookie, as a browser

@dataclass
class Browser:
    """One resident (or editor): a cookie jar and one new connection per request."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timings: list[float] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None, timeout: float = 30.0):
        body, headers = None, {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            from urllib.parse import urlencode
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        self.timings.append(time.perf_counter() - t0)
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return resp.status, resp.getheader("Location", ""), data

    def token(self, path: str) -> str:
        status, _loc, data = self.request("GET", path)
        found = TOKEN.search(data)
        if status != 200 or not found:
            raise RuntimeError(f"GET {path}: {status}, no form")
        return found.group(1).decode()


def _path_only(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


def close_survey(port: int) -> None:
    """Sign in as the editor on ``port`` and close the survey, as on the dashboard."""
    editor = Browser(port)
    status, location, _ = editor.request("POST", "/beheer/inloggen",
                                         {"csrf_token": editor.token("/beheer/inloggen"), "email": EDITOR,
                                          "password": PASSWORD})
    if status != 302 or "inloggen" in location:
        raise RuntimeError(f"editor sign-in answered {status} -> {location}")
    status, location, _ = editor.request("POST", f"/beheer/s/{CLOSING}/status",
                                         {"csrf_token": editor.token("/beheer/"), "status": "closed"})
    if status != 302:
        raise RuntimeError(f"closing the survey answered {status}")


def resident_path(port: int) -> dict:
    """Every page of the testdorp survey, GET and POST, as a browser without JavaScript; the timings."""
    r = Browser(port)
    t0 = time.perf_counter()
    try:
        status, location, _ = r.request("POST", f"/s/{SURVEY}", {"csrf_token": r.token(f"/s/{SURVEY}"),
                                                                "action": "start"})
        url = _path_only(location)
        while "/vraag/" in url:
            page_id = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
            status, location, _ = r.request("POST", url, {"csrf_token": r.token(url), "action": "volgende",
                                                          **FORM_PAGES.get(page_id, {})})
            if status != 302:
                raise RuntimeError(f"page {page_id}: {status}")
            url = _path_only(location)
        status, location, _ = r.request("POST", url, {"csrf_token": r.token(url)})
        if status != 302 or "resultaat" not in location:
            raise RuntimeError(f"submit: {status} -> {location}")
        status, _loc, data = r.request("GET", _path_only(location))
        if status != 200:
            raise RuntimeError(f"result page: {status}")
        error = None
    except Exception as exc:  # noqa: BLE001 - a failed path is counted
        error = f"{type(exc).__name__}: {exc}"
    return {"requests": r.timings, "seconds": time.perf_counter() - t0, "error": error}


# ---------------------------------------------------------------- cluster: close, kill -9, restart

@dataclass
class Submission:
    key: str
    survey: str
    started: float
    status: int | None = None
    id: int | None = None
    attempts: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        return self.status is not None and self.status < 500


class Targets:
    """The servers' ports; a restarting server is left out until it is back."""

    def __init__(self, ports: dict[str, int]):
        self.lock = threading.Lock()
        self.ports = dict(ports)
        self.turn = 0

    def pick(self, avoid: int | None = None) -> int:
        with self.lock:
            ports = [p for p in self.ports.values() if p != avoid] or list(self.ports.values())
            self.turn += 1
            return ports[self.turn % len(ports)]

    def set(self, name: str, port: int | None) -> None:
        with self.lock:
            if port is None:
                self.ports.pop(name, None)
            else:
                self.ports[name] = port


def send(sub: Submission, payload: bytes, targets: Targets, retries: int = 8) -> None:
    """POST until an answer that is not a server error; each retry to another server, same key."""
    port = None
    for attempt in range(retries):
        port = targets.pick(avoid=port)
        sub.attempts += 1
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            try:
                conn.request("POST", f"/api/v1/surveys/{sub.survey}/responses", body=payload,
                             headers={"Content-Type": "application/json", "Idempotency-Key": sub.key,
                                      "Connection": "close"})
                resp = conn.getresponse()
                data = resp.read()
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001 - no answer: try again
            sub.errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05 * (attempt + 1))
            continue
        sub.status = resp.status
        if resp.status == 201:
            sub.id = json.loads(data)["id"]
        if resp.status < 500:
            return
        sub.errors.append(f"{resp.status}: {data[:120]!r}")
        time.sleep(0.05 * (attempt + 1))


def run_cluster(args, workdir: Path) -> dict:
    name, url = new_pg_database()
    from ladder.migrate import upgrade
    upgrade(url)
    add_editor(url, workdir)
    env = ladder_env(url, f"bench-{uuid.uuid4().hex[:8]}")
    a = b = None
    try:
        a, b = start_both(("A", "B"), start_ladder, env, workdir, args.workers)
        targets = Targets({"A": a.port, "B": b.port})
        payloads = make_payloads()
        subs: list[Submission] = []
        lock, stop = threading.Lock(), threading.Event()
        events: dict = {}

        def client(seed):
            rng = random.Random(seed)
            while not stop.is_set():
                sub = Submission(str(uuid.uuid4()), CLOSING if rng.random() < 0.2 else SURVEY, time.monotonic())
                send(sub, rng.choice(payloads), targets)
                with lock:
                    subs.append(sub)

        t0 = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
        for t in threads:
            t.start()

        def at(share):
            time.sleep(max(0.0, t0 + share * args.duration - time.monotonic()))

        at(0.25)
        close_survey(a.port)  # on A ...
        events["closed_at_s"] = round(time.monotonic() - t0, 3)
        closed_at = time.monotonic()
        probe = Submission(str(uuid.uuid4()), CLOSING, time.monotonic())
        send(probe, payloads[0], Targets({"B": b.port}))  # ... refused on B from the next request on
        events["refused_on_other_server_at_once"] = probe.status == 409
        events["probe_status"] = probe.status
        at(0.45)
        victims = worker_pids(b)
        if victims:
            os.kill(victims[0], signal.SIGKILL)  # a worker of our own gunicorn, mid-load
        events["killed_worker"] = victims[0] if victims else None
        events["killed_at_s"] = round(time.monotonic() - t0, 3)
        at(0.6)
        targets.set("A", None)
        servers.stop(a)  # graceful: A's workers finish what they have; clients go to B meanwhile
        events["restart_started_s"] = round(time.monotonic() - t0, 3)
        a = start_ladder("A", env, workdir, args.workers)
        targets.set("A", a.port)
        events["restarted_at_s"] = round(time.monotonic() - t0, 3)
        at(1.0)
        stop.set()
        for t in threads:
            t.join(60)
        elapsed = time.monotonic() - t0
        unsettled = [s for s in subs if not s.settled]
        for sub in unsettled:  # a careful client asks again (same key) until it has an answer
            send(sub, payloads[0], targets, retries=20)
        events["b_workers_after"] = len(worker_pids(b))
    finally:
        for srv in (a, b):
            if srv is not None:
                servers.stop(srv)
    rows = stored_rows(url)
    drop_pg_database(name)
    return check_cluster(subs, probe, rows, closed_at, elapsed, events, unsettled)


def stored_rows(url: str) -> list[tuple[int, str]]:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT id, survey_slug FROM responses"))]
    engine.dispose()
    return rows


def check_cluster(subs, probe, rows, closed_at, elapsed, events, unsettled) -> dict:
    everything = [*subs, probe]
    accepted = [s for s in everything if s.status == 201]
    ids = [s.id for s in accepted]
    stored = [r[0] for r in rows]
    late = [s for s in accepted if s.survey == CLOSING and s.started > closed_at]
    statuses: dict[str, int] = {}
    for s in everything:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
    result = {
        "submissions": len(everything), "statuses": statuses, "accepted": len(accepted), "stored": len(stored),
        "lost": len(set(ids) - set(stored)), "duplicates": len(ids) - len(set(ids)) + len(stored) - len(set(stored)),
        "stored_without_201": len(set(stored) - set(ids)),
        "accepted_after_close": len(late),
        "retried": sum(1 for s in everything if s.attempts > 1),
        "asked_again_after_the_run": len(unsettled),
        "never_answered": sum(1 for s in everything if not s.settled),
        "seconds": round(elapsed, 2), "accepted_per_s": round(len(accepted) / elapsed, 1) if elapsed else 0.0,
        **events,
    }
    problems = []
    if result["lost"] or result["duplicates"] or result["stored_without_201"] or len(accepted) != len(stored):
        problems.append("accepted and stored differ")
    if result["accepted_after_close"] or not events.get("refused_on_other_server_at_once"):
        problems.append("the closed survey took answers")
    if result["never_answered"]:
        problems.append(f"{result['never_answered']} submissions never got an answer")
    if not events.get("killed_worker"):
        problems.append("no worker was killed")
    result["problems"] = problems
    return result


# ---------------------------------------------------------------- ratio: ladder against the baseline

def run_ratio(args, workdir: Path, kind: str) -> dict:
    made = []
    if kind == "postgresql":
        made = [new_pg_database(), new_pg_database()]
        ladder_url, base_url = made[0][1], made[1][1]
    else:
        ladder_url = f"sqlite:///{workdir / f'ratio-ladder-{uuid.uuid4().hex[:6]}.sqlite3'}"
        base_url = f"sqlite:///{workdir / f'ratio-baseline-{uuid.uuid4().hex[:6]}.sqlite3'}"
    from ladder.migrate import upgrade
    upgrade(ladder_url)
    baseline_app.init_db(base_url)
    env = ladder_env(ladder_url, f"bench-{uuid.uuid4().hex[:8]}")
    payloads = make_payloads()
    apps = {"ladder": (f"/api/v1/surveys/{SURVEY}/responses", "responses"), "baseline": ("/submissions", "submissions")}
    running: dict[str, list[servers.Server]] = {}
    phases: dict[str, list] = {"ladder": [], "baseline": []}
    warm: dict[str, load.Phase] = {}
    try:
        running["ladder"] = start_both([f"{kind}-ladder-{n}" for n in "AB"], start_ladder, env, workdir, args.workers)
        running["baseline"] = start_both([f"{kind}-baseline-{n}" for n in "AB"], start_baseline, base_url, workdir,
                                         args.workers)

        def both(app, requests, offset=0):
            path = apps[app][0]
            per = max(1, args.clients // 2)
            with ThreadPoolExecutor(2) as pool:
                done = [pool.submit(load.run_phase, HOST, srv.port, path, payloads, requests=requests,
                                    clients=per, max_seconds=args.phase_seconds, offset=offset + i * 7)
                        for i, srv in enumerate(running[app])]
                parts = [f.result() for f in done]
            return load.Phase(results=[r for p in parts for r in p.results], elapsed=max(p.elapsed for p in parts))

        for app in apps:
            warm[app] = both(app, args.warmup)  # warm-up, not measured (its rows are checked too)
        for r in range(args.rounds):
            for app in (["ladder", "baseline"] if r % 2 == 0 else ["baseline", "ladder"]):
                phases[app].append(both(app, args.requests, offset=r * args.requests))
    finally:
        for group in running.values():
            for srv in group:
                servers.stop(srv)
    from sqlalchemy import column, create_engine, select, table
    integrity = {}
    for app, url in (("ladder", ladder_url), ("baseline", base_url)):
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = set(conn.execute(select(column("id")).select_from(table(apps[app][1]))).scalars())
        engine.dispose()
        ids = [r.id for p in [warm[app], *phases[app]] for r in p.results if r.status == 201]
        integrity[app] = {"responses_201": len(ids), "rows": len(rows), "lost": len(set(ids) - rows),
                          "rows_without_201": len(rows - set(ids)), "duplicate_ids": len(ids) - len(set(ids))}
    for made_name, _url in made:
        drop_pg_database(made_name)
    summary = {}
    for app in apps:
        measured = [p.summary() for p in phases[app]]
        summary[app] = {"rps_rounds": [m["rps"] for m in measured],
                        "rps_median": round(statistics.median(m["rps"] for m in measured), 1),
                        "p50_ms": statistics.median(m["p50_ms"] for m in measured),
                        "p95_ms": statistics.median(m["p95_ms"] for m in measured),
                        "non_201": sum(m["not_201"] for m in measured)}
    ratio = summary["ladder"]["rps_median"] / summary["baseline"]["rps_median"] if summary["baseline"]["rps_median"] else 0
    rounds = [round(a / b, 3) if b else 0 for a, b in zip(summary["ladder"]["rps_rounds"], summary["baseline"]["rps_rounds"])]
    return {"database": kind, "servers": 2, "workers_per_server": args.workers, "clients": args.clients,
            "summary": summary, "ratio": round(ratio, 3), "round_ratios": rounds, "target": TARGET,
            "integrity": integrity}


# ---------------------------------------------------------------- latency of the resident path

def run_latency(args, workdir: Path) -> list[dict]:
    name, url = new_pg_database()
    from ladder.migrate import upgrade
    upgrade(url)
    env = ladder_env(url, f"bench-{uuid.uuid4().hex[:8]}")
    results = []
    srvs = []
    try:
        srvs = start_both([f"latency-{n}" for n in "AB"], start_ladder, env, workdir, args.workers)
        results = paths_at_rates([srv.port for srv in srvs], args.rates, args.latency_seconds)
    finally:
        for srv in srvs:
            servers.stop(srv)
        drop_pg_database(name)
    return results


def paths_at_rates(ports: list[int], rates: list[int], seconds: float) -> list[dict]:
    """Start resident paths at each fixed rate (open loop) for ``seconds``, spread over ``ports``."""
    results = []
    for _ in range(4):  # warm the servers up
        for port in ports:
            resident_path(port)
    for rate in rates:
        lags = []
        started = time.monotonic()
        n = max(1, int(rate * seconds))
        with ThreadPoolExecutor(max_workers=min(256, max(8, rate * 4))) as pool:
            futures = []
            for i in range(n):
                due = started + i / rate
                time.sleep(max(0.0, due - time.monotonic()))
                lags.append(time.monotonic() - due)
                futures.append(pool.submit(resident_path, ports[i % len(ports)]))
            paths = [f.result() for f in futures]
        elapsed = time.monotonic() - started
        requests = sorted(t for p in paths for t in p["requests"])
        totals = sorted(p["seconds"] for p in paths if not p["error"])
        pct = load.percentile
        results.append({
            "rate_per_s": rate, "paths": len(paths), "failed": sum(1 for p in paths if p["error"]),
            "errors": [p["error"] for p in paths if p["error"]][:3],
            "completed_per_s": round(len(totals) / elapsed, 1), "requests": len(requests),
            "requests_per_path": round(len(requests) / max(1, len(paths)), 1),
            "request_ms": {f"p{q}": round(pct(requests, q) * 1000, 1) for q in (50, 95, 99)},
            "path_ms": {f"p{q}": round(pct(totals, q) * 1000, 1) for q in (50, 95, 99)},
            "start_lag_ms_p95": round(pct(sorted(lags), 95) * 1000, 1),
        })
    return results


def describe_paths(r: dict) -> str:
    return (f"resident path at {r['rate_per_s']}/s: {r['paths']} paths ({r['failed']} failed), "
            f"{r['completed_per_s']}/s completed, {r['requests_per_path']} requests each; request ms "
            f"{r['request_ms']}; whole path ms {r['path_ms']}; start lag p95 {r['start_lag_ms_p95']} ms")


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.split("\n\n")[0])
    p.add_argument("--parts", default="cluster,ratio,latency,pages", help="which parts to run (default all four)")
    p.add_argument("--databases", default="postgresql,sqlite", help="databases of the ratio part")
    p.add_argument("--duration", type=float, default=30.0, help="seconds of the cluster run (default 30)")
    p.add_argument("--clients", type=int, default=8, help="client threads (default 8)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server (default 2)")
    p.add_argument("--requests", type=int, default=600, help="requests per server per ratio round (default 600)")
    p.add_argument("--rounds", type=int, default=4, help="ratio rounds per app, ABBA (default 4)")
    p.add_argument("--warmup", type=int, default=100, help="warm-up requests per server (default 100)")
    p.add_argument("--phase-seconds", type=float, default=20.0, help="time cap of one ratio phase (default 20)")
    p.add_argument("--rates", default="10,50", help="resident paths started per second (default 10,50)")
    p.add_argument("--latency-seconds", type=float, default=15.0, help="seconds per rate (default 15)")
    p.add_argument("--output", type=Path, default=ROOT / "bench-results" / "cluster.json")
    p.add_argument("--ladder-src", type=Path, default=None,
                   help="serve the ladder package found in this directory instead of this checkout's")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (gunicorn logs)")
    args = p.parse_args(argv)
    args.parts = [x for x in args.parts.split(",") if x]
    args.databases = [x for x in args.databases.split(",") if x]
    args.rates = [int(x) for x in args.rates.split(",") if x]
    unknown = set(args.parts) - {"cluster", "ratio", "latency", "pages"}
    if unknown:
        p.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    missing = check_services()
    if missing:
        print("bench-cluster needs PostgreSQL and Redis:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2
    started = time.perf_counter()
    if args.ladder_src:
        LADDER_SRC[:] = [args.ladder_src.resolve()]
    workdir = Path(tempfile.mkdtemp(prefix="ladder-bench-cluster-"))
    load_before = os.getloadavg()[0]
    print(f"ladder cluster benchmark: 2 servers x {args.workers} sync workers, PostgreSQL + Redis, "
          f"{os.cpu_count()} CPUs, load average {load_before:.2f}; temp dir {workdir}", flush=True)
    out: dict = {"benchmark": "cluster", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "load_average_before": load_before},
                 "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}}
    problems = []
    if "cluster" in args.parts:
        c = out["cluster"] = run_cluster(args, workdir)
        print(f"\ncluster ({c['seconds']} s, {args.clients} clients): {c['submissions']} submissions {c['statuses']}; "
              f"accepted {c['accepted']} = stored {c['stored']}, lost {c['lost']}, duplicates {c['duplicates']}, "
              f"stored without a 201 {c['stored_without_201']}; retried {c['retried']}")
        print(f"  closed on A at {c['closed_at_s']} s: next request on B answered {c['probe_status']}, "
              f"accepted after the close {c['accepted_after_close']}; worker {c['killed_worker']} of B killed "
              f"(-9) at {c['killed_at_s']} s; A restarted {c['restart_started_s']}-{c['restarted_at_s']} s", flush=True)
        problems += [f"cluster: {p}" for p in c["problems"]]
    if "ratio" in args.parts:
        out["ratio"] = []
        for kind in args.databases:
            r = run_ratio(args, workdir, kind)
            out["ratio"].append(r)
            s = r["summary"]
            print(f"\nratio on {kind}: ladder {s['ladder']['rps_median']} req/s (p50 {s['ladder']['p50_ms']} ms), "
                  f"baseline {s['baseline']['rps_median']} req/s (p50 {s['baseline']['p50_ms']} ms) -> "
                  f"{r['ratio']:.3f} (per round {r['round_ratios']}; target {TARGET})", flush=True)
            for app in ("ladder", "baseline"):
                i = r["integrity"][app]
                print(f"  {app}: {i['responses_201']} 201s, {i['rows']} rows, lost {i['lost']}, "
                      f"rows without a 201 {i['rows_without_201']}, duplicate ids {i['duplicate_ids']}")
                if s[app]["non_201"]:
                    problems.append(f"ratio {kind}: {app} had {s[app]['non_201']} non-201 answers")
                if i["lost"] or i["rows_without_201"] or i["duplicate_ids"]:
                    problems.append(f"ratio {kind}: {app} 201s and rows differ: {i}")
    if "latency" in args.parts:
        out["latency"] = run_latency(args, workdir)
        for r in out["latency"]:
            print("\n" + describe_paths(r), flush=True)
            if r["failed"]:
                problems.append(f"latency {r['rate_per_s']}/s: {r['failed']} paths failed, e.g. {r['errors'][:1]}")
    if "pages" in args.parts:
        from . import pages
        out["pages"] = pages.run(args.ladder_src.resolve() if args.ladder_src else None)
        print("\n" + pages.describe(out["pages"]), flush=True)
    out["problems"] = problems
    out["load_average_after"] = os.getloadavg()[0]
    out["wall_seconds"] = round(time.perf_counter() - started, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=2) + "\n")
    print(("\nFAILED:\n  " + "\n  ".join(problems)) if problems else "\nall checks passed", flush=True)
    print(f"results: {args.output} ({out['wall_seconds']} s)")
    if args.keep or problems:
        print(f"temp dir kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
