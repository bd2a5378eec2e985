"""What a survey's responses show, for the dashboard and the public results page.

Read once through the response frame (the analysts' own path, so every page shows the numbers
``ladder summary`` prints) and kept per state of the responses: a page view does not read every
response again, and a new, withdrawn or deleted response is seen at once (``data_version``).
"""
from __future__ import annotations

import base64
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
    # (data URI, alt text) of the rung chart drawn at the threshold asked for (0 for staff: every count)
    chart: tuple[str, str] | None = None


def of(survey, registry, threshold: int, locale: str = "nl") -> Outcomes:
    """The outcomes of ``survey``'s responses now (computed once per state of the responses)."""
    key = (str(db.engine().url), survey.slug, survey.version, threshold, locale, data_version(survey))
    if key not in _cache:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = _compute(survey, registry, threshold, locale)
    return _cache[key]


def _compute(survey, registry, threshold, locale) -> Outcomes:
    from .analysis import response_frame, rungs_per_area
    from .analysis.charts import rung_chart
    from .analysis.summaries import question_summaries

    frame = response_frame(db.engine(), survey, registry=registry)
    counts = frame["area"].value_counts(sort=False, dropna=False)
    known = [a.code for a in survey.areas]
    per_area = [(code, int(counts.get(code, 0))) for code in known if counts.get(code, 0)]
    unknown = int(frame["area"].isna().sum())
    if unknown:
        per_area.append((None, unknown))
    out = Outcomes(responses=len(frame), per_area=per_area, rungs=rungs_per_area(frame, survey),
                   questions=question_summaries(frame, survey, registry, locale))
    if len(out.rungs):
        out.chart = _uri(rung_chart(frame, survey, registry=registry, threshold=threshold))
    return out


def _uri(chart) -> tuple[str, str]:
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode(), chart.alt
