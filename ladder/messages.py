"""Messages the engine shows to residents, in Dutch, translated by whatever the web layer installs.

The engine (question types, answer checks) must not import Flask, yet its messages reach residents
in their own language. It wraps them in ``_()`` like the rest of the code (so ``make translations``
extracts them); the web layer installs Flask-Babel's ``gettext`` with :func:`install`. Without it,
for example in analysis scripts, messages stay Dutch.
"""
from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str], str] = str
_locale: Callable[[], str] = lambda: "nl"


def install(translate: Callable[[str], str], locale: Callable[[], str] | None = None) -> None:
    """Translate engine messages with ``translate`` (message id -> text in the current language);
    ``locale`` tells the current language, for messages that quote survey text (a ranking's row)."""
    global _translate, _locale
    _translate = translate
    if locale is not None:
        _locale = locale


def current_locale() -> str:
    """The language messages are shown in: Dutch outside the web layer."""
    return _locale()


def _(message: str, **params) -> str:
    """The message in the current language, with ``%(name)s`` placeholders filled in."""
    text = _translate(message)
    return text % params if params else text


def N_(message: str) -> str:
    """Mark ``message`` for ``make translations`` where it is defined (a table); translated where it is shown."""
    return message
