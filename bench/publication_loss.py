"""Information loss of the published results: the share of numbers on /r/ that read "verborgen", per bundled
survey at the sizes residents reach, and (with the publication) how far published counts lie from the truth.

    python -m bench.publication_loss            # this checkout
    python bench/publication_loss.py --src DIR  # the same measurement on another checkout (a baseline)

Responses are seeded as in the report-back tests (tests/report_back_seed.py: realistic, uneven areas) on SQLite.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

SIZES = {"molenwaard-dorpsoverleg": 151, "rotterdam-buurt-bestuurt": 201, "sudwest-fryslan-belangen": 122,
         "rotterdam-participatiekompas": 200, "haarlemmermeer-rollen-dorps-en-wijkraden": 200,
         "zwijndrecht-dorpsraad-heerjansdam": 200}
CELL = re.compile(r'<td class="num">(.*?)</td>', re.S)


def measure(src: Path, slug: str, n: int) -> dict:
    sys.path[:0] = [str(src), str(src / "tests")]
    from conftest import make_app
    import report_back_seed as seeding
    folder = Path(tempfile.mkdtemp())
    app = make_app(f"sqlite:///{folder / 'ladder.sqlite3'}", folder)
    seeding.seed(app, slug, n)
    seeding.publish(app, slug)
    html = app.test_client().get(f"/r/{slug}").get_data(as_text=True)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in CELL.findall(html)]
    numbers = [c for c in cells if c and c not in ("–",)]
    hidden = sum(1 for c in numbers if c == "verborgen")
    out = {"cells": len(numbers), "hidden": hidden, "share_hidden": hidden / len(numbers) if numbers else 0.0}
    data = app.test_client().get(f"/r/{slug}.json")
    if data.status_code == 200:  # the publication: how far the published counts lie from the true ones
        out.update(_noise(app, slug))
    return out


def _noise(app, slug) -> dict:
    from ladder import db
    from ladder.analysis import response_frame
    from ladder.publication.build import build
    from ladder.publication.store import seed_of
    from ladder.registry import registry
    with app.test_request_context():
        reg = registry()
        survey = reg.survey(slug)
        frame = response_frame(db.engine(), survey, registry=reg, include_id=True, include_text=False)
        _, structure = build(survey, reg, frame, seed_of(slug))
        errors = [abs(c.published - c.true) for c in structure.counted if c.column != "points"]
    return {"mean_abs_noise": sum(errors) / len(errors) if errors else 0.0, "counts": len(structure.counted)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--survey", action="append")
    args = parser.parse_args()
    for slug in args.survey or SIZES:
        found = measure(args.src, slug, SIZES[slug])
        extra = (f", mean |published - true| {found['mean_abs_noise']:.2f} over {found['counts']} counts"
                 if "mean_abs_noise" in found else "")
        print(f"{slug} ({SIZES[slug]} responses): {found['hidden']} of {found['cells']} numbers on /r/ hidden "
              f"({100 * found['share_hidden']:.1f}%){extra}", flush=True)


if __name__ == "__main__":
    main()
