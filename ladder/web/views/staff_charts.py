"""The staff dashboard's charts: exact numbers for staff of the survey's municipality (never published;
``/r/`` draws the publication's tables, see ``ladder.web.views.results``)."""
from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from ..filters import number
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


def rung_charts(totals: dict, ladder, aspect_label, hidden_label) -> dict[str, Markup]:
    from ...analysis.charts import RAMP, bar_rows_svg
    fills = [RAMP[min(i, len(RAMP) - 1)] for i in range(len(ladder.rungs))]
    return {aspect: Markup(bar_rows_svg([(f"{r.level}. {pick(r.title)}", n, hidden_label if n is None else number(n))
                                         for r, n in rows], aspect_label(aspect), hidden_label, fills=fills))
            for aspect, rows in totals.items()}
