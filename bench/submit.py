"""``make bench``: ladder's submit path against a minimal Flask + SQLAlchemy app, served the same way.

Both apps run under gunicorn (same sync worker count) on 127.0.0.1, each on a fresh WAL-mode SQLite
file in a temp dir: ladder (with the fake municipality plugin, schema from ``ladder.migrate.upgrade``)
takes ``POST /api/v1/surveys/testdorp-inspraak/responses``, the baseline (``bench.baseline_app``)
takes ``POST /submissions`` with the very same bodies. A threaded load generator in this process
warms both up, then measures them alternately (ABBA order) for several rounds. Printed: req/s per
app (median of rounds), p50/p95 latency, non-201s, the ratio ladder/baseline, and whether every 201
has its row (and no row lacks its 201). JSON goes to ``bench-results/submit.json``.

Exit status: 1 if any request failed, any non-201 came back or any response was lost; 0 otherwise
(a ratio below the target is reported, with a profile, but only fails with ``--strict``).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from . import baseline_app, load, pages, servers
from .servers import HOST, ROOT

SURVEY = "testdorp-inspraak"
LADDER_PATH = f"/api/v1/surveys/{SURVEY}/responses"
BASELINE_PATH = "/submissions"
TARGET = 0.85  # issue 26: the median of the per-round (ABBA) ratios


def make_payloads(n: int = 64, seed: int = 20240601) -> list[bytes]:
    """``n`` valid, varied answer bodies for the testdorp survey (tests/plugins/testdorp.toml)."""
    rng = random.Random(seed)
    remarks = ["", "Meer bankjes graag.", "Goed dat u het vraagt!", "De bus rijdt te weinig.",
               "Hou de dorpsavond op dinsdag."]
    plans = ["Een moestuin bij de school.", "Bloembakken langs de dijk en een AED bij de kerk.",
             "Een speelveld voor de kinderen van Proefwijk."]
    bodies = []
    for _ in range(n):
        involved = rng.choice(["nooit", "soms", "vaak"])
        answers = {
            "woonplaats": rng.choice(["testdorp", "proefwijk"]),
            "betrokken": involved,
            "huidig": rng.choice(["informeren", "raadplegen", "adviseren"]),
            "gewenst": rng.randint(1, 6),
            "thema": rng.sample(["groen", "verkeer", "spelen"], rng.randint(1, 2)),
        }
        if involved != "nooit":  # the 'initiatief' page is shown
            answers["kosten"] = rng.choice([0, 750, 4999, 5000, 12000, rng.randint(1, 100000)])
            answers["prioriteiten"] = rng.sample(["bankjes", "bloembakken", "aed"], 2)
            if rng.random() < 0.5:
                answers["toelichting"] = rng.choice(plans)
        remark = rng.choice(remarks)
        if remark:
            answers["opmerking"] = remark
        bodies.append(json.dumps({"answers": answers, "locale": rng.choice(["nl", "nl", "fy", "en"])}).encode())
    return bodies


def check_pragmas() -> list[str]:
    """The baseline's pragmas that ladder/db.py no longer runs (empty: the same setup)."""
    from ladder import db
    source = inspect.getsource(db.make_engine)
    missing = [p for p in baseline_app.PRAGMAS if p not in source]
    if f'"timeout": {baseline_app.BUSY_TIMEOUT_S}' not in source:
        missing.append(f"busy timeout {baseline_app.BUSY_TIMEOUT_S}")
    return missing


def db_state(path: Path, table: str) -> dict:
    conn = sqlite3.connect(path)
    try:
        ids = {row[0] for row in conn.execute(f"SELECT id FROM {table}")}
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    return {"ids": ids, "journal_mode": journal}


