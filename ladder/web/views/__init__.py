"""The web layer: one blueprint per area, and the helpers they share."""
from __future__ import annotations

def survey_or_404(slug: str):
    """The survey ``slug``, or 404 when no plugin registers it or staff keep it as a draft."""
    from ... import lifecycle
    from ...i18n import _
    from ...registry import registry
    from .errors import SurveyNotFound
    survey = registry().survey(slug)
    if survey is None or lifecycle.of(survey).status == "draft":
        raise SurveyNotFound(_("Deze vragenlijst bestaat niet."))
    return survey
