"""The staff forms of the report back ("you said, we did"): its items and its settings. What they store is
ladder/report_back.py."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..i18n import _l
from ..models import ReportBackItem
from ..report_back import MAX_DECISION, MAX_TOPIC
from ..text import DEFAULT_LOCALE, pick
from .staff_forms import DateInputField, TranslatedForm, language_name, translation


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lf(value):
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class ItemForm(TranslatedForm):
    """One "you said, we did" item: ``ItemForm(survey=...)`` offers the survey's questions as topics."""

    question = SelectField(_l("Over welke vraag gaat het?"), validate_choice=True)
    topic = StringField(_l("Onderwerp"), filters=[_strip], validators=[
        DataRequired(_l("Vul een onderwerp in.")),
        Length(max=MAX_TOPIC, message=_l("Gebruik voor het onderwerp hoogstens 200 tekens."))])
    topic_fy = translation(StringField, "fy", MAX_TOPIC)
    topic_en = translation(StringField, "en", MAX_TOPIC)
    decision = TextAreaField(_l("Wat doet de gemeente ermee?"), filters=[_lf], validators=[
        DataRequired(_l("Schrijf wat de gemeente met de uitkomst doet.")),
        Length(max=MAX_DECISION, message=_l("Schrijf hoogstens 4000 tekens."))])
    decision_fy = translation(TextAreaField, "fy", MAX_DECISION)
    decision_en = translation(TextAreaField, "en", MAX_DECISION)
    due_on = DateInputField(_l("Wanneer is dat klaar?"), validators=[Optional()],
                       invalid_value_message=_l("Schrijf de datum als 2027-03-31."))

    @classmethod
    def data_of(cls, item: ReportBackItem) -> dict:
        """The form's data for a stored item, every language included."""
        return {"topic": item.topic, "question": item.question_id or "", "decision": item.decision,
                "due_on": item.due_on, **cls.translation_data("topic", item.topic_translations),
                **cls.translation_data("decision", item.decision_translations)}

    @staticmethod
    def missing_languages(item: ReportBackItem, locales) -> list[str]:
        """The names of the survey's languages this item lacks a topic or decision in (for the staff list)."""
        return [language_name(loc) for loc in locales if loc != DEFAULT_LOCALE
                and (loc not in item.topic_by_locale or loc not in item.decision_by_locale)]

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question.choices = [SelectChoice("", _l("Geen vraag: een eigen onderwerp"))] + [
            SelectChoice(q.id, pick(q.label)) for q in (survey.questions if survey else ())]


class SettingsForm(FlaskForm):
    results_expected = DateInputField(_l("Wanneer komen de uitkomsten?"), validators=[Optional()],
                                 invalid_value_message=_l("Schrijf de datum als 2027-03-31."))
    sealed_until_closed = BooleanField(_l("Uitkomsten pas laten zien als de vragenlijst gesloten is"),
                                       false_values=("", "nee", "false"))