def _median_or_none(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.submit", description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=1000, help="requests per app per measured round (default 1000)")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument("--rounds", type=int, default=5, help="measured rounds per app, ABBA order (default 5)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app (default 2)")
    p.add_argument("--warmup", type=int, default=200, help="warm-up requests per app (default 200)")
    p.add_argument("--max-seconds", type=float, default=20.0,
                   help="time cap of one phase; it stops at --requests or this (default 20)")
    p.add_argument("--profile", choices=["auto", "always", "never"], default="auto",
                   help="profile ladder's submit path in-process: when below target (auto), always or never")
    p.add_argument("--strict", action="store_true", help=f"also exit 1 when the ratio is below {TARGET}")
    p.add_argument("--output", type=Path, default=ROOT / "bench-results" / "submit.json")
    p.add_argument("--ladder-src", type=Path, default=None,
                   help="serve the ladder package found in this directory instead of this checkout's "
                        "(to measure a proposed change against the same baseline)")
    p.add_argument("--rates", default="2,5", help="resident paths started per second, open loop (default 2,5; "
                   "empty: skip)")
    p.add_argument("--latency-seconds", type=float, default=10.0, help="seconds per rate (default 10)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (databases, gunicorn logs)")
    args = p.parse_args(argv)
    for name in ("requests", "clients", "rounds", "workers"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    return args


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "ladder"], cwd=ROOT, capture_output=True,
                               text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "") if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def resident_paths(args, ladder: dict, workdir: Path) -> list[dict]:
    """The resident's whole path (every page, GET and POST) at fixed rates, open loop, on ladder's server."""
    from . import cluster  # (it imports this module)
    server = servers.start("ladder-paths", ladder["spec"], ladder["env"], workdir, args.workers, ladder["pythonpath"])
    try:
        servers.wait_ready(server, ladder["ready"])
        return cluster.paths_at_rates([server.port], args.rates, args.latency_seconds)
    finally:
        servers.stop(server)


