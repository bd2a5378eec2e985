"""Benchmark: ladder's streaming response frame against a naive ``pandas.read_sql`` of the responses table.

    .venv/bin/python -m bench.export                       # 100k and 1M rows, SQLite and PostgreSQL
    .venv/bin/python -m bench.export --sizes 100000,300000 --databases sqlite

Fills a database with synthetic responses to the test survey (testdorp-inspraak), then runs each
measurement in its own subprocess and reports wall time and peak memory (ru_maxrss; "net" is the peak
minus the process's resident size after imports, so the interpreter and libraries do not count):

  naive   ``pandas.read_sql("responses", engine)``: the table as pandas reads it (JSON parsed to dicts)
  query   ``pandas.read_sql(text("SELECT * FROM responses"), conn)``: a raw query, JSON left as text
          where the driver allows (SQLite); a lower bound that gives no usable columns
  ladder  ``ladder.analysis.response_frame`` + the rungs-per-area summary

Targets (issue 4): ladder <= 0.8 x naive time and <= 0.5 x naive net peak memory.
PostgreSQL: 127.0.0.1:5432, user postgres (or LADDER_BENCH_PG); a database is created and dropped.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVEY_FILE = ROOT / "tests" / "plugins" / "testdorp.toml"
PG_ADMIN = os.environ.get("LADDER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
POOL = 4096


def _survey():
    sys.path.insert(0, str(ROOT / "tests" / "plugins"))
    from fake_municipality import advise, place

    from ladder import load_survey
    return load_survey(SURVEY_FILE, place=place, advise=advise), place, advise


def _pool(seed=4):
    """Distinct synthetic responses (answers, placements, advice as JSON text); rows reuse them."""
    survey, place, advise = _survey()
    rnd = random.Random(seed)
    out = []
    for _ in range(POOL):
        area = rnd.choice(["testdorp", "testdorp", "proefwijk"])
        betrokken = rnd.choice(["nooit", "soms", "vaak"])
        answers = {"woonplaats": area, "betrokken": betrokken,
                   "huidig": rnd.choice(["informeren", "raadplegen", "adviseren"]),
                   "gewenst": rnd.randint(1, 6),
                   "thema": rnd.sample(["groen", "verkeer", "spelen"], rnd.randint(1, 2))}
        if betrokken != "nooit":
            answers["kosten"] = rnd.randrange(0, 20000, 50)
            answers["prioriteiten"] = rnd.sample(["bankjes", "bloembakken", "aed"], 2)
            if rnd.random() < 0.1:
                answers["toelichting"] = "Een plan voor het plein, met bankjes en een AED bij de kerk."
        if rnd.random() < 0.05:
            answers["opmerking"] = "Goed dat u het vraagt."
        locale = rnd.choice(["nl"] * 8 + ["fy", "en"])
        placements = [p.to_dict() for p in place(answers)]
        advice = [a.to_dict() for a in advise(answers)]
        out.append((area, locale, json.dumps(answers, ensure_ascii=False), json.dumps(placements, ensure_ascii=False),
                    json.dumps(advice, ensure_ascii=False)))
    return survey, out


def _rows(n, survey, pool, seed=7):
    rnd = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    version = survey.version
    for i in range(n):
        area, locale, answers, placements, advice = pool[rnd.randrange(POOL)]
        created = start + timedelta(seconds=i * 7)
        withdrawn = created + timedelta(days=1) if i % 100 == 99 else None
        yield (survey.slug, version, area, locale, "form", answers, placements, advice, "placed", None,
               uuid.UUID(int=rnd.getrandbits(128)).hex + f"{i:032x}", created, withdrawn)


COLUMNS = ("survey_slug, survey_version, area, locale, channel, answers, placements, advice, placement_status, "
           "placement_error, receipt_hash, created_at, withdrawn_at")


def fill_sqlite(path: Path, n: int) -> str:
    import sqlite3

    from ladder.migrate import upgrade
    url = f"sqlite:///{path}"
    upgrade(url)
    survey, pool = _pool()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")

    def fmt(t):  # how SQLAlchemy stores DateTime on SQLite
        return None if t is None else t.strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = ((*r[:11], fmt(r[11]), fmt(r[12])) for r in _rows(n, survey, pool))
    with conn:
        conn.executemany(f"INSERT INTO responses ({COLUMNS}) VALUES ({', '.join('?' * 13)})", rows)
    conn.close()
    return url


def fill_postgresql(n: int) -> tuple[str, str]:
    import psycopg

    from ladder.migrate import upgrade
    name = f"ladder_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    url = f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    upgrade(url)
    survey, pool = _pool()
    with psycopg.connect(f"{base}/{name}") as conn, conn.cursor() as cur:
        with cur.copy(f"COPY responses ({COLUMNS}) FROM STDIN") as copy:
            for row in _rows(n, survey, pool):
                copy.write_row(row)
        cur.execute("ANALYZE responses")
    return url, name


def drop_postgresql(name: str) -> None:
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(kind: str, url: str, chunksize: int) -> dict:
    """Run in a fresh subprocess: one measurement, printed as JSON."""
    import pandas as pd
    from sqlalchemy import create_engine, text

    from ladder.analysis import response_frame, rungs_per_area
    from ladder.plugins import load_registry
    from ladder.ladders import PARTICIPATIELADDER
    survey, _, _ = _survey()
    engine = create_engine(url)
    base = _rss_kb()
    t0 = time.perf_counter()
    if kind == "naive":
        frame = pd.read_sql("responses", engine)
        rows = len(frame)
    elif kind == "query":
        with engine.connect() as conn:
            frame = pd.read_sql(text("SELECT * FROM responses"), conn)
        rows = len(frame)
    else:
        frame = response_frame(engine, survey, ladder=PARTICIPATIELADDER, registry=load_registry({"EXTRA_PLUGINS": ["fake_municipality"]}),
                               chunksize=chunksize)
        summary = rungs_per_area(frame, survey)
        rows = len(frame)
        assert summary["count"].sum() == 2 * rows
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"kind": kind, "rows": rows, "seconds": seconds, "peak_kb": peak, "base_kb": base, "net_kb": peak - base}


def run_child(kind, url, chunksize) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.export", "--measure", kind, "--url", url,
                          "--chunksize", str(chunksize)], cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"{kind} measurement failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--kinds", default="naive,query,ladder")
    parser.add_argument("--chunksize", type=int, default=20_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.url, args.chunksize)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = [k for k in args.kinds.split(",") if k]
    results = []
    print(f"{'db':<11}{'rows':>10} {'kind':<7}{'seconds':>9}{'peak MB':>9}{'net MB':>8}   fill s")
    for database in args.databases.split(","):
        for n in sizes:
            t0 = time.perf_counter()
            tmp = None
            pg_name = None
            try:
                if database == "sqlite":
                    tmp = tempfile.TemporaryDirectory(prefix="ladder-bench-")
                    url = fill_sqlite(Path(tmp.name) / "bench.sqlite3", n)
                else:
                    try:
                        url, pg_name = fill_postgresql(n)
                    except Exception as exc:  # no server: say so and go on
                        print(f"{database}: skipped ({exc})")
                        break
                fill = time.perf_counter() - t0
                row = {"database": database, "size": n, "fill_seconds": fill}
                for kind in kinds:
                    r = run_child(kind, url, args.chunksize)
                    row[kind] = r
                    print(f"{database:<11}{n:>10} {kind:<7}{r['seconds']:>9.2f}{r['peak_kb'] / 1024:>9.0f}"
                          f"{r['net_kb'] / 1024:>8.0f}   {fill:.1f}", flush=True)
                results.append(row)
            finally:
                if pg_name:
                    drop_postgresql(pg_name)
                if tmp:
                    tmp.cleanup()

    print("\nratios (ladder / naive read_sql of the table; target time <= 0.8, net memory <= 0.5)")
    for row in results:
        if "ladder" in row and "naive" in row:
            lad, naive = row["ladder"], row["naive"]
            line = (f"{row['database']:<11}{row['size']:>10}  time {lad['seconds'] / naive['seconds']:.2f}"
                    f"  net memory {lad['net_kb'] / max(naive['net_kb'], 1):.2f}"
                    f"  peak memory {lad['peak_kb'] / naive['peak_kb']:.2f}")
            if "query" in row:
                q = row["query"]
                line += (f"   | vs raw query: time {lad['seconds'] / q['seconds']:.2f}"
                         f" net memory {lad['net_kb'] / max(q['net_kb'], 1):.2f}")
            print(line)
    for database in {r["database"] for r in results}:
        rs = sorted((r for r in results if r["database"] == database and "ladder" in r), key=lambda r: r["size"])
        if len(rs) >= 2:
            a, b = rs[0], rs[-1]
            print(f"{database}: ladder growth {a['size']} -> {b['size']} rows ({b['size'] / a['size']:.0f}x): "
                  f"time {b['ladder']['seconds'] / a['ladder']['seconds']:.1f}x, "
                  f"net memory {b['ladder']['net_kb'] / max(a['ladder']['net_kb'], 1):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
