"""Interface language: Dutch by default, Frisian and English where the survey (or the site) offers them.

Interface strings are written in Dutch in the source and wrapped in ``_()``; Dutch needs no
catalogue, so a missing or broken translation falls back to plain Dutch, never to code words.

The interface language is always one the page offers: on a survey's pages one of the survey's
``locales``, elsewhere one of the site's (``LOCALES`` in the configuration). A resident who chose
Frysk on a Frisian survey keeps that choice in the session, but a Dutch-only survey still shows
Dutch buttons around its Dutch questions, under ``<html lang="nl">``.
"""
from __future__ import annotations

import functools
from urllib.parse import urlencode

from babel import Locale
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask.sessions import NullSession
from flask_babel import Babel, force_locale, get_locale, get_translations, gettext, lazy_gettext
from jinja2 import pass_context
from markupsafe import Markup, escape

from . import messages
from .hyphenation import soft_hyphens
from .text import DEFAULT_LOCALE, LOCALES, pick

try:  # Flask-Babel's per-request namespace (where force_locale and refresh keep the locale)
    from flask_babel import _get_current_context as _flask_babel_context
except ImportError:  # another Flask-Babel: look the translations up on every string, as it does itself
    def _flask_babel_context():
        return None


def _babel_context():
    """Flask-Babel's namespace on ``g``, as ``flask_babel._get_current_context`` finds it, in one look-up of
    ``g`` instead of three (it is asked for on every string of a page)."""
    if not has_app_context():
        return None
    found = getattr(g._get_current_object(), "_flask_babel", None)
    return found if found is not None else _flask_babel_context()

_ = gettext
_l = lazy_gettext

NAMES = {"nl": "Nederlands", "fy": "Frysk", "en": "English"}  # each language in its own words


def offered_locales() -> tuple[str, ...]:
    """The languages this page can be read in: the survey's on a survey page, else the site's."""
    if not has_request_context():
        return (DEFAULT_LOCALE,)
    if request.view_args is None:  # before routing the survey is not known yet: decide again later
        return _offered()
    # Asked for about six times a page: worked out once per request (kept with the request itself, not on ``g``,
    # which requests made inside one app context share).
    kept = request.environ.get(_OFFERED)
    if kept is None:
        kept = request.environ[_OFFERED] = _offered()
    return kept


_OFFERED = "ladder.i18n.offered_locales"


def _offered() -> tuple[str, ...]:
    site = tuple(loc for loc in current_app.config.get("LOCALES", LOCALES) if loc in LOCALES) or (DEFAULT_LOCALE,)
    slug = (request.view_args or {}).get("slug")
    survey = None
    if slug:
        from .stored_surveys import with_stored
        found = current_app.extensions.get("ladder")
        if found is not None:  # a plugin's slug is never a stored survey's: no database read for it
            survey = found.surveys.get(slug) or with_stored(found).surveys.get(slug)
    return tuple(survey.locales) if survey is not None else site


def current_locale() -> str:
    """The interface language: ?lang=, then the session's choice, then Dutch; always one offered here."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if "locale" in g:
        return g.locale
    chosen = request.args.get("lang")
    if chosen in LOCALES and not isinstance(session, NullSession):  # the API has no cookie session
        session["locale"] = chosen
    wanted = chosen if chosen in LOCALES else session.get("locale", DEFAULT_LOCALE)
    locale = wanted if wanted in offered_locales() else DEFAULT_LOCALE
    if request.view_args is not None:  # before routing the survey is not known yet: decide again later
        g.locale = locale
    return locale


def wanted_locale() -> str:
    """The language the resident chose (?lang=, then the session), whether or not this page has it."""
    if not has_request_context():
        return DEFAULT_LOCALE
    chosen = request.args.get("lang")
    if chosen in LOCALES:
        return chosen
    return session.get("locale", DEFAULT_LOCALE) if not isinstance(session, NullSession) else DEFAULT_LOCALE


def fallback_notice() -> Markup:
    """On a page shown in Dutch because its survey lacks the resident's language: say so, in that language
    and marked with its ``lang`` (issue 21). Empty otherwise."""
    wanted, shown = wanted_locale(), current_locale()
    if wanted == shown or wanted in offered_locales():
        return Markup("")
    with force_locale(wanted):
        message = gettext("Deze vragenlijst is er niet in uw taal. U leest hem daarom in het Nederlands.")
    return Markup('<p class="notice language-fallback" lang="%s">%s</p>') % (wanted, message)


def switch_url(code: str) -> str:
    """This page in language ``code``: the same path and query, with ``lang`` set."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
    return f"{request.path}?{urlencode(args)}"