def main(argv=None) -> int:
    args = parse_args(argv)
    args.rates = [int(x) for x in args.rates.split(",") if x]
    started = time.perf_counter()
    drift = check_pragmas()
    if drift:
        print(f"warning: ladder/db.py no longer sets {drift}; update bench/baseline_app.py PRAGMAS so both "
              "apps get the same SQLite setup", file=sys.stderr)

    workdir = Path(tempfile.mkdtemp(prefix="ladder-bench-"))
    ladder_db, baseline_db = workdir / "ladder.sqlite3", workdir / "baseline.sqlite3"
    ladder_url, baseline_url = f"sqlite:///{ladder_db}", f"sqlite:///{baseline_db}"
    ladder_path = [str(args.ladder_src.resolve())] if args.ladder_src else []
    ladder_path.append(str(ROOT / "tests" / "plugins"))
    if args.ladder_src:  # its own migrations, in its own interpreter
        subprocess.run([sys.executable, "-P", "-c", "import sys; from ladder.migrate import upgrade; upgrade(sys.argv[1])",
                        ladder_url], check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(ladder_path)})
    else:
        from ladder.migrate import upgrade
        upgrade(ladder_url)
    baseline_app.init_db(baseline_url)
    payloads = make_payloads()

    apps = {
        "ladder": {"path": LADDER_PATH, "ready": f"/api/v1/surveys/{SURVEY}", "db": ladder_db, "table": "responses",
                   "spec": "ladder.wsgi:app",
                   "env": {"LADDER_DATABASE_URL": ladder_url, "LADDER_SECRET_KEY": "bench-not-a-secret",
                           "LADDER_EXTRA_PLUGINS": '["fake_municipality"]'}, "pythonpath": ladder_path},
        "baseline": {"path": BASELINE_PATH, "ready": "/health", "db": baseline_db, "table": "submissions",
                     "spec": "bench.baseline_app:create_app()", "env": {"BENCH_DATABASE_URL": baseline_url},
                     "pythonpath": []},
    }
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"ladder submit benchmark: gunicorn --workers {args.workers} (sync) per app, {args.clients} clients, "
          f"{args.rounds} rounds x {args.requests} requests per app, {os.cpu_count()} CPUs; temp dir {workdir}")
    if load_before is not None and load_before > 0.5 * (os.cpu_count() or 1):
        print(f"warning: load average {load_before:.2f} before the run: other work shares these CPUs, "
              "expect noisy figures (the per-round ratios and CPU ms/request hold up better)")

    phases: dict[str, list[load.Phase]] = {name: [] for name in apps}
    warm: dict[str, load.Phase] = {}
    running: dict[str, servers.Server] = {}
    order_log = []
    exit_code = 0
    try:
        for name, a in apps.items():
            running[name] = servers.start(name, a["spec"], a["env"], workdir, args.workers, a["pythonpath"])
        with ThreadPoolExecutor(2) as pool:
            for f in [pool.submit(servers.wait_ready, running[n], apps[n]["ready"]) for n in apps]:
                f.result()

        offset = 0
        for name, a in apps.items():
            warm[name] = load.run_phase(HOST, running[name].port, a["path"], payloads, requests=args.warmup,
                                        clients=args.clients, max_seconds=args.max_seconds)
        for r in range(args.rounds):
            order = ["ladder", "baseline"] if r % 2 == 0 else ["baseline", "ladder"]  # ABBA: cancels drift
            for name in order:
                cpu0, client0 = servers.cpu_seconds(running[name]), time.process_time()
                ph = load.run_phase(HOST, running[name].port, apps[name]["path"], payloads,
                                    requests=args.requests, clients=args.clients, max_seconds=args.max_seconds,
                                    offset=offset)
                cpu1, client1 = servers.cpu_seconds(running[name]), time.process_time()
                if cpu0 is not None and cpu1 is not None and ph.results:
                    ph.server_cpu_ms = (cpu1 - cpu0) * 1000 / len(ph.results)
                ph.client_cpu_ms = (client1 - client0) * 1000 / max(1, len(ph.results))
                phases[name].append(ph)
                order_log.append(name)
                s = ph.summary()
                print(f"  round {r + 1} {name:<8} {s['rps']:8.1f} req/s  p50 {s['p50_ms']:7.2f} ms  "
                      f"p95 {s['p95_ms']:7.2f} ms  non-201 {s['not_201']}  server CPU {s['server_cpu_ms']} ms/req",
                      flush=True)
            offset += args.requests
    finally:
        for srv in running.values():
            servers.stop(srv)

    # --- results -------------------------------------------------------------------------------
    summary, integrity = {}, {}
    for name, a in apps.items():
        measured = [s.summary() for s in phases[name]]
        all_results = [res for ph in [warm[name], *phases[name]] for res in ph.results]
        pooled = load.Phase(results=[res for ph in phases[name] for res in ph.results],
                            elapsed=sum(ph.elapsed for ph in phases[name])).summary()
        ok_ids = [res.id for res in all_results if res.status == 201]
        state = db_state(a["db"], a["table"])
        errors = [res.error for res in all_results if res.status != 201]
        integrity[name] = {
            "responses_201": len(ok_ids), "rows": len(state["ids"]),
            "duplicate_ids_in_201s": len(ok_ids) - len(set(ok_ids)),
            "lost": len(set(ok_ids) - state["ids"]),  # a 201 whose row is not there
            "rows_without_201": len(state["ids"] - set(ok_ids)),
            "non_201": len(errors), "first_errors": errors[:5], "journal_mode": state["journal_mode"],
        }
        summary[name] = {
            "rps_median": round(statistics.median(m["rps"] for m in measured), 1),
            "rps_rounds": [m["rps"] for m in measured],
            "p50_ms": pooled["p50_ms"], "p95_ms": pooled["p95_ms"], "p99_ms": pooled["p99_ms"],
            "server_cpu_ms_per_request": _median_or_none(m["server_cpu_ms"] for m in measured),
            "client_cpu_ms_per_request": _median_or_none(m["client_cpu_ms"] for m in measured),
            "measured_requests": pooled["requests"], "non_201": integrity[name]["non_201"], "rounds": measured,
            "warmup": warm[name].summary(),
        }
    ratio = summary["ladder"]["rps_median"] / summary["baseline"]["rps_median"]
    round_ratios = [round(a["rps"] / b["rps"], 3) if b["rps"] else 0.0
                    for a, b in zip(summary["ladder"]["rounds"], summary["baseline"]["rounds"])]

    print()
    print(f"{'app':<9} {'req/s':>8} {'rounds req/s':<20} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'CPU ms':>7} {'non-201':>7} {'201s':>6} {'rows':>6} {'lost':>5}")
    for name in apps:
        s, i = summary[name], integrity[name]
        rounds = " ".join(f"{x:.0f}" for x in s["rps_rounds"])
        cpu = s["server_cpu_ms_per_request"]
        print(f"{name:<9} {s['rps_median']:>8.1f} {rounds:<20} {s['p50_ms']:>7.2f} {s['p95_ms']:>7.2f} "
              f"{s['p99_ms']:>7.2f} {cpu if cpu is not None else '-':>7} {s['non_201']:>7} "
              f"{i['responses_201']:>6} {i['rows']:>6} {i['lost']:>5}")
    # Judged by the median of the per-round ratios: each round's two phases ran back to back, so a slow spell
    # of this shared machine hits both apps of a round alike.
    paired = round(statistics.median(round_ratios), 3)
    verdict = "meets" if paired >= TARGET else "BELOW"
    print(f"\nRATIO ladder/baseline (median req/s): {ratio:.3f}")
    print(f"  per round (same round, back to back): {' '.join(f'{x:.2f}' for x in round_ratios)}; "
          f"median {paired:.3f}  -> {verdict} the target {TARGET}")

    cpu_l, cpu_b = (summary[n]["server_cpu_ms_per_request"] for n in ("ladder", "baseline"))
    cpu_ratio = round(cpu_b / cpu_l, 3) if cpu_l and cpu_b else None
    if cpu_ratio is not None:
        print(f"server CPU per request (gunicorn master + workers, median of rounds): ladder {cpu_l:.3f} ms, "
              f"baseline {cpu_b:.3f} ms -> CPU ratio baseline/ladder {cpu_ratio:.3f}; load generator "
              f"{summary['ladder']['client_cpu_ms_per_request']:.3f} / "
              f"{summary['baseline']['client_cpu_ms_per_request']:.3f} ms per request")

    problems = []
    for name, i in integrity.items():
        if i["non_201"]:
            problems.append(f"{name}: {i['non_201']} request(s) without a 201, e.g. {i['first_errors'][:2]}")
        if i["lost"] or i["rows_without_201"] or i["duplicate_ids_in_201s"] or i["rows"] != i["responses_201"]:
            problems.append(f"{name}: {i['responses_201']} 201s but {i['rows']} rows ({i['lost']} lost, "
                            f"{i['rows_without_201']} rows without a 201, {i['duplicate_ids_in_201s']} duplicate ids)")
        if i["journal_mode"] != "wal":
            problems.append(f"{name}: database journal_mode is {i['journal_mode']}, not wal")
    if problems:
        exit_code = 1
        print("\nFAILED:\n  " + "\n  ".join(problems))
    else:
        print("no response lost: every 201 has its row and every row its 201, in both databases")

    profile = None
    if args.profile == "always" or (args.profile == "auto" and paired < TARGET):
        from . import profiling
        print("\nprofiling ladder's submit path in-process ...", flush=True)
        profile = profiling.profile(workdir, payloads, LADDER_PATH, BASELINE_PATH)
        profiling.print_summary(profile)

    latency = []
    if args.rates:
        from .cluster import describe_paths
        latency = resident_paths(args, apps["ladder"], workdir)
        for r in latency:
            print(describe_paths(r), flush=True)
            if r["failed"]:
                exit_code = 1
                problems.append(f"latency {r['rate_per_s']}/s: {r['failed']} paths failed, e.g. {r['errors'][:1]}")
    page_cpu = pages.run(args.ladder_src.resolve() if args.ladder_src else None)
    print(pages.describe(page_cpu), flush=True)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    if profile:
        report_path = args.output.with_name(args.output.stem + "-profile.txt")
        report_path.write_text(profile.pop("report"))
        profile["report_file"] = str(report_path.relative_to(ROOT) if report_path.is_relative_to(ROOT)
                                     else report_path)
        print(f"full cProfile listing: {profile['report_file']}")
    if args.strict and paired < TARGET:
        exit_code = 1
    results = {
        "benchmark": "submit", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ladder_commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "flask": version("flask"), "sqlalchemy": version("sqlalchemy"), "gunicorn": version("gunicorn")},
        "config": {"requests_per_round": args.requests, "clients": args.clients, "rounds": args.rounds,
                   "workers": args.workers, "worker_class": "sync", "warmup": args.warmup,
                   "max_seconds_per_phase": args.max_seconds, "order": order_log,
                   "ladder": {"path": LADDER_PATH, "app": apps["ladder"]["spec"]},
                   "baseline": {"path": BASELINE_PATH, "app": apps["baseline"]["spec"]},
                   "pragma_drift": drift},
        "summary": summary, "ratio": round(ratio, 3), "round_ratios": round_ratios,
        "round_ratio_median": paired, "target": TARGET,
        "server_cpu_ratio": cpu_ratio, "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "ladder_src": str(args.ladder_src) if args.ladder_src else None,
        "meets_target": paired >= TARGET, "integrity": integrity, "problems": problems, "profile": profile,
        "latency": latency, "pages": page_cpu,
        "wall_seconds": round(time.perf_counter() - started, 1), "exit_code": exit_code,
    }
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {args.output}  ({results['wall_seconds']} s)")
    if args.keep or exit_code:
        print(f"temp dir kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
