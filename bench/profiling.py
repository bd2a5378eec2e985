"""Where a ladder submission spends its time: both apps in-process with Flask's test client.

No server and no load generator here: this is the pure app cost of one request, so
``baseline ms / ladder ms`` is the ratio the apps would have if serving cost nothing. Then one
cProfile run of ladder's submit path, broken down by the steps of ``ladder.submit.submit``.
"""
from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from .servers import ROOT

# (label, file suffix, function name): the steps of one API submission, outermost first.
STEPS = (
    ("whole WSGI request (test client)", "flask/app.py", "wsgi_app"),
    ("view ladder.web.views.api.create_response", "ladder/web/views/api.py", "create_response"),
    ("  request.get_json", "werkzeug/wrappers/request.py", "get_json"),
    ("  ladder.submit.submit", "ladder/submit.py", "submit"),
    ("    answers.validate", "ladder/answers.py", "validate"),
    ("    placing.place", "ladder/placing.py", "place"),
    ("    codes.new_code", "ladder/codes.py", "new_code"),
    ("    codes.code_hash", "ladder/codes.py", "code_hash"),
    ("    Response(...) ORM constructor", "sqlalchemy/orm/decl_base.py", "_declarative_constructor"),
    ("    submit._response (the hooks' Response)", "ladder/submit.py", "_response"),
    ("    submit._store_alone (INSERT + COMMIT)", "ladder/submit.py", "_store_alone"),
    ("    db.session() (sessionmaker)", "ladder/db.py", "session"),
    ("    Session.commit (flush + COMMIT)", "sqlalchemy/orm/session.py", "commit"),
    ("    submit.notify (response_saved)", "ladder/submit.py", "notify"),
    ("  jsonify the 201 body", "flask/json/__init__.py", "jsonify"),
    ("teardown: db._close_session", "ladder/db.py", "_close_session"),
)


@contextlib.contextmanager
def _no_ladder_env():
    """create_app reads LADDER_* last; keep the caller's shell out of the in-process apps."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("LADDER_")}
    try:
        yield
    finally:
        os.environ.update(saved)


def _ladder_app(url: str):
    plugins = str(ROOT / "tests" / "plugins")
    if plugins not in sys.path:
        sys.path.insert(0, plugins)
    from ladder import create_app
    from ladder.migrate import upgrade
    upgrade(url)
    with _no_ladder_env():
        return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench",
                           "EXTRA_PLUGINS": ["fake_municipality"]})


def _baseline_app(url: str):
    from .baseline_app import create_app, init_db
    init_db(url)
    return create_app(url)


def _drive(client, path: str, payloads: list[bytes], n: int, offset: int = 0) -> None:
    for i in range(n):
        r = client.post(path, data=payloads[(offset + i) % len(payloads)], content_type="application/json")
        if r.status_code != 201:
            raise RuntimeError(f"{path}: {r.status_code} {r.get_data(as_text=True)[:300]}")


def _ms_per_request(client, path, payloads, n, offset) -> float:
    """CPU ms per request of this process: steadier than wall time on a shared machine."""
    t0 = time.process_time()
    _drive(client, path, payloads, n, offset)
    return (time.process_time() - t0) * 1000 / n


def _cum(stats: pstats.Stats, suffix: str, name: str) -> tuple[float, int] | None:
    """Cumulative time and primitive calls of the outermost function of that name in that file."""
    best = None
    for (filename, _line, func), (cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if func == name and filename.replace(os.sep, "/").endswith(suffix):
            if best is None or ct > best[0]:
                best = (ct, cc)
    return best


def _steps(stats: pstats.Stats, n: int) -> dict[str, dict]:
    whole = _cum(stats, "flask/app.py", "wsgi_app")
    steps = {}
    for label, suffix, name in STEPS:
        found = _cum(stats, suffix, name)
        if found is None:
            continue
        ct, calls = found
        steps[label] = {"function": f"{suffix}:{name}", "calls_per_request": round(calls / n, 2),
                        "ms_per_request": round(ct * 1000 / n, 3),
                        "share_of_request": round(ct / whole[0], 3) if whole else None}
    return steps


def _profiled(client, path, payloads, n, offset) -> pstats.Stats:
    prof = cProfile.Profile()
    prof.enable()
    _drive(client, path, payloads, n, offset)
    prof.disable()
    return pstats.Stats(prof)


def profile(workdir: Path, payloads: list[bytes], ladder_path: str, baseline_path: str,
            n: int = 400, warmup: int = 50) -> dict:
    """Time both apps in-process (CPU time, 5 interleaved runs of ``n``), then cProfile both."""
    ladder = _ladder_app(f"sqlite:///{workdir / 'profile-ladder.sqlite3'}").test_client()
    baseline = _baseline_app(f"sqlite:///{workdir / 'profile-baseline.sqlite3'}").test_client()
    _drive(ladder, ladder_path, payloads, warmup)
    _drive(baseline, baseline_path, payloads, warmup)
    timings = {"ladder": [], "baseline": []}
    for i in range(5):  # interleaved, like the served rounds
        timings["ladder"].append(_ms_per_request(ladder, ladder_path, payloads, n, warmup + i * n))
        timings["baseline"].append(_ms_per_request(baseline, baseline_path, payloads, n, warmup + i * n))
    ladder_ms, baseline_ms = statistics.median(timings["ladder"]), statistics.median(timings["baseline"])

    stats = _profiled(ladder, ladder_path, payloads, n, 7)
    base_stats = _profiled(baseline, baseline_path, payloads, n, 7)
    base_steps = _steps(base_stats, n)
    steps = []
    for label, row in _steps(stats, n).items():
        base = base_steps.get(label)
        steps.append({"step": label, **row, "baseline_ms_per_request": base["ms_per_request"] if base else None})

    text = io.StringIO()
    text.write(f"cProfile of {n} ladder API submissions in-process (Flask test client)\n\n")
    stats.stream = text
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    text.write(f"\n\ncProfile of {n} baseline submissions in-process\n\n")
    base_stats.stream = text
    base_stats.sort_stats("cumulative").print_stats(30)
    return {
        "in_process_ms_per_request": {"ladder": round(ladder_ms, 3), "baseline": round(baseline_ms, 3),
                                      "rounds": {k: [round(v, 3) for v in vs] for k, vs in timings.items()}},
        "in_process_ratio": round(baseline_ms / ladder_ms, 3),
        "profiled_requests": n,
        "steps": steps,
        "report": text.getvalue(),
    }


def print_summary(result: dict, out=sys.stdout) -> None:
    ms = result["in_process_ms_per_request"]
    print(f"\nIn-process (test client, no server), CPU per request: ladder {ms['ladder']:.3f} ms, "
          f"baseline {ms['baseline']:.3f} ms -> app-only ratio {result['in_process_ratio']:.2f}", file=out)
    print(f"cProfile of {result['profiled_requests']} ladder submissions (profiler overhead inflates the "
          f"absolute numbers; the shares are what matter):", file=out)
    print(f"  {'step':<42} {'ms/req':>8} {'share':>6} {'calls/req':>9} {'baseline':>9}", file=out)
    for s in result["steps"]:
        share = f"{s['share_of_request'] * 100:5.1f}%" if s["share_of_request"] is not None else "     -"
        base = s["baseline_ms_per_request"]
        print(f"  {s['step']:<42} {s['ms_per_request']:>8.3f} {share:>6} {s['calls_per_request']:>9} "
              f"{base if base is not None else '-':>9}", file=out)
