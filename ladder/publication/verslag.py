"""The participatieverslag: how a consultation went, in one HTML document (and PDF when WeasyPrint is there).

The Omgevingswet asks applicants and councils to say who took part, how, what came out and what was done
with it. Its numbers are a publication's (the tables of ``/r/``), only formatted here; the rest is what
staff wrote and the survey's own description. Making a verslag is a publication moment: it shows the
latest snapshot, or makes a new one when enough responses changed (``store.publish``).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import db, lifecycle, report_back
from ..analysis.report import dutch_date, number, percent
from ..text import municipality_name, pick
from . import store

TEMPLATES = Path(__file__).parent / "templates"


def document(survey, reg, config) -> str:
    """The verslag's HTML, from the survey's publication (the caller commits a new snapshot)."""
    from ..plans import with_plan_offer
    moment = store.publish_with(survey, reg, config)
    return render(context(with_plan_offer(db.session(), survey), reg, moment.publication))


def render(values: dict) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(number=number, percent=percent, dutch_date=dutch_date)
    return env.get_template("verslag.html").render(**values)


def pdf_of(html: str) -> bytes | None:
    """The verslag as PDF with WeasyPrint, or None when WeasyPrint is not installed."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        return None
    return HTML(string=html).write_pdf()


def _nl(value) -> str:
    """A publication's text in Dutch (the verslag is Dutch): survey text or an interface message id."""
    return value if isinstance(value, str) else pick(value, "nl")


def _count(value) -> str:
    return "verborgen" if value is None else number(value)


def _share(cells) -> str:
    if cells.get("share") is None:
        return "–"
    if cells.get("low") is None or cells.get("high") is None:
        return percent(cells["share"])
    return f"{percent(cells['share'])} (waarschijnlijk tussen {percent(cells['low'])} en {percent(cells['high'])})"


def _places(cells) -> str:
    low, high = cells.get("rank_low"), cells.get("rank_high")
    text = str(low) if low == high else f"{low} tot {high}"
    return text + ("; te dicht bij het volgende om te zeggen" if cells.get("close") else "")


def _question_rows(table) -> tuple[list[str], list[list[str]]]:
    if table.kind == "ranking":
        order = table.params.get("order") == "shown"
        return (["Onderwerp", "Punten", "Op 1 gezet", *(["Waarschijnlijke plaats"] if order else [])],
                [[_nl(r.label), _count(r.cells.get("points")), _count(r.cells.get("first")),
                  *([_places(r.cells)] if order else [])] for r in table.rows])
    return ["Antwoord", "Aantal", "Deel"], [[_nl(r.label), _count(r.cells.get("count")), _share(r.cells)]
                                            for r in table.rows]


def context(survey, reg, publication) -> dict:
    """Everything the participatieverslag says: its numbers are ``publication``'s (the tables of ``/r/``),
    only formatted here; the rest is what staff wrote and the survey's own description."""
    locale = "nl"
    ladder = reg.ladder_of(survey)
    state = lifecycle.of(survey)
    stored = lifecycle.row(survey.slug)
    areas = publication.table("areas")
    per_area = [(_nl(r.label), r.cells["count"]) for r in areas.rows]
    channels_table = publication.table("channels")
    channels = [(_nl(r.label), r.cells["count"]) for r in channels_table.rows] if channels_table else []
    questions = []
    for table in (t for t in publication.tables if t.kind in ("question", "ranking")):
        answered = table.total.cells.get("count")
        text = ("Hoeveel mensen deze vraag beantwoordden, laten we niet zien." if answered is None else
                "Nog niemand beantwoordde deze vraag." if answered == 0 else
                f"{number(answered)} mensen beantwoordden deze vraag.")
        if table.note:
            text += " " + table.note % table.params
        if table.params.get("order") == "shown":
            text += (" De waarschijnlijke plaats zegt waar een onderwerp met andere deelnemers had kunnen staan; "
                     "“te dicht bij het volgende om te zeggen” betekent dat we niet zeker weten welke van de twee "
                     "hoger staat.")
        headings, rows = _question_rows(table)
        questions.append({"label": _nl(table.title), "answered_text": text, "headings": headings,
                          "rows": rows if answered != 0 else []})
    offer = getattr(survey, "offer", None)
    offers, compared, key_figures = [], [], []
    if offer is not None:
        for aspect, own in offer.distinct(list(survey.aspects)):
            rung = ladder.rung(own.rung) if own.rung in ladder else None
            if rung is not None:
                offers.append((pick(survey.aspects.get(aspect), locale) if aspect else "",
                               type("R", (), {"level": rung.level, "title": pick(rung.title, locale)}),
                               pick(own.promise, locale)))
    for table in (t for t in publication.tables if t.kind == "offer"):
        rung = ladder.rung(table.params["offered"])
        rows = [(_nl(r.label), *(_count(r.cells.get(k)) for k in ("lower", "same", "higher"))) for r in table.rows]
        total = (_nl(table.total.label), *(_count(table.total.cells.get(k)) for k in ("lower", "same", "higher")))
        label = _nl(table.title)
        compared.append((label, type("R", (), {"level": rung.level, "title": pick(rung.title, locale)}), rows, total,
                         table.note % table.params if table.note else ""))
        key_figures.append((label, rung.level, pick(rung.title, locale), total[1:]))
    weighted = [{"label": _nl(t.title), "left_out": len(t.params.get("left_out", [])),
                 "rows": [(_nl(r.label), _share({"share": r.cells["weighted"], "low": r.cells["weighted_low"],
                                                 "high": r.cells["weighted_high"]})) for r in t.rows]}
                for t in publication.tables if t.kind == "weighted"]
    first, last = (date.fromisoformat(d) if d else None for d in publication.period)
    settings = report_back.settings(survey)
    return {
        "title": pick(survey.title, locale), "municipality": municipality_name(survey.municipality),
        "intro": _paragraphs(pick(survey.intro, locale)), "purpose": pick(survey.purpose, locale),
        "audience": pick(survey.audience, locale), "invite_only": state.invite_only,
        "opens": state.opens_on, "closes": state.closes_on,
        "first": first, "last": last,
        "channels": channels, "total": publication.responses, "max_noise": publication.method["max_noise"],
        "made_at": publication.made_at, "per_area": per_area, "key_figures": key_figures,
        "represent": publication.represent, "weighted": weighted, "questions": questions, "offers": offers,
        "compared": compared, "ladder_title": pick(ladder.title, locale),
        "results_text": _paragraphs(stored.results_text if stored and stored.results_published_at else ""),
        "items": report_back.items(survey), "expected": settings.results_expected,
        "generated": datetime.now(timezone.utc),
    }




def _paragraphs(text) -> list[str]:
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]

