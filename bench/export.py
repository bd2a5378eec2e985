"""Benchmark: ladder's streaming response frame against baselines that produce the same frame.

    .venv/bin/python -m bench.export                       # 100k and 1M rows, SQLite and PostgreSQL
    .venv/bin/python -m bench.export --sizes 100000,300000 --databases sqlite

Fills a database with synthetic responses to the test survey (testdorp-inspraak; 1 in 100 withdrawn),
checks that every kind below gives the *same frame* (``pandas.testing.assert_frame_equal``: same rows in
the same order, withdrawn left out, same columns with the same dtypes and categories), then times each
kind in its own fresh subprocess, twice, in alternating order, and reports wall time and peak memory
(ru_maxrss; "net" is the peak minus the resident size after imports, so interpreter and libraries do
not count):

  analyst  what an analyst writes without ladder: ``pandas.read_sql`` of the survey's not-withdrawn rows,
           ``json.loads`` + ``pandas.json_normalize`` of the answers, then each column typed by hand
           (categories in the survey's order, Int64, nullable booleans for multiple choice, rung per
           aspect from the placements, Arrow strings, UTC times)
  query    ladder's own extraction query (``ladder.analysis.frame.extraction_query``: the database pulls
           each answer out of the JSON) read in one go with ``pandas.read_sql``, then typed the same way
  ladder   ``ladder.analysis.response_frame``: the same query, streamed in chunks into compact columns

Targets (issue 15): ladder <= 0.5 x analyst time and <= 0.1 x analyst net peak memory, on both databases.
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


# --- the two baselines: what an analyst gets to without ladder ----------------------------------------

def _known(survey) -> dict:
    """What an analyst takes from the survey file and its codebook: every coded column's categories."""
    from ladder.ladders import PARTICIPATIELADDER
    q = {x.id: x for x in survey.questions}
    low, high = int(q["gewenst"].options.get("min", 1)), int(q["gewenst"].options.get("max", 5))
    return {"areas": [a.code for a in survey.areas],
            "choices": {qid: [c.value for c in q[qid].choices] for qid in ("betrokken", "huidig", "thema",
                                                                            "prioriteiten")},
            "scale": list(range(low, high + 1)), "top": int(q["prioriteiten"].options.get("top", 2)),
            "rungs": [r.id for r in PARTICIPATIELADDER.rungs], "aspects": list(survey.aspects),
            "locales": list(dict.fromkeys([*survey.locales, "nl", "fy", "en"])),
            "channels": ["form", "api", "paper", "assisted"]}


def _typed(cols: dict, k: dict):
    """The analyst's typing of the raw columns: the frame the docs describe (docs/analysts.rst)."""
    import pandas as pd

    def category(values, categories, ordered=False):
        return pd.Categorical(values, categories=categories, ordered=ordered)

    def text(values):
        return pd.Series(values, dtype=object).astype(pd.StringDtype("pyarrow"))

    out = {"area": category(cols["area"], k["areas"])}
    for qid in ("betrokken", "huidig"):
        out[qid] = category(cols[qid], k["choices"][qid])
    out["gewenst"] = category(pd.to_numeric(pd.Series(cols["gewenst"], dtype=object)).astype("Int64"), k["scale"],
                              ordered=True)
    thema = cols["thema"]
    for value in k["choices"]["thema"]:
        out[f"thema__{value}"] = pd.array([None if not isinstance(chosen, list) else value in chosen
                                           for chosen in thema], dtype="boolean")
    out["kosten"] = pd.to_numeric(pd.Series(cols["kosten"], dtype=object)).astype("Int64")
    ranked = cols["prioriteiten"]
    for i in range(k["top"]):
        out[f"prioriteiten_{i + 1}"] = category([r[i] if isinstance(r, list) and len(r) > i else None for r in ranked],
                                                k["choices"]["prioriteiten"])
    out["toelichting"] = text(cols["toelichting"])
    out["opmerking"] = text(cols["opmerking"])
    for aspect in k["aspects"]:
        out[f"rung_{aspect}"] = category(cols[f"rung_{aspect}"], k["rungs"], ordered=True)
    out["survey_version"] = text(cols["survey_version"])
    out["locale"] = category(cols["locale"], k["locales"])
    created = pd.Series(cols["created_at"])
    created = pd.to_datetime(created, utc=True, format="ISO8601") if created.dtype == object and len(created) \
        and isinstance(created.iloc[0], str) else pd.to_datetime(created, utc=True)
    out["created_at"] = created.astype("datetime64[ns, UTC]")
    out["channel"] = category(cols["channel"], k["channels"])
    return pd.DataFrame({name: pd.Series(values).reset_index(drop=True) for name, values in out.items()})


