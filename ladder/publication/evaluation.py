"""Offered versus wanted rung, plan after plan, as published: read from each survey's latest publication.

The public evaluation (``/plannen/evaluatie``) and the motivation text for the council add up the
``offer:<aspect>`` tables of the published surveys of each published plan: the same perturbed counts as
``/r/``, at the same publication moments, never a live or exact count beside them. Staff and analysts
get exact counts from ``ladder.analysis.plan_evaluation``.
"""
from __future__ import annotations

from .. import plans as plan_rows
from ..analysis.intervals import wilson
from ..text import pick
from . import store

COMPARED = {"more": "higher", "same": "same", "less": "lower"}


def rows(session, registry, plans) -> list[dict]:
    """One row per plan and aspect (year: the last day answers came in), in the shape of
    ``plan_evaluation.COLUMNS``; a hidden count makes its row's numbers missing."""
    out = []
    for plan in plans:
        offers = plan_rows.offers(session, plan.id)
        by_aspect: dict[tuple, dict] = {}
        for slug in plan_rows.survey_slugs(session, plan.id):
            survey = registry.survey(slug)
            publication = store.latest(survey) if survey is not None else None
            offer = plan_rows.offer_from(offers, survey) if survey is not None else None
            if publication is None or offer is None:
                continue
            year = int((publication.period[1] or publication.made_at)[:4])
            ladder = registry.ladder_of(survey)
            for table in (t for t in publication.tables if t.kind == "offer"):
                aspect = table.id.split(":", 1)[1]
                own = offer.for_aspect(aspect)
                if own is None or own.rung != table.params["offered"]:
                    continue  # published before the plan's offer changed: not comparable
                key = (year, aspect)
                found = by_aspect.setdefault(key, {
                    "municipality": plan.municipality, "year": year, "plan_id": plan.id, "plan": plan.title,
                    "aspect": aspect, "aspect_label": pick(survey.aspects.get(aspect), "nl") or aspect,
                    "offered_rung": own.rung, "offered_level": ladder.rung(own.rung).level,
                    "more": 0, "same": 0, "less": 0, "answered": 0})
                whole = publication.table(f"ladder:{aspect}")
                parts = [table.total.cells.get(c) for c in COMPARED.values()] + [whole.total.cells.get("count")]
                for name, value in zip((*COMPARED, "answered"), parts):
                    found[name] = None if value is None or found[name] is None else found[name] + value
        out.extend(_with_shares(r) for _, r in sorted(by_aspect.items()))
    return out


def _with_shares(row: dict) -> dict:
    answered = row["answered"]
    for name in COMPARED:
        count = row[name]
        if not answered or count is None:
            row.update({f"share_{name}": float("nan"), f"{name}_low": float("nan"), f"{name}_high": float("nan")})
            continue
        share = min(max(count / answered, 0.0), 1.0)
        low, high = wilson(share, answered)
        row.update({f"share_{name}": share, f"{name}_low": float(low[0]), f"{name}_high": float(high[0])})
    if answered is None:
        row["answered"] = float("nan")
    return row
