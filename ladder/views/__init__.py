"""The web layer: one blueprint per area, and the helpers they share."""
from __future__ import annotations

from flask import current_app, g
from ...registry import plugin_registry


def registry():
    """The plugin registry the current app was built with, with the surveys staff published in the browser
    beside the plugins' (read from the database once per request: ladder/stored_surveys.py)."""
    from ...stored_surveys import with_stored
    if "ladder_registry" not in g:
        g.ladder_registry = with_stored(plugin_registry())
    return g.ladder_registry


def registry_for(slug: str):
    """The registry that holds ``slug``: the plugins' own when it is a plugin survey (no stored survey can take
    a plugin's slug, so the database need not be read: a submission stays one statement), else
    :func:`registry`."""
    plugins = plugin_registry()
    return plugins if slug in plugins.surveys else registry()


def survey_or_404(slug: str):
    """The survey ``slug``, or 404 when no plugin registers it or staff keep it as a draft.

    A plugin survey's pages read no stored surveys (``registry_for``): its lifecycle is the one read they need."""
    from ... import lifecycle
    from ...i18n import _
    from .errors import SurveyNotFound
    survey = registry_for(slug).survey(slug)
    if survey is None or lifecycle.of(survey).status == "draft":
        raise SurveyNotFound(_("Deze vragenlijst bestaat niet."))
    return survey
