"""The staff dashboard's charts: exact numbers for staff of the survey's municipality (never published;
``/r/`` draws the publication's tables, see ``ladder.web.views.results``)."""
from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from ..filters import number
from ...i18n import _
from ...text import pick


def chart_rows(summary, table, hidden_label):
    """(label, value, shown) per row of a question's (protected) table, for :func:`bar_rows_svg`."""
    column = summary.chart
    if column is None or column not in table.columns:
        return []
    rows = []
    for record in table.to_dict("records"):
        value = record[column]
        missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
        rows.append((str(record.get("label", record.get("value", ""))), None if missing else float(value),
                     hidden_label if missing else number(value)))
    return rows


def question_charts(questions, title_of, hidden_label):
    """[(summary, table, svg markup or None)] for the questions shown."""
    from ...analysis.charts import bar_rows_svg
    out = []
    for summary, table in questions:
        rows = chart_rows(summary, table, hidden_label)
        svg = Markup(bar_rows_svg(rows, title_of(summary), hidden_label)) if rows and summary.answered else None
        out.append((summary, table, svg))
    return out


def rung_totals(table: dict, ladder) -> dict[str, list[tuple[object, int | None]]]:
    """Per aspect, per rung the number over every area."""
    out = {}
    for aspect, by_area in table.items():
        out[aspect] = []
        for rung in ladder.rungs:
            cells = [cells.get(rung.id) for cells in by_area.values()]
            out[aspect].append((rung, None if any(c is None for c in cells) else sum(cells)))
    return out


def rung_charts(totals: dict, ladder, aspect_label, hidden_label, offered=None) -> dict[str, Markup]:
    """Per aspect a bar per rung; ``offered`` (aspect -> Rung or None) marks the offered rung, in its label
    ("2. Raadplegen (geboden)"), in the chart's title and with a band behind its row."""
    from ...analysis.charts import RAMP, bar_rows_svg
    fills = [RAMP[min(i, len(RAMP) - 1)] for i in range(len(ladder.rungs))]
    offered = offered or {}
    out = {}
    for aspect, rows in totals.items():
        mark = offered.get(aspect)
        title = aspect_label(aspect)
        if mark is not None:
            title = _("%(aspect)s; geboden: %(level)s. %(rung)s", aspect=title, level=mark.level, rung=pick(mark.title))
        bars = [(f"{r.level}. {pick(r.title)}" + (f" ({_('geboden')})" if r == mark else ""), n,
                 hidden_label if n is None else number(n)) for r, n in rows]
        marked = next((i for i, (r, _n) in enumerate(rows) if r == mark), None)
        out[aspect] = Markup(bar_rows_svg(bars, title, hidden_label, fills=fills, marked=marked))
    return out
