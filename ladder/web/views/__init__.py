"""The web layer: one blueprint per area, and the helpers they share."""
from __future__ import annotations

def survey_or_404(slug: str, with_draft: bool = False):
    """The survey ``slug``, or 404 when no plugin registers it or staff keep it as a draft.

    A plugin survey's pages read no stored surveys (``registry_for``): its lifecycle is the one read they need;
    ``with_draft`` reads the browser's draft in the same statement, for a page that needs it (``drafts.current``).
    """
    from ... import drafts, lifecycle
    from ...i18n import _
    from ...registry import registry_for
    from .errors import SurveyNotFound
    survey = registry_for(slug).survey(slug)
    if survey is not None and with_draft:
        drafts.read_with_state(survey)
    if survey is None or lifecycle.of(survey).status == "draft":
        raise SurveyNotFound(_("Deze vragenlijst bestaat niet."))
    return survey
