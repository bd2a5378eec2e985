"""Messages the engine shows to residents, in Dutch, translated by whatever the web layer installs.

The engine (question types, answer checks) must not import Flask, yet its messages reach residents
in their own language. It wraps them in ``_()`` like the rest of the code (so ``make translations``
extracts them); the web layer installs Flask-Babel's ``gettext`` with :func:`install`. Without it,
for example in analysis scripts, messages stay Dutch.
"""
from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str], str] = str


def install(translate: Callable[[str], str]) -> None:
    """Translate engine messages with ``translate`` (message id -> text in the current language)."""
    global _translate
    _translate = translate


def _(message: str, **params) -> str:
    """The message in the current language, with ``%(name)s`` placeholders filled in."""
    text = _translate(message)
    return text % params if params else text
