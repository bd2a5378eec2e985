"""Charts of a survey's results, for publication: matplotlib on the Agg canvas, no display needed.

Each chart function returns a :class:`Chart`: the picture as PNG and SVG bytes, and the table of the
same numbers (a DataFrame) for readers who cannot see the picture. Both come from one table
protected by ``ladder.analysis.disclosure`` (small counts hidden, and what would give them away): an
area whose number of people is hidden gets no bar, and within a bar the hidden cells (always two or
more) are merged into one grey, hatched "verborgen" segment. Labels are Dutch; colours are colour-blind safe (viridis for the ordered rungs, Okabe-Ito
for the gap) and every segment of 8% or more carries its percentage, so colour is never the only cue.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from matplotlib import colormaps, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..text import pick
from .frame import resolve_ladder
from .summaries import aspect_gap, rungs_per_area

SMALL = "verborgen"
SMALL_COLOUR = "#DDDDDD"
TOO_FEW = "te weinig antwoorden om te tonen"
# Okabe-Ito: distinguishable with every common kind of colour blindness.
GAP_COLOURS = {"more": "#0072B2", "same": "#F0E442", "less": "#D55E00"}
GAP_LABELS = {"more": "wil meer zeggenschap", "same": "wil evenveel zeggenschap als nu", "less": "wil minder zeggenschap"}
RC = {"svg.fonttype": "none", "svg.hashsalt": "ladder", "font.family": "DejaVu Sans", "font.size": 10,
      "axes.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False}


@dataclass
class Chart:
    """A drawn chart: ``png`` and ``svg`` bytes, ``table`` with the same (suppressed) numbers,
    ``title`` and ``alt`` (a short text alternative that points to the table). Each format is rendered
    when it is first read: a report needs only the SVG, ``ladder chart`` only one of the two."""

    kind: str
    title: str
    alt: str
    table: pd.DataFrame
    figure: Figure = field(repr=False)

    @cached_property
    def png(self) -> bytes:
        return _render(self.figure, format="png", dpi=150, metadata={"Software": None})

    @cached_property
    def svg(self) -> bytes:
        return _clean_svg(_render(self.figure, format="svg", metadata={"Date": None, "Creator": None}))

    def save(self, path) -> None:
        """Write the chart to ``path``: ``.svg`` writes SVG, anything else PNG."""
        path = Path(path)
        path.write_bytes(self.svg if path.suffix.lower() == ".svg" else self.png)


def _render(fig: Figure, **options) -> bytes:
    with rc_context(RC):
        out = io.BytesIO()
        fig.savefig(out, bbox_inches="tight", **options)
    return out.getvalue()


def _clean_svg(svg: bytes) -> bytes:
    """Drop the DOCTYPE (it names a DTD on the web) and the RDF metadata: nothing left to look up."""
    text = svg.decode("utf-8")
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text, count=1)
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    return text.encode("utf-8")


def _area_names(survey) -> dict[str, str]:
    return {a.code: pick(a.name) for a in getattr(survey, "areas", ())}


def _text_colour(rgba) -> str:
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _bar(ax, y, segments, too_few_text=TOO_FEW):
    """Draw one stacked bar of (share, colour, hatch) from 0 to 1, labels inside big segments."""
    if segments is None:
        ax.text(0.01, y, too_few_text, va="center", ha="left", fontsize=9, style="italic", color="#333333")
        return
    left = 0.0
    for share, colour, hatch in segments:
        if share <= 0:
            continue
        ax.barh(y, share, left=left, color=colour, hatch=hatch, edgecolor="white", linewidth=0.8, height=0.72)
        if share >= 0.08 and hatch is None:
            rgba = colour if isinstance(colour, tuple) else _hex(colour)
            ax.text(left + share / 2, y, _pct(share), ha="center", va="center", fontsize=8.5,
                    color=_text_colour(rgba))
        left += share


def _hex(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _axes_style(ax, labels):
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(max(len(labels), 1) - 0.5, -0.5)  # an empty chart still gets a row's height
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#CCCCCC", linewidth=0.5)
    ax.set_axisbelow(True)


def rung_table(frame: pd.DataFrame, survey, ladder=None, registry=None, threshold: int = 5,
               weighted: bool | None = None, protection: float | None = None) -> pd.DataFrame:
    """The numbers of :func:`rung_chart`: one row per area, aspect and rung of the ladder.

    Columns: area, area_name, aspect, aspect_label, rung, rung_title, count, share, area_n,
    suppressed. ``area_n`` is the number of people placed on the aspect in the area. Disclosure
    control (``ladder.analysis.disclosure``) hides counts under ``threshold`` and every cell, share
    and ``area_n`` that would give one away. With a ``weight`` column, count and share are weighted;
    ``area_n`` stays people.
    """
    lad = resolve_ladder(survey, ladder, registry)
    long = rungs_per_area(frame, survey, weighted=weighted)
    areas = [a for a in _area_names(survey) if a in set(frame["area"].dropna().astype(str))] or \
        sorted(set(long["area"]))
    aspects = [c.removeprefix("rung_") for c in frame.columns if c.startswith("rung_")]
    return protected_rungs(long, survey, lad, threshold, areas=areas, aspects=aspects, protection=protection)


def protected_rungs(long: pd.DataFrame, survey, lad, threshold: int = 5, areas=None, aspects=None,
                    protection: float | None = None) -> pd.DataFrame:
    """:func:`rung_table` from a ``rungs_per_area`` table: every rung of the ladder (0 for rungs nobody
    reached), protected. The public page and the chart both use it, so they hide the same cells."""
    from .disclosure import PROTECTION, Layout, protect
    people = "respondents" if "respondents" in long.columns else "count"
    names = _area_names(survey)
    areas = list(areas if areas is not None else [a for a in names if a in set(long["area"])] or
                 sorted(set(long["area"])))
    aspects = list(aspects if aspects is not None else dict.fromkeys(long["aspect"]))
    rows = []
    for aspect in aspects:
        for area in areas:
            part = long[(long["area"] == area) & (long["aspect"] == aspect)].set_index("rung")
            area_n = int(part[people].sum()) if len(part) else 0
            for rung in lad.rungs:
                found = rung.id in part.index
                rows.append({"area": area, "area_name": names.get(area, area), "aspect": aspect,
                             "aspect_label": pick(survey.aspects.get(aspect)) or aspect, "rung": rung.id,
                             "rung_title": pick(rung.title),
                             "count": float(part.loc[rung.id, "count"]) if found else 0.0,
                             "share": float(part.loc[rung.id, "share"]) if found else 0.0,
                             "respondents": int(part.loc[rung.id, people]) if found else 0, "area_n": area_n})
    columns = ["area", "area_name", "aspect", "aspect_label", "rung", "rung_title", "count", "share", "area_n"]
    table = pd.DataFrame(rows, columns=[*columns, "respondents"])
    weighted = people == "respondents"
    if not weighted:
        table["count"] = table["count"].astype("int64")
    layout = Layout(counts=("count",), derived={"share": "count"}, groups=("area",), categories=("rung",),
                    split=("aspect",), size="area_n", people={"count": "respondents"})
    if threshold > 0:
        table = protect(table, layout, threshold, PROTECTION if protection is None else protection)
    else:
        table["suppressed"] = False
    if not weighted:
        table["count"] = table["count"].astype("Int64")
    else:
        table["count"] = table["count"].astype("Float64")
    table["area_n"] = table["area_n"].astype("Int64")
    return table[[*columns, "suppressed"]]


def rung_chart(frame: pd.DataFrame, survey, ladder=None, registry=None, threshold: int = 5,
               weighted: bool | None = None) -> Chart:
    """Stacked horizontal bars: per aspect one panel, per area one bar of the shares on each rung,
    bottom rung left. See :func:`rung_table` for the numbers; the chart is drawn from that
    protected table only (a grey segment always stands for two or more hidden cells)."""
    lad = resolve_ladder(survey, ladder, registry)
    table = rung_table(frame, survey, lad, threshold=threshold, weighted=weighted)
    return draw_rungs(table, lad, threshold)


def draw_rungs(table: pd.DataFrame, lad, threshold: int = 5) -> Chart:
    """The rung chart of a (protected) :func:`rung_table`."""
    cmap = colormaps["viridis"]
    n_rungs = len(lad.rungs)
    colours = {r.id: cmap(0.1 + 0.85 * i / max(n_rungs - 1, 1)) for i, r in enumerate(lad.rungs)}
    aspects = list(dict.fromkeys(table["aspect"]))
    areas = list(dict.fromkeys(table["area"]))
    names = dict(zip(table["area"], table["area_name"]))
    height = 1.2 + sum(0.9 + 0.32 * len(areas) for _ in aspects)
    with rc_context(RC):
        fig = Figure(figsize=(8.5, max(height, 2.5)), layout="constrained")
        axes = fig.subplots(len(aspects) or 1, 1, squeeze=False)[:, 0]
        for ax, aspect in zip(axes, aspects):
            part = table[table["aspect"] == aspect]
            for y, area in enumerate(areas):
                rows = part[part["area"] == area]
                if rows["area_n"].isna().all() or not rows["area_n"].fillna(0).astype(int).max():
                    _bar(ax, y, None)
                    continue
                segments = [(float(r.share), colours[r.rung], None) for r in rows.itertuples() if not r.suppressed]
                small = 1.0 - sum(s for s, _, _ in segments)
                if rows["suppressed"].any() and small > 1e-9:
                    segments.append((small, SMALL_COLOUR, "///"))
                _bar(ax, y, segments)
            _axes_style(ax, [names[a] for a in areas])
            label = part["aspect_label"].iloc[0] if len(part) else aspect
            ax.set_title(label, loc="left", fontweight="bold")
        if len(aspects):
            axes[-1].set_xlabel("aandeel van de mensen die meededen in het gebied")
        handles = [Patch(facecolor=colours[r.id], label=f"{r.level}. {pick(r.title)}") for r in lad.rungs]
        if threshold > 0:
            handles.append(Patch(facecolor=SMALL_COLOUR, hatch="///", label=f"{SMALL} (kleine aantallen en wat ze zou verraden)"))
        fig.legend(handles=handles, loc="outside lower center", ncol=min(4, len(handles)), frameon=False,
                   fontsize=8.5)
        title = f"Treden op de {pick(lad.title).lower()} per gebied"
        fig.suptitle(title, x=0.02, ha="left", fontsize=12, fontweight="bold")
        FigureCanvasAgg(fig)
    alt = (f"Staafdiagram: {title.lower()}, per vraag over meedoen. "
           "Dezelfde cijfers staan in de tabel onder de grafiek.")
    return Chart("rungs", title, alt, table, fig)


def gap_table(frame: pd.DataFrame, survey, threshold: int = 5, weighted: bool | None = None,
              protection: float | None = None) -> pd.DataFrame:
    """The numbers of :func:`gap_chart`: per area n, more/same/less (counts and shares), mean
    difference in rungs. Disclosure control decides on the people behind each cell: counts under
    ``threshold``, and what would give them away (through ``n`` or the other cells), are missing
    with their shares; an area whose ``n`` is hidden is empty."""
    from .disclosure import PROTECTION, Layout, protect
    gap = aspect_gap(frame, survey, weighted=weighted)
    gap = gap[gap["n"] > 0]  # areas nobody placed on both aspects: left out, as in the rung chart
    people = aspect_gap(frame, survey, weighted=False).set_index("area")  # who is behind each cell
    names = _area_names(survey)
    order = {a: i for i, a in enumerate(names)}
    gap = gap.sort_values("area", key=lambda s: s.map(lambda a: order.get(a, len(order))), kind="stable")
    total = gap["weighted_n"] if "weighted_n" in gap.columns else gap["n"]
    out = pd.DataFrame({"area": gap["area"], "area_name": gap["area"].map(lambda a: names.get(a, a)),
                        "first": gap["first"], "second": gap["second"], "n": gap["n"]})
    for col in ("more", "same", "less"):
        out[col] = gap[col]
        out[f"{col}_share"] = gap[col] / total.where(total > 0)
    out["mean_difference"] = gap["mean_difference"]
    out = out.reset_index(drop=True)
    if threshold <= 0:
        out["suppressed"] = False
        return out
    for col in ("more", "same", "less"):
        out[f"{col}_people"] = out["area"].map(people[col]).fillna(0).astype("int64")
    layout = Layout(counts=("more", "same", "less", "n"),
                    derived={"more_share": "more", "same_share": "same", "less_share": "less",
                             "mean_difference": "n"},
                    groups=("area",), split=("first", "second"), size="n", wide=("more", "same", "less"),
                    people={c: f"{c}_people" for c in ("more", "same", "less")})
    out = protect(out, layout, threshold, PROTECTION if protection is None else protection)
    out = out.drop(columns=[f"{c}_people" for c in ("more", "same", "less")])
    if weighted is False or "weighted_n" not in gap.columns:
        for col in ("more", "same", "less"):
            out[col] = out[col].astype("Int64")
    return out


def gap_chart(frame: pd.DataFrame, survey, threshold: int = 5, weighted: bool | None = None) -> Chart:
    """One stacked bar per area: the share who want more say than they have now (placed higher on the
    second aspect than on the first), the same, or less."""
    table = gap_table(frame, survey, threshold=threshold, weighted=weighted)
    labels = list(table["area_name"])
    with rc_context(RC):
        fig = Figure(figsize=(8.5, 1.9 + 0.34 * max(len(labels), 1)), layout="constrained")
        ax = fig.subplots()
        for y, row in enumerate(table.itertuples()):
            if pd.isna(row.n):
                _bar(ax, y, None)
                continue
            segments = [(float(getattr(row, f"{c}_share")), GAP_COLOURS[c], None) for c in GAP_LABELS
                        if not pd.isna(getattr(row, f"{c}_share"))]
            small = 1.0 - sum(s for s, _, _ in segments)
            if row.suppressed and small > 1e-9:
                segments.append((small, SMALL_COLOUR, "///"))
            _bar(ax, y, segments)
        _axes_style(ax, labels)
        ax.set_xlabel("aandeel van de mensen die beide vragen beantwoordden")
        handles = [Patch(facecolor=GAP_COLOURS[c], label=GAP_LABELS[c]) for c in GAP_LABELS]
        if threshold > 0:
            handles.append(Patch(facecolor=SMALL_COLOUR, hatch="///", label=f"{SMALL} (kleine aantallen en wat ze zou verraden)"))
        fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=8.5)
        title = "Zeggenschap nu en gewenst per gebied"
        fig.suptitle(title, x=0.02, ha="left", fontsize=12, fontweight="bold")
        FigureCanvasAgg(fig)
    alt = (f"Staafdiagram: {title.lower()}: per gebied het aandeel dat meer, evenveel of minder "
           "zeggenschap wil dan nu. Dezelfde cijfers staan in de tabel onder de grafiek.")
    return Chart("gap", title, alt, table, fig)


# --- inline SVG bars for the web pages (issue 12) ---------------------------------------------------
# Drawn as markup, not a picture: the text stays text (12 px and up at any width, because the SVG has no
# viewBox and only the bars' widths are percentages), and it carries no style attributes, so it works under
# a Content-Security-Policy without 'unsafe-inline'. Every bar has its count printed beside it and a dark
# outline, so neither colour nor the bar's length is the only cue.

BAR_FILLS = ("#154273",)
# For ordered categories (rungs): one blue from dark to light, so the order shows in lightness too.
RAMP = ("#0b2440", "#154273", "#2a5d94", "#4a7fb5", "#7fa7d1", "#b7d0ea", "#dce8f5")
ROW_HEIGHT = 46  # label line (16) + bar (22) + gap (8)
LINE = 17  # each further line of a long label
LABEL_CHARS = 34
BAR_MAX = 78  # percent of the width a full bar takes; the rest is room for its count


def _attr(value) -> str:
    from html import escape
    return escape(str(value), quote=True)


def _wrap(label: str, width: int = LABEL_CHARS) -> list[str]:
    """A label in lines of at most ``width`` characters (SVG text does not wrap by itself; 34 characters of
    14 px text fit the 288 px a 320 px screen leaves)."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


