"""The one way to reach the registry of the app in context, for pages and commands alike.

``create_app`` builds the registry (``ladder.plugins.load_registry``) and hands it to :func:`attach`; every
other module asks :func:`registry` (the plugins' surveys and the ones staff published in the browser) or
:func:`plugin_registry` (the plugins' own, without reading the database). ``tests/test_structure.py`` fails
on any other spelling, such as ``current_app.extensions["ladder"]``.
"""
from __future__ import annotations

from flask import current_app, g

_KEY = "ladder"


def attach(app, registry) -> None:
    """Make ``registry`` the one ``app``'s pages and commands reach."""
    app.extensions[_KEY] = registry


def plugin_registry(app=None):
    """The registry ``app`` (default: the current app) was built with: the plugins' surveys only."""
    return (app or current_app).extensions[_KEY]


def registry():
    """The plugin registry the current app was built with, with the surveys staff published in the browser
    beside the plugins' (read from the database once per request: ladder/stored_surveys.py)."""
    from .stored_surveys import with_stored
    if "ladder_registry" not in g:
        g.ladder_registry = with_stored(plugin_registry())
    return g.ladder_registry


def registry_for(slug: str):
    """The registry that holds ``slug``: the plugins' own when it is a plugin survey (no stored survey can take
    a plugin's slug, so the database need not be read: a submission stays one statement), else
    :func:`registry`."""
    plugins = plugin_registry()
    return plugins if slug in plugins.surveys else registry()
