"""Parts of a page that are the same for every request in one language: rendered once, then reused.

``{% call once("footer") %}...{% endcall %}`` renders its body the first time and keeps the HTML per name, the
language of the translations in effect (which ``force_locale`` changes) and where the app is mounted (the
``url_for`` paths in it). Only for text that depends on nothing else: no request data, no user, no database; a
part that reads one of those passes it in the name (``once("header", staff_page)``) or stays out. A part that
shows a survey's texts is kept with that survey object (``within=survey``, ``Survey.fragments``): a survey's texts
never change, and another survey or a new version is another object, which starts with nothing kept.

A question's markup is kept the same way per value (``question_key``), and a whole question page per everything it
shows (``page_key``), around the one part that is new on every request, the CSRF token (``kept_page``). Only for
values that are no resident's own words, and never for a page with an error, a flashed message or staff signed in.
"""
from __future__ import annotations

import json
from collections import ChainMap

from flask import current_app, request, session
from flask_login import current_user
from jinja2 import Template
from markupsafe import Markup, escape

from ..i18n import shown_locale, wanted_locale

_KEPT = "ladder.fragments"
_KEPT_MAX = 1024  # a few per page, language and step; the bound keeps a process from growing


def once(*name, caller, within=None) -> Markup:
    """What ``caller`` renders, rendered the first time per ``name``, language and mount point, then kept (in
    ``within.fragments`` when given, else by the app)."""
    kept = within.fragments if within is not None else current_app.extensions.setdefault(_KEPT, {})
    key = (name, shown_locale(), request.script_root)
    html = kept.get(key)
    if html is None:
        html = Markup(caller())
        _keep(kept, key, html)
    return html


def _keep(kept: dict, key, value) -> None:
    if len(kept) >= _KEPT_MAX:  # all rendered again after: one step that is safe between threads
        kept.clear()
    kept[key] = value


def kept_page(key, within, token: str | None, render) -> str:
    """A whole page kept with ``within`` per ``key`` (``page_key``), around its one per-request part, the CSRF token:
    the page as ``render()`` makes it, rendered the first time per key and mount point, then put together from the
    kept text and this request's ``token``. Rendered every time when ``key`` is None, and not kept when the token is
    not on the page exactly once."""
    if key is None:
        return render()
    full = ("page", key, token is not None, request.script_root)  # the language is in the key
    parts = within.fragments.get(full)
    if parts is not None:
        return (token or "").join(parts)
    html = render()
    parts = html.split(token) if token else [html]
    if len(parts) == (2 if token else 1):
        _keep(within.fragments, full, tuple(parts))
    return html


def page_key(survey, page, questions, types, stored, reveals, *shown):
    """What a resident's question page shows beyond its survey and the CSRF token, for ``kept_page``, made before
    its form: the page, each question's stored value as its field shows it (``QuestionType.form_data``), the
    conditions revealed on it (which read the answers on other pages), the path and query (the language links, the
    form's action), the language asked for (a notice when the survey lacks it) and ``shown`` (the language shown,
    the step and the number of steps). None when the page shows something of one request or one person: a type
    whose markup is not kept (``QuestionType.keeps_markup``), a value that is not a choice, digits, an area or
    blank, a flashed message, a signed-in member of staff."""
    if "_flashes" in session or current_user.is_authenticated:
        return None
    areas = {a.code for a in survey.areas}
    values = []
    for q in questions:
        qtype = types[q.type]
        if not qtype.keeps_markup:
            return None
        data = qtype.form_data(q, stored[q.id]) if q.id in stored else None
        if not all(_plain(v, q, areas) for v in (data if isinstance(data, list) else (data,))):
            return None
        values.append((q.id, qtype, tuple(data) if isinstance(data, list) else data))
    return (page.id, tuple(values), json.dumps(reveals, sort_keys=True) if reveals else "", request.full_path,
            wanted_locale(), *shown)


class ImportingTemplate(Template):
    """A template whose ``{% import %}`` / ``{% from %}`` finds its cached module without Jinja's set difference
    over all the environment's globals (a ``ChainMap``: about a tenth of a page's rendering, five imports a page).

    Jinja makes a fresh module when the importing context has globals the imported template lacks; when every
    one of them is an environment global (always, in ladder) there are none, which a check in C shows. Any other
    case goes Jinja's own way."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and isinstance(self.globals, ChainMap) and ctx.globals_keys <= self.globals.maps[-1].keys():
            ctx = None  # no globals beyond the environment's: the module Jinja caches is the one it would make
        return super()._get_default_module(ctx)


def question_input_id(q, n: int) -> Markup:
    """The id of a question's ``n``-th input (``input_id`` in questions/_parts.html): ``q-<id>``, then
    ``q-<id>-2`` and on, so a link to the question lands on its first input."""
    return Markup(f"q-{escape(q.id)}-{n}" if n > 1 else f"q-{escape(q.id)}")


def question_key(q, field, qtype):
    """What a question's markup depends on beyond its survey and language, for ``once``: None when it is not to be
    kept. Kept only without an error and with a value that is one of the question's own choices, digits (a position,
    a point of a scale, a whole number) or empty, so no resident's own words are kept (and the kept values are few)."""
    if not qtype.keeps_markup or field.errors or getattr(field, "typed", ""):
        return None
    data = field.data
    values = data if isinstance(data, (list, tuple)) else (data,)
    also = {getattr(c, "value", None) for c in getattr(field, "choices", None) or ()}
    if not all(_plain(v, q, also) for v in values):
        return None
    return (q.id, qtype, tuple(values) if isinstance(data, (list, tuple)) else data)


def _plain(value, q, also=()) -> bool:
    """A value that is no resident's own words: blank, digits, or one of the question's choices or of ``also``."""
    if value is None or value == "":
        return True
    if not isinstance(value, str) or len(value) > 64:
        return False
    return value.isdigit() or any(c.value == value for c in q.choices) or value in also


def init_app(app) -> None:
    app.jinja_env.template_class = ImportingTemplate
    app.jinja_env.globals.update(once=once, question_input_id=question_input_id, question_key=question_key)