def text_in(value, locale: str | None = None, hyphens: bool = True) -> Markup:
    """Survey text in ``locale``; text that falls back to Dutch is marked ``lang="nl"`` (WCAG 3.1.2). Long words
    get soft hyphens in the language they are in (``ladder.hyphenation``), unless ``hyphens`` is false.

    For visible text only: in an attribute or ``<title>`` use the plain ``t`` filter.
    """
    locale = locale or current_locale()
    shown = pick(value, locale)
    if not shown:
        return escape(shown)
    lang = lang_of(value, locale)
    if hyphens:
        shown = soft_hyphens(shown, lang)
    if lang != locale:
        return Markup('<span lang="%s">%s</span>') % (lang, shown)
    return escape(shown)


def lang_of(value, locale: str | None = None) -> str:
    """The language survey text ``value`` is shown in for ``locale`` (for a ``lang`` attribute on a block)."""
    locale = locale or current_locale()
    if isinstance(value, str) or not value:
        return DEFAULT_LOCALE
    if locale in value:
        return locale
    return DEFAULT_LOCALE if DEFAULT_LOCALE in value else next(iter(value))


def init_app(app) -> None:
    """Attach Flask-Babel with the resident's language choice."""
    Babel(app, locale_selector=_babel_locale, default_locale=DEFAULT_LOCALE)
    # The templates' _() and ngettext: the same translations as Flask-Babel's, found once per request.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals["_"] = _template_gettext
    messages.install(_engine_gettext, current_locale)
    app.jinja_env.globals.update(current_locale=current_locale, offered_locales=offered_locales,
                                 switch_url=switch_url, LOCALES=NAMES, fallback_notice=fallback_notice,
                                 wanted_locale=wanted_locale)
    app.jinja_env.filters.update(tl=text_in, lang_of=lang_of)


def _babel_locale() -> Locale:
    """``current_locale`` as the Babel locale Flask-Babel asks for once per request: parsed once per language, not
    on every request (Flask-Babel parses a selector's text each time, about a twentieth of a question page)."""
    return _parsed(current_locale())


@functools.cache
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


@pass_context
def _template_gettext(context, message: str, **variables):
    """The templates' ``_()``, as Jinja's newstyle ``gettext`` installed above does it (translated, Markup when
    autoescaping, always %-formatted with its variables), without the two layers Jinja's ``_`` alias adds on every
    string (a look-up of ``gettext`` in the context and a call through it)."""
    text = _translations().ugettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def _translations():
    """Flask-Babel's translations for this request's language, looked up once per request and language.

    Flask-Babel looks up the request's context, domain, locale and catalogue on every string (about a dozen
    strings a page). The catalogue itself is loaded once per process by Flask-Babel; this keeps the one found
    beside the locale it is for on Flask-Babel's own per-request context, which ``force_locale`` and
    ``refresh`` change, so a forced or refreshed language is followed."""
    kept = _kept()
    return kept[1] if kept is not None else get_translations()


def shown_locale() -> str:
    """The language the interface strings are translated into right now (``force_locale`` included)."""
    kept = _kept()
    return kept[2] if kept is not None else str(get_locale())


def _kept():
    """(locale, translations, locale's code) kept on Flask-Babel's context for its current locale; None outside one."""
    ctx = _babel_context()
    if ctx is None:
        return None
    kept = getattr(ctx, _KEPT, None)
    if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
        return kept
    translations = get_translations()  # sets ctx.babel_locale
    locale = getattr(ctx, "babel_locale", None)
    kept = (locale, translations, str(locale))
    setattr(ctx, _KEPT, kept)
    return kept


_KEPT = "ladder_translations"


def _engine_gettext(message: str) -> str:
    """The engine's messages in the resident's language during a request; Dutch outside one."""
    return gettext(message) if has_request_context() else message
