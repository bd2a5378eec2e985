"""Reporting back to residents: "you said, we did" per topic or question, the results text, when results will
appear, and whether results stay sealed until the survey closes. Staff (editor or admin of the survey's
municipality) write it; ``/r/<slug>``, the resident's result page, the closed page and the participatieverslag
show it. The texts are written in Dutch and, where the survey offers them, in Frisian and English (kept as
``{locale: text}`` beside the Dutch column); the verslag stays Dutch. Every change goes into the audit log
(``ladder.audit.record``) in the same transaction, with the old text in each language.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from . import audit, db
from .models import ReportBackItem, ReportBackSettings
from .text import DEFAULT_LOCALE, Text

MAX_TOPIC = 200
# Results stay sealed until the survey closes unless staff choose otherwise: a table that changes while anyone
# can still answer gives away who answered what (docs/privacy.rst, "Published results").
SEALED_BY_DEFAULT = True
MAX_DECISION = 4000


@dataclass(frozen=True)
class Settings:
    results_expected: date | None
    sealed_until_closed: bool


def items(survey) -> list[ReportBackItem]:
    """The survey's "you said, we did" items, in the order they were written."""
    return list(db.session().scalars(select(ReportBackItem).where(ReportBackItem.survey_slug == survey.slug)
                                     .order_by(ReportBackItem.id)))


def settings(survey) -> Settings:
    """The staff setting, else the survey file's ``results_expected`` (if the survey declares one)."""
    row = db.session().get(ReportBackSettings, survey.slug)
    declared = survey.results_expected  # a date: the survey file's loader checks it
    if row is None:
        return Settings(declared, SEALED_BY_DEFAULT)
    return Settings(row.results_expected or declared, bool(row.sealed_until_closed))


def results_expected(survey) -> date | None:
    """When the municipality says results will appear: for the result and closed pages."""
    return settings(survey).results_expected


def sealed(survey, state, today: date | None = None) -> bool:
    """True while results must stay sealed: the setting is on and the survey has not closed yet."""
    if not settings(survey).sealed_until_closed:
        return False
    today = today or date.today()
    if state.status == "closed":
        return False
    return not (state.closes_on and today > state.closes_on)


def save_settings(survey, expected: date | None, sealed_until_closed: bool) -> None:
    row = db.session().get(ReportBackSettings, survey.slug)
    if row is None:
        row = ReportBackSettings(survey_slug=survey.slug)
        db.session().add(row)
    row.results_expected, row.sealed_until_closed = expected, sealed_until_closed
    audit.record("report-back", survey, f"settings: expected {expected or '-'}, "
                                        f"sealed {'yes' if sealed_until_closed else 'no'}")


def merged(stored: dict | None, typed: dict[str, str], offered) -> dict[str, str] | None:
    """The translations to store: those typed for the languages the form offered, and the stored ones of
    languages it did not (a survey that stops offering one keeps its text); None when there are none."""
    kept = {loc: text for loc, text in (stored or {}).items() if loc not in offered}
    return {**kept, **typed} or None


def _said(topic: Text, decision: Text) -> str:
    """An item for the audit log: Dutch first, then each translation with its language."""
    return " | ".join((f"{loc}: " if loc != DEFAULT_LOCALE else "")
                      + f"{topic.get(loc, '-')[:80]}: {decision.get(loc, '-')[:200]}"
                      for loc in dict.fromkeys([*topic, *decision]))


def _in_languages(text: Text, limit: int = 500) -> str:
    return " | ".join((f"{loc}: " if loc != DEFAULT_LOCALE else "") + value[:limit] for loc, value in text.items())


def save_item(survey, item_id: int | None, topic: str, question_id: str | None, decision: str,
              due_on: date | None, topic_translations: dict[str, str] | None = None,
              decision_translations: dict[str, str] | None = None) -> ReportBackItem | None:
    """Add an item (``item_id`` None) or change one of this survey's; None when there is no such item.
    The translations (``{locale: text}``, from :meth:`ItemForm.translations`) replace those of the survey's
    languages; a language the survey no longer offers keeps its text."""
    s = db.session()
    if item_id is None:
        item = ReportBackItem(survey_slug=survey.slug)
        s.add(item)
    else:
        item = s.get(ReportBackItem, item_id)
        if item is None or item.survey_slug != survey.slug:
            return None
    before = (item.topic_by_locale, item.decision_by_locale, item.due_on)
    item.topic, item.question_id, item.decision, item.due_on = topic, question_id, decision, due_on
    item.topic_translations = merged(item.topic_translations, topic_translations or {}, survey.locales)
    item.decision_translations = merged(item.decision_translations, decision_translations or {}, survey.locales)
    s.flush()
    verb = "added" if item_id is None else "changed"
    audit.record("report-back", survey, f"{verb} item {item.id} (by {due_on or '-'}): "
                 f"{_said(item.topic_by_locale, item.decision_by_locale)}"
                 + ("" if item_id is None else f"; was: (by {before[2] or '-'}): {_said(before[0], before[1])}"))
    return item


def delete_item(survey, item_id: int) -> bool:
    s = db.session()
    item = s.get(ReportBackItem, item_id)
    if item is None or item.survey_slug != survey.slug:
        return False
    audit.record("report-back", survey, f"removed item {item.id}: {_said(item.topic_by_locale, item.decision_by_locale)}")
    s.delete(item)
    return True


def save_results_text(survey, state, text: str, translations: dict[str, str]) -> None:
    """Store the results text (Dutch) and its translations on the survey's state row; a change goes into the
    audit log with the old text in each language."""
    before = state.results_text_by_locale
    state.results_text = text
    state.results_text_translations = merged(state.results_text_translations, translations, survey.locales)
    after = state.results_text_by_locale
    if dict(after) != dict(before):
        audit.record("report-back", survey, f"results text: {_in_languages(after)}"
                     + (f"; was: {_in_languages(before)}" if before else ""))
