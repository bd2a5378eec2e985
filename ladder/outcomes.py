"""What a survey's responses show, for the dashboard and the public results page.

Read once through the response frame (the analysts' own path, so every page shows the numbers
``ladder summary`` prints) and kept per state of the responses: a page view does not read every
response again, and a new, withdrawn or deleted response is seen at once (``data_version``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import db
from .dashboard import data_version

CACHE_SIZE = 64
_cache: dict[tuple, Outcomes] = {}


@dataclass
class Outcomes:
    responses: int = 0
    per_area: list[tuple[str | None, int]] = field(default_factory=list)  # in the survey's area order
    rungs: Any = None  # rungs_per_area: area, aspect, rung, count, share
    questions: list = field(default_factory=list)  # QuestionSummary per question, in survey order


def within(survey, code: str) -> set[str]:
    """``code`` and every area below it (children, grandchildren ...)."""
    found, changed = {code}, True
    while changed:
        below = {a.code for a in survey.areas if a.parent in found}
        changed = not below <= found
        found |= below
    return found


def of(survey, registry, threshold: int, locale: str = "nl", area: str | None = None,
       channel: str | None = None) -> Outcomes:
    """The outcomes of ``survey``'s responses now (computed once per state of the responses).

    ``area`` keeps only the responses from that area and the areas below it, ``channel`` only those that
    came in through that channel (the dashboard's filters)."""
    key = (str(db.engine().url), survey.slug, survey.version, threshold, locale, data_version(survey),
           area, channel)
    if key not in _cache:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = _compute(survey, registry, threshold, locale, area, channel)
    return _cache[key]


# The dashboard's filter by channel: online covers the resident's form and API clients.
CHANNEL_FILTERS = {"online": ("form", "api"), "paper": ("paper",), "assisted": ("assisted",)}


def _channels(survey) -> list:
    """Each (not withdrawn) response's channel, in the response frame's order (by id)."""
    from sqlalchemy import select
    from .models import Response
    return list(db.session().scalars(select(Response.channel).where(
        Response.survey_slug == survey.slug, Response.withdrawn_at.is_(None)).order_by(Response.id)))


def _filtered(frame, survey, area, channel):
    import pandas as pd
    keep = pd.Series(True, index=frame.index)
    if area:
        keep &= frame["area"].isin(within(survey, area)).fillna(False).to_numpy()
    if channel:
        wanted = CHANNEL_FILTERS.get(channel, (channel,))
        if "channel" in frame.columns:  # the frame carries it (migration 0006)
            found = list(frame["channel"].astype("object"))
        else:
            found = _channels(survey)
            if len(found) != len(frame):  # a response came or went between the two reads: read again
                return None
        keep &= pd.Series([c in wanted for c in found], index=frame.index)
    out = frame[keep.to_numpy()].reset_index(drop=True)
    out.attrs = frame.attrs
    return out


def _compute(survey, registry, threshold, locale, area=None, channel=None) -> Outcomes:
    from .analysis import response_frame, rungs_per_area
    from .analysis.summaries import question_summaries

    frame = None
    for _try in range(3):
        read = response_frame(db.engine(), survey, registry=registry)
        frame = _filtered(read, survey, area, channel) if (area or channel) else read
        if frame is not None:
            break
    if frame is None:
        raise RuntimeError("responses kept changing while they were read")
    # pandas deep-copies attrs on every operation; the codebook (for exports only) made a page 3 s slower
    frame.attrs = {k: v for k, v in frame.attrs.items() if k != "codebook"}
    counts = frame["area"].value_counts(sort=False, dropna=False)
    known = [a.code for a in survey.areas]
    per_area = [(code, int(counts.get(code, 0))) for code in known if counts.get(code, 0)]
    unknown = int(frame["area"].isna().sum())
    if unknown:
        per_area.append((None, unknown))
    out = Outcomes(responses=len(frame), per_area=per_area, rungs=rungs_per_area(frame, survey),
                   questions=question_summaries(frame, survey, registry, locale))
    return out