def bar_rows_svg(rows, title: str, hidden_text: str = SMALL, fills=None, marked: int | None = None) -> str:
    """One horizontal bar per row of ``(label, value, shown)``: ``value`` a number or None (hidden),
    ``shown`` the text printed beside the bar (the formatted count). Returns ``<svg>`` markup with a
    ``<title>``; the table beside it holds the same numbers. Long labels wrap onto more lines. Row number
    ``marked`` (from 0) stands on a pale band with a dashed edge (the offered rung); its label and the title
    say so in words, the band only helps the eye."""
    rows = list(rows)
    top = max([v for _l, v, _s in rows if v is not None and v == v] or [0])
    wrapped = [_wrap(str(label)) for label, _v, _s in rows]
    height = sum(ROW_HEIGHT + LINE * (len(lines) - 1) for lines in wrapped) or ROW_HEIGHT
    parts = [f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" '
             f'role="img" aria-label="{_attr(title)}" focusable="false"><title>{_attr(title)}</title>']
    y = 0
    for i, ((label, value, shown), lines) in enumerate(zip(rows, wrapped)):
        for k, line in enumerate(lines):
            parts.append(f'<text x="0" y="{y + 14 + LINE * k}" font-size="14" fill="#1b1b1b">{_attr(line)}</text>')
        if i == marked:
            band = ROW_HEIGHT + LINE * (len(lines) - 1)
            parts.insert(len(parts) - len(lines), f'<rect class="bars__marked" data-row="{i}" x="0" y="{y}" '
                         f'width="100%" height="{band}" fill="#fff4c2" stroke="#1b1b1b" '
                         f'stroke-dasharray="4 3" stroke-width="1"/>')
        y += LINE * (len(lines) - 1)
        if value is None or value != value:
            parts.append(f'<text x="0" y="{y + 34}" font-size="13" font-style="italic" fill="#4a4a4a">'
                         f'{_attr(hidden_text)}</text>')
            y += ROW_HEIGHT
            continue
        width = BAR_MAX * float(value) / top if top else 0.0
        fill = fills[i % len(fills)] if fills else BAR_FILLS[0]
        parts.append(f'<rect x="0" y="{y + 19}" width="{width:.2f}%" height="20" fill="{fill}" '
                     f'stroke="#0b2440" stroke-width="1"/>')
        parts.append(f'<text x="{width:.2f}%" dx="6" y="{y + 34}" font-size="14" font-weight="bold" '
                     f'fill="#1b1b1b">{_attr(shown)}</text>')
        y += ROW_HEIGHT
    parts.append("</svg>")
    return "".join(parts)
