"""Template filters: texts in the resident's language, dates and numbers by Babel, answers in words."""
from __future__ import annotations

from datetime import date, datetime

import flask_babel
from babel import dates as babel_dates, numbers as babel_numbers
from flask import has_app_context
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.widgets import HiddenInput

from ..hyphenation import soft_hyphens
from ..i18n import current_locale
from ..text import DEFAULT_LOCALE, municipality_name, pick


def t(value, locale=None):
    """Pick the text for the resident's language."""
    return pick(value, locale or current_locale())


def paragraphs(value: str, lang: str | None = None) -> Markup:
    """Turn blank-line separated text into paragraphs; with ``lang``, long words get soft hyphens."""
    text = (value or "").replace("\r\n", "\n")  # browsers send a textarea's line breaks as CRLF
    if lang:
        text = soft_hyphens(text, lang)
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return Markup("".join(f"<p>{escape(p)}</p>" for p in parts))


# Dates and numbers are written by Babel (CLDR) in the interface language: 5 maart 2026 and 1.234,5 in Dutch,
# 5 Maart 2026 in Frisian, March 5, 2026 in English. Flask-Babel takes the locale (and time zone) of the request;
# outside an app context, Babel writes Dutch.

def date_nl(value: date | datetime | None, format: str = "long") -> str:
    """A date in words; the name is older than the other languages, the filter follows the interface language."""
    if value is None:
        return ""
    if not has_app_context():
        return babel_dates.format_date(value, format, locale=DEFAULT_LOCALE)
    return flask_babel.format_date(value, format)


def datetime_nl(value: datetime | None, format: str = "short") -> str:
    """A moment, such as 05-03-2026, 14:30."""
    if value is None:
        return ""
    if not has_app_context():
        return babel_dates.format_datetime(value, format, locale=DEFAULT_LOCALE)
    return flask_babel.format_datetime(value, format)


def number(value, format: str | None = None) -> str:
    """A number with the interface language's separators: 12.345 and 0,5 in Dutch."""
    if value is None:
        return ""
    if not has_app_context():
        return babel_numbers.format_decimal(value, format, locale=DEFAULT_LOCALE)
    return flask_babel.format_decimal(value, format)


def percent(value, format: str | None = None) -> str:
    """A fraction as a percentage: 0.833 is 83%."""
    if value is None:
        return ""
    if not has_app_context():
        return babel_numbers.format_percent(value, format, locale=DEFAULT_LOCALE)
    return flask_babel.format_percent(value, format)


def currency(value, code: str = "EUR") -> str:
    """An amount of money: € 1.234,50 in Dutch."""
    if value is None:
        return ""
    if not has_app_context():
        return babel_numbers.format_currency(value, code, locale=DEFAULT_LOCALE)
    return flask_babel.format_currency(value, code)


def answer_text(value, question, survey, locale=None) -> str:
    """An answer as the resident would say it: the question's type knows how."""
    from ..registry import registry
    return registry().type_of(question).answer_text(question, value, survey, locale or current_locale())


def label(value) -> Markup:
    """A published table's text: survey text (a locale table, marked where it falls back to Dutch) or
    interface text kept as its Dutch message id (``ladder.publication``), translated here."""
    from ..i18n import text_in
    if isinstance(value, str):
        return escape(flask_babel.gettext(value) if has_app_context() else value)
    return text_in(value, hyphens=False)  # /r/ tables lay out their own names (ladder.css .table--fit)


LEAD_WORDS = 45  # a start page's intro before the Start button: about five lines on a phone


def lead_and_rest(text: str) -> tuple[str, str]:
    """Split an intro into the part shown before the Start button and the rest, shown after it: whole
    paragraphs, or whole sentences of a long first paragraph, up to about ``LEAD_WORDS`` words."""
    import re
    paragraphs_ = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    if not paragraphs_:
        return "", ""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9ÀÁÂÉÈÊÚÛÔ'\"‘“])", paragraphs_[0])
    lead, words = [], 0
    for sentence in sentences:
        count = len(sentence.split())
        if lead and words + count > LEAD_WORDS:
            break
        lead.append(sentence)
        words += count
    rest = " ".join(sentences[len(lead):])
    return " ".join(lead), "\n\n".join(([rest] if rest else []) + paragraphs_[1:])


def gemeente(municipality: str) -> str:
    """"Gemeente Rotterdam", with the word once."""
    from ..messages import _
    return _("Gemeente %(name)s", name=municipality_name(municipality))


def hidden(field) -> Markup:
    """``{{ form.csrf_token | hidden }}``: a hidden field as WTForms writes it (``{{ form.csrf_token }}``), without
    WTForms' general attribute writer (about a twentieth of a question page's CPU). Any other widget
    or option, or no field (CSRF off), is rendered as before."""
    if not (isinstance(field, Field) and type(field.widget) is HiddenInput and not field.render_kw
            and getattr(field, "_datalist", None) is None and not field.flags.disabled):
        return escape(field)
    return Markup('<input id="%s" name="%s" type="hidden" value="%s">') % (field.id, field.name, field._value())


def init_app(app) -> None:
    app.jinja_env.filters.update(hidden=hidden, label=label, t=t, paragraphs=paragraphs, date_nl=date_nl, answer_text=answer_text,
                                 datetime_nl=datetime_nl, number=number, percent=percent, currency=currency,
                                 gemeente=gemeente, lead_and_rest=lead_and_rest)
