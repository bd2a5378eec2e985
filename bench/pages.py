"""The resident's pages in-process: CPU per page of ladder against a bare Flask page of the same size.

``python -m bench.pages`` builds ladder (the fake municipality, a fresh SQLite file) and a bare Flask app
whose one route renders a Jinja template (a layout, a form with labelled fields in a loop) to about the
size of ladder's question page. With Flask's test client (no server, no client) it measures the CPU time
of a GET of ladder's index, start page and first question page (with a draft: the resident's cookie) and
of the bare page, in alternating order, ``--repeats`` times ``--requests`` each, and prints the median
ms per page and each page's ratio to the bare page. ``--json`` prints the result as JSON only.

Run it with ``PYTHONPATH`` pointing at another checkout first to measure that checkout's ``ladder``
(``bench.submit`` and ``bench.cluster`` do, for ``--ladder-src``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .servers import ROOT

SURVEY = "testdorp-inspraak"
TARGET = 2.0  # issue 26: a question page costs at most twice the bare page's CPU

BARE_LAYOUT = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/site.css"></head><body><header><a href="/">{{ site }}</a></header>
<main>{% block content %}{% endblock %}</main><footer><p>{{ footer }}</p></footer></body></html>"""
BARE_PAGE = """{% extends "layout.html" %}{% block content %}<h1>{{ title }}</h1>
<form method="post" novalidate><input type="hidden" name="csrf_token" value="{{ token }}">
{% for field in fields %}<div class="field"><fieldset><legend>{{ field.label }}</legend>
<p class="hint">{{ field.hint }}</p>{% for choice in field.choices %}<div class="choice">
<input type="radio" id="{{ field.id }}-{{ loop.index }}" name="{{ field.id }}" value="{{ choice }}">
<label for="{{ field.id }}-{{ loop.index }}">{{ choice }}</label></div>{% endfor %}</fieldset></div>
{% endfor %}<button type="submit">Volgende</button></form>{% endblock %}"""


def bare_app(fields: int):
    """A bare Flask app: one page, ``fields`` fields of four choices, no session, no database."""
    from flask import Flask, render_template
    from jinja2 import DictLoader
    app = Flask("bare")
    app.jinja_loader = DictLoader({"layout.html": BARE_LAYOUT, "page.html": BARE_PAGE})
    items = [{"id": f"q{i}", "label": f"Vraag {i}: hoe vaak doet u mee?", "hint": "Kies één antwoord.",
              "choices": ["nooit", "soms", "vaak", "altijd"]} for i in range(fields)]

    @app.get("/")
    def page():
        return render_template("page.html", title="Over u", site="Testgemeente", footer="Toegankelijkheid",
                               token="x" * 88, fields=items)

    return app


def ladder_app(workdir: Path):
    """ladder on a fresh SQLite file, a client with a started draft, and the paths of its three pages."""
    for k in [k for k in os.environ if k.startswith("LADDER_")]:
        os.environ.pop(k)
    sys.path.insert(0, str(ROOT / "tests" / "plugins"))
    from ladder import create_app
    from ladder.migrate import upgrade
    url = f"sqlite:///{workdir / 'pages.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "EXTRA_PLUGINS": ["fake_municipality"]},
                     instance_path=workdir / "instance")
    client = app.test_client()
    html = client.get(f"/s/{SURVEY}").data
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', html)
    started = client.post(f"/s/{SURVEY}", data={"csrf_token": token.group(1).decode(), "action": "start"})
    question = started.headers["Location"]
    return app, client, {"index": "/", "start": f"/s/{SURVEY}", "question": question}


def _cpu_ms(client, path: str, n: int) -> float:
    t0 = time.process_time()
    for _ in range(n):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
    return (time.process_time() - t0) / n * 1000


def measure(requests: int, repeats: int) -> dict:
    import ladder
    with tempfile.TemporaryDirectory(prefix="ladder-bench-pages-") as tmp:
        _app, client, paths = ladder_app(Path(tmp))
        size = len(client.get(paths["question"]).data)
        fields = 1
        while len(bare_app(fields).test_client().get("/").data) < size:
            fields += 1
        bare = bare_app(fields).test_client()
        clients = {**{name: (client, path) for name, path in paths.items()}, "bare": (bare, "/")}
        for c, path in clients.values():  # warm up: templates compiled, catalogues loaded
            _cpu_ms(c, path, 50)
        runs: dict[str, list[float]] = {name: [] for name in clients}
        for r in range(repeats):
            order = list(clients) if r % 2 == 0 else list(reversed(clients))
            for name in order:
                runs[name].append(_cpu_ms(*clients[name], requests))
        sizes = {name: len(c.get(path).data) for name, (c, path) in clients.items()}
    median = {name: round(statistics.median(v), 3) for name, v in runs.items()}
    return {"ladder": str(Path(ladder.__file__).parent), "requests": requests, "repeats": repeats,
            "ms_per_page": median, "runs": {k: [round(x, 3) for x in v] for k, v in runs.items()},
            "bytes": sizes, "bare_fields": fields,
            "ratio_to_bare": {name: round(median[name] / median["bare"], 2) for name in paths}}


def run(ladder_src: Path | None = None, requests: int = 300, repeats: int = 5) -> dict:
    """``measure`` in a fresh process (with ``ladder_src``'s ladder first on the path, if given).

    ``-P``: without it ``python -m`` puts its working directory (this checkout) first on the path, and this
    checkout's ``ladder`` would be measured whatever ``ladder_src`` says."""
    path = [str(ladder_src)] if ladder_src else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(ROOT)])}
    done = subprocess.run([sys.executable, "-P", "-m", "bench.pages", "--json", "--requests", str(requests),
                           "--repeats", str(repeats)], capture_output=True, text=True, env=env, cwd=ROOT,
                          check=True)
    return json.loads(done.stdout)


def describe(result: dict) -> str:
    ms, ratio = result["ms_per_page"], result["ratio_to_bare"]
    pages = ", ".join(f"{name} {ms[name]} ms ({ratio[name]}x)" for name in ratio)
    return (f"in-process CPU per page (median of {result['repeats']} x {result['requests']}): {pages}; "
            f"question page {ratio['question']}x the bare page: {'meets' if ratio['question'] <= TARGET else 'ABOVE'} "
            f"the target of at most {TARGET}x; "
            f"bare Flask page {ms['bare']} ms ({result['bytes']['bare']} bytes against the question page's "
            f"{result['bytes']['question']})")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=300, help="requests per page per repeat (default 300)")
    p.add_argument("--repeats", type=int, default=5, help="repeats, alternating the order (default 5)")
    p.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = p.parse_args(argv)
    result = measure(args.requests, args.repeats)
    print(json.dumps(result) if args.json else describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