def analyst_frame(engine, survey):
    """read_sql + json_normalize + types: the same frame, the way an analyst writes it without ladder."""
    import pandas as pd
    from sqlalchemy import text
    k = _known(survey)
    sql = text("SELECT area, answers, placements, survey_version, locale, created_at, channel FROM responses "
               "WHERE survey_slug = :slug AND withdrawn_at IS NULL ORDER BY id")
    with engine.connect() as conn:
        raw = pd.read_sql(sql, conn, params={"slug": survey.slug})
    loads = (lambda v: json.loads(v) if isinstance(v, str) else v)  # SQLite gives text, psycopg decoded JSON
    answers = pd.json_normalize([loads(a) or {} for a in raw["answers"]])
    placements = [loads(p) or [] for p in raw["placements"]]

    def answer(qid):
        return answers[qid].tolist() if qid in answers.columns else [None] * len(raw)
    cols = {"area": raw["area"], **{qid: answer(qid) for qid in ("betrokken", "huidig", "gewenst", "thema", "kosten",
                                                                 "prioriteiten", "toelichting", "opmerking")},
            "survey_version": raw["survey_version"], "locale": raw["locale"], "created_at": raw["created_at"],
            "channel": raw["channel"]}
    for aspect in k["aspects"]:
        cols[f"rung_{aspect}"] = [next((p["rung"] for p in ps if p.get("aspect") == aspect), None) for ps in placements]
    del raw, answers, placements
    return _typed(cols, k)


def query_frame(engine, survey, registry):
    """ladder's own extraction query read in one go with read_sql, then typed like the analyst's."""
    import pandas as pd

    from ladder.analysis.frame import extraction_query
    k = _known(survey)
    with engine.connect() as conn:
        raw = pd.read_sql(extraction_query(engine, survey, registry), conn)
    c = [raw[f"c{i}"] for i in range(raw.shape[1])]
    # c: area, betrokken, huidig, gewenst, thema (JSON text), kosten, prioriteiten 1 and 2, toelichting,
    # opmerking, (aspect, rung) per placement slot, survey_version, locale, created_at, channel
    distinct = {v: (json.loads(v) if isinstance(v, str) else None) for v in c[4].dropna().unique()}
    cols = {"area": c[0], "betrokken": c[1], "huidig": c[2], "gewenst": c[3],
            "thema": c[4].map(distinct).tolist(), "kosten": c[5],
            "prioriteiten": [[a, b] if a is not None and not pd.isna(a) else None for a, b in zip(c[6], c[7])],
            "toelichting": c[8], "opmerking": c[9]}
    slots = [(c[10 + 2 * i], c[11 + 2 * i]) for i in range(len(k["aspects"]))]
    for aspect in k["aspects"]:
        rung = pd.Series(None, index=raw.index, dtype=object)
        for names, rungs in slots:
            rung = rung.where(names != aspect, rungs)
        cols[f"rung_{aspect}"] = rung
    base = 10 + 2 * len(k["aspects"])
    cols.update({"survey_version": c[base], "locale": c[base + 1], "created_at": c[base + 2], "channel": c[base + 3]})
    del raw
    return _typed(cols, k)


def _registry():
    from ladder.plugins import load_registry
    sys.path.insert(0, str(ROOT / "tests" / "plugins"))
    return load_registry({"EXTRA_PLUGINS": ["fake_municipality"]})


def build(kind: str, engine, survey, registry, chunksize: int):
    from ladder.analysis import response_frame
    from ladder.ladders import PARTICIPATIELADDER
    if kind == "analyst":
        return analyst_frame(engine, survey)
    if kind == "query":
        return query_frame(engine, survey, registry)
    return response_frame(engine, survey, ladder=PARTICIPATIELADDER, registry=registry, chunksize=chunksize)


