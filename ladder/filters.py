"""Template filters: texts in the resident's language, Dutch dates, answers in words."""
from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup, escape

from .i18n import current_locale
from .text import pick

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def t(value, locale=None):
    """Pick the text for the resident's language."""
    return pick(value, locale or current_locale())


def paragraphs(value: str) -> Markup:
    """Turn blank-line separated text into paragraphs."""
    text = (value or "").replace("\r\n", "\n")  # browsers send a textarea's line breaks as CRLF
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return Markup("".join(f"<p>{escape(p)}</p>" for p in parts))


def date_nl(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def answer_text(value, question, survey, locale=None) -> str:
    """An answer as the resident would say it."""
    locale = locale or current_locale()
    if value is None or value == [] or value == "":
        return "—"
    if question.type == "area":
        area = survey.area(value)
        return pick(area.name, locale) if area else str(value)
    if question.type == "ranking":
        return ", ".join(f"{i}. {question.choice_label(v, locale)}" for i, v in enumerate(value, start=1))
    if isinstance(value, list):
        return ", ".join(question.choice_label(v, locale) for v in value)
    if question.choices:
        return question.choice_label(value, locale)
    return str(value)


def init_app(app) -> None:
    app.jinja_env.filters.update(t=t, paragraphs=paragraphs, date_nl=date_nl, answer_text=answer_text)
