"""Evaluation across plans (issue 20): per municipality and year, for each plan and aspect, the rung the
municipality offered against the rungs residents wanted.

A resident "wants" a rung on each aspect their survey compares with the offer (``Offer.for_aspect``); the
offer is the plan's, as residents saw it. The year is the year the answers were given. Works from a
database URL or engine alone::

    from ladder.analysis.plan_evaluation import evaluation
    frame = evaluation("postgresql+psycopg://ladder@db/ladder", registry=load_registry())
    frame.to_csv("evaluatie.csv", index=False)
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .. import plans as plan_rows
from ..models import Plan, Response
from ..text import pick
from .frame import _engine
from .intervals import wilson

COUNTS = ("more", "same", "less")
# One row per municipality, year, plan and aspect; the documented columns of the export (docs/plans.rst).
COLUMNS = ["municipality", "year", "plan_id", "plan", "aspect", "aspect_label", "offered_rung", "offered_level",
           "answered", "more", "same", "less", "share_more", "more_low", "more_high", "share_same", "same_low",
           "same_high", "share_less", "less_low", "less_high"]


def evaluation(db: str | Engine, registry, municipality: str | None = None) -> pd.DataFrame:
    """Offered versus wanted rung, plan after plan: see the module's docstring and docs/plans.rst."""
    engine, owned = _engine(db)
    try:
        with Session(engine) as session:
            counted = _count(session, registry, municipality)
    finally:
        if owned:
            engine.dispose()
    return _frame(counted)


def _count(session: Session, registry, municipality):
    wanted = defaultdict(lambda: [0, 0, 0])  # key -> [more, same, less]
    where = [] if municipality is None else [Plan.municipality == municipality]
    found = {p.id: p for p in session.scalars(select(Plan).where(*where))}
    links = {slug: pid for slug, pid in plan_rows.links(session).items() if pid in found}
    offers = {pid: plan_rows.offers(session, pid) for pid in set(links.values())}
    for slug, pid in sorted(links.items()):
        survey = registry.survey(slug)
        if survey is None or survey.ladder not in registry.ladders:
            continue
        ladder = registry.ladders[survey.ladder]
        offer = plan_rows.offer_from(offers[pid], survey)
        if offer is None:
            continue
        levels = {r.id: r.level for r in ladder.rungs}
        plan = found[pid]
        for year, aspect, rung, count in _placement_counts(session, slug):
            own = offer.for_aspect(aspect)
            if own is None or rung not in levels or own.rung not in levels:
                continue
            key = (plan.municipality, int(year), pid, plan.title, aspect,
                   pick(survey.aspects.get(aspect), "nl") or aspect, own.rung, levels[own.rung])
            gap = levels[rung] - levels[own.rung]
            wanted[key][0 if gap > 0 else 1 if gap == 0 else 2] += count
    return wanted


# Placements per year, aspect and rung, counted by the database itself: each response's JSON list of placements
# is unnested in SQL, so Python sees a few rows per survey, not one per response (50,000 responses on SQLite: 1.0 s,
# 3.3 s in Python; docs/plans.rst). The year is the UTC year of the (UTC) day a response was given.
_COUNTS = {
    "sqlite": """SELECT substr(r.created_at, 1, 4), json_extract(e.value, '$.aspect'), json_extract(e.value, '$.rung'),
                        count(*)
                 FROM responses r, json_each(r.placements) e
                 WHERE r.survey_slug = :slug AND r.placement_status = 'placed' AND r.withdrawn_at IS NULL
                 GROUP BY 1, 2, 3""",
    "postgresql": """SELECT extract(year FROM r.created_at AT TIME ZONE 'UTC')::int, e ->> 'aspect', e ->> 'rung',
                            count(*)
                     FROM responses r CROSS JOIN LATERAL json_array_elements(r.placements) e
                     WHERE r.survey_slug = :slug AND r.placement_status = 'placed' AND r.withdrawn_at IS NULL
                       AND json_typeof(r.placements) = 'array'
                     GROUP BY 1, 2, 3""",
}


def _placement_counts(session: Session, slug: str):
    """(year, aspect, rung, count) of the placed responses to survey ``slug``."""
    dialect = session.get_bind().dialect.name
    if dialect in _COUNTS:
        return session.execute(text(_COUNTS[dialect]), {"slug": slug}).all()
    counted = defaultdict(int)  # any other database: in Python
    rows = session.execute(select(Response.created_at, Response.placements).where(
        Response.survey_slug == slug, Response.placement_status == "placed", Response.withdrawn_at.is_(None)))
    for created_at, placements in rows:
        for placement in placements or ():
            counted[(created_at.year, placement.get("aspect"), placement.get("rung"))] += 1
    return [(*key, n) for key, n in counted.items()]


def _frame(counted) -> pd.DataFrame:
    records = []
    for key, (more, same, less) in sorted(counted.items(), key=lambda kv: kv[0][:3] + (kv[0][4],)):
        answered = more + same + less
        record = dict(zip(COLUMNS[:8], key), answered=answered, more=more, same=same, less=less)
        for name, count in zip(COUNTS, (more, same, less)):
            share = count / answered
            low, high = wilson(share, answered)
            record.update({f"share_{name}": share, f"{name}_low": float(low[0]), f"{name}_high": float(high[0])})
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for column in ("year", "plan_id", "offered_level", "answered", *COUNTS):
        frame[column] = frame[column].astype("int64")
    return frame


def protect(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The frame as it may be published: a row with fewer than ``threshold`` answers shows nothing but that;
    a row where more, same or less counts fewer than ``threshold`` people (but some) hides all three, so the
    hidden one cannot be worked out from the total. Hidden counts and shares are missing (NaN)."""
    out = frame.copy()
    hidden_columns = [c for c in COLUMNS[9:]]
    out[hidden_columns] = out[hidden_columns].astype("float64")
    small = (out["answered"] < threshold) | np.logical_or.reduce(
        [(out[c] > 0) & (out[c] < threshold) for c in COUNTS]) if len(out) else pd.Series(dtype=bool)
    out.loc[small, hidden_columns] = np.nan
    out["answered"] = out["answered"].astype("float64").where(out["answered"] >= threshold)
    return out