def check(url: str, chunksize: int) -> dict:
    """Run in a fresh subprocess: every kind gives the same frame (before anything is timed)."""
    import pandas as pd
    from sqlalchemy import create_engine
    survey, _, _ = _survey()
    registry = _registry()
    engine = create_engine(url)
    frames = {kind: build(kind, engine, survey, registry, chunksize) for kind in ("ladder", "analyst", "query")}
    for kind in ("analyst", "query"):
        pd.testing.assert_frame_equal(frames["ladder"], frames[kind], check_exact=True)
    return {"rows": len(frames["ladder"]), "columns": list(frames["ladder"].columns), "equal": True}


def measure(kind: str, url: str, chunksize: int) -> dict:
    """Run in a fresh subprocess: one measurement, printed as JSON."""
    from sqlalchemy import create_engine
    survey, _, _ = _survey()
    registry = _registry()
    engine = create_engine(url)
    import pandas  # noqa: F401  (imported before the base is taken, like ladder's own imports)
    import ladder.analysis.frame  # noqa: F401
    base = _rss_kb()
    t0 = time.perf_counter()
    frame = build(kind, engine, survey, registry, chunksize)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"kind": kind, "rows": len(frame), "seconds": seconds, "peak_kb": peak, "base_kb": base,
            "net_kb": peak - base}


def run_child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.export", *args], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    if out.returncode:
        raise RuntimeError(f"{args[:2]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _mean(runs, key):
    return sum(r[key] for r in runs) / len(runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--kinds", default="analyst,query,ladder")
    parser.add_argument("--repeat", type=int, default=2, help="runs per kind, in alternating order")
    parser.add_argument("--chunksize", type=int, default=None, help="rows per chunk (default: ladder's own)")
    parser.add_argument("--json", dest="json_out", default=None, help="also write the results to this file")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.chunksize is None:
        from ladder.analysis.frame import DEFAULT_CHUNKSIZE
        args.chunksize = DEFAULT_CHUNKSIZE
    if args.measure:
        print(json.dumps(measure(args.measure, args.url, args.chunksize)))
        return 0
    if args.check:
        print(json.dumps(check(args.url, args.chunksize)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = [k for k in args.kinds.split(",") if k]
    results = []
    print(f"{'db':<11}{'rows':>9} {'kind':<8}{'run':>4}{'seconds':>9}{'peak MB':>9}{'net MB':>8}", flush=True)
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
                same = run_child(["--check", "--url", url, "--chunksize", str(args.chunksize)])
                print(f"{database:<11}{n:>9} same frame from every kind: {same['rows']} rows x "
                      f"{len(same['columns'])} columns (filled in {fill:.0f} s)", flush=True)
                row = {"database": database, "size": n, "fill_seconds": fill, "rows": same["rows"],
                       "runs": {k: [] for k in kinds}}
                for run in range(args.repeat):
                    for kind in (kinds if run % 2 == 0 else list(reversed(kinds))):
                        r = run_child(["--measure", kind, "--url", url, "--chunksize", str(args.chunksize)])
                        row["runs"][kind].append(r)
                        print(f"{database:<11}{n:>9} {kind:<8}{run + 1:>4}{r['seconds']:>9.2f}"
                              f"{r['peak_kb'] / 1024:>9.0f}{r['net_kb'] / 1024:>8.0f}", flush=True)
                results.append(row)
            finally:
                if pg_name:
                    drop_postgresql(pg_name)
                if tmp:
                    tmp.cleanup()

    print("\nratios, ladder / baseline (mean of the runs; targets vs analyst: time <= 0.5, net memory <= 0.1)")
    for row in results:
        runs = row["runs"]
        if not runs.get("ladder"):
            continue
        lad = {key: _mean(runs["ladder"], key) for key in ("seconds", "net_kb", "peak_kb")}
        line = f"{row['database']:<11}{row['size']:>9}"
        for base in ("analyst", "query"):
            if runs.get(base):
                b = {key: _mean(runs[base], key) for key in ("seconds", "net_kb", "peak_kb")}
                line += (f"  vs {base}: time {lad['seconds'] / b['seconds']:.2f}, net memory "
                         f"{lad['net_kb'] / max(b['net_kb'], 1):.3f}, peak {lad['peak_kb'] / b['peak_kb']:.2f}")
        print(line)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
