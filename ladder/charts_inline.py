"""Charts for pages: the analysis charts as data: URIs, so pages need no extra request or JavaScript."""
from __future__ import annotations

import base64

from . import db
from .dashboard import data_version

_cache: dict[tuple, tuple[str, str] | None] = {}
CACHE_SIZE = 64


def rung_chart_uri(survey, registry, threshold: int):
    """(data URI, alt text) of the rung chart of ``survey``'s responses, or None when nobody is placed.

    Drawn once per state of the responses: a public results page must not redraw on every visit.
    """
    key = (str(db.engine().url), survey.slug, survey.version, threshold, data_version(survey))
    if key not in _cache:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = _draw(survey, registry, threshold)
    return _cache[key]


def _draw(survey, registry, threshold):
    from .analysis import response_frame
    from .analysis.charts import rung_chart

    frame = response_frame(db.engine(), survey, registry=registry)
    if frame.empty or not any(c.startswith("rung_") for c in frame.columns):
        return None
    chart = rung_chart(frame, survey, registry=registry, threshold=threshold)
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode(), chart.alt
