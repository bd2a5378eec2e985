"""The staff forms, one WTForms class each: fields, checks and their plain-Dutch messages in one place.

The views only ask ``staff_form_valid(form)``; the templates render the fields and their errors from the form.
Choices are :class:`~wtforms.fields.choices.SelectChoice` objects (WTForms 3.3 deprecates tuples).
"""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_babel import LazyString, format_decimal
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, RadioField, StringField, TextAreaField,
                     ValidationError)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from .auth import MIN_PASSWORD_LENGTH
from .filters import t
from .i18n import _, _l

MAX_CODES = 100_000
MAX_RESULTS_TEXT = 5000
# Lazy, so the number is written in the interface language when the message is shown: 100.000 in Dutch.
CODES_COUNT = LazyString(lambda: _("Vul een aantal codes in van 1 tot en met %(max)s.", max=format_decimal(MAX_CODES)))
RESULTS_TEXT_LENGTH = LazyString(lambda: _("Schrijf hoogstens %(max)s tekens.", max=format_decimal(MAX_RESULTS_TEXT)))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lf(value):
    """Browsers send a text area's line breaks as CRLF; store LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def staff_form_valid(form: FlaskForm) -> bool:
    """``validate_on_submit``, except that a missing or wrong CSRF token is a 400, never a field error."""
    valid = form.validate_on_submit()
    token = getattr(form, "csrf_token", None)
    if token is not None and token.errors:
        abort(400)
    return valid


def field_errors(form: FlaskForm) -> list[str]:
    """The first message of each field with errors, in the order of the form, as plain strings (for ``flash``)."""
    return [str(field.errors[0]) for field in form if field.name != "csrf_token" and field.errors]


class DateInputField(DateField):
    """A date as three boxes, day, month and year (the GOV.UK date-input pattern): no browser date picker and no
    format to learn. The boxes come as ``<name>-dag``, ``-maand`` and ``-jaar``; a single ``<name>`` in ISO form
    (2027-03-31, from scripts and older pages) is read as before. Render it with ``staff/_date_input.html``."""

    PARTS = ("dag", "maand", "jaar")

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self.parts = dict.fromkeys(self.PARTS, "")
        if isinstance(self.data, date):
            self.parts = {"dag": str(self.data.day), "maand": str(self.data.month), "jaar": str(self.data.year)}
        if formdata is None or not any(f"{self.name}-{part}" in formdata for part in self.PARTS):
            return
        self.parts = {part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.PARTS}
        self.raw_data = [" ".join(self.parts.values()).strip()]  # empty when all three are: Optional() stops there
        self.data = None
        self.process_errors = []
        if not self.raw_data[0]:
            return
        try:
            day, month, year = (int(self.parts[p]) for p in self.PARTS)
            if len(self.parts["jaar"]) != 4:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.process_errors.append(_l("Schrijf de datum als dag, maand en jaar, bijvoorbeeld 31 3 2027."))


class StaffForm(FlaskForm):
    """Shared by the staff forms: the aria attributes of an input, from its hints and its errors."""

    def aria(self, field, *hints: str) -> dict[str, str]:
        ids = [*hints, f"{field.id}-error"] if field.errors else list(hints)
        attrs = {"aria-describedby": " ".join(ids)} if ids else {}
        if field.errors:
            attrs["aria-invalid"] = "true"
        return attrs


class LoginForm(StaffForm):
    email = StringField(_l("E-mailadres"), filters=[_strip],
                        validators=[DataRequired(_l("Vul uw e-mailadres in."))])
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(_l("Vul uw wachtwoord in."))])


class SetPasswordForm(StaffForm):
    # The mismatch is told at the first field, where the summary leads; it is checked before the length.
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[
        InputRequired(_l("Kies een wachtwoord.")),
        EqualTo("password_again", _l("De twee wachtwoorden zijn niet gelijk.")),
        Length(min=MIN_PASSWORD_LENGTH, message=_l("Gebruik minstens %(min)d tekens."))])
    password_again = PasswordField(_l("Nog een keer"))


# In the order of lifecycle.STATUSES.
STATUS_CHOICES = [SelectChoice("draft", _l("Concept: alleen zichtbaar voor medewerkers")),
                  SelectChoice("open", _l("Open voor antwoorden")),
                  SelectChoice("closed", _l("Gesloten"))]


class StatusForm(StaffForm):
    status = RadioField(_l("Status"), choices=STATUS_CHOICES,
                        invalid_choice_message=_l("Kies concept, open of gesloten."))
    opens_on = DateField(_l("Open vanaf"), validators=[Optional()],
                         invalid_value_message=_l("Schrijf de begindatum als 2026-12-31."))
    closes_on = DateField(_l("Open tot en met"), validators=[Optional()],
                          invalid_value_message=_l("Schrijf de einddatum als 2026-12-31."))
    invite_only = BooleanField(_l("Alleen met een uitnodigingscode"), false_values=(False, "false", "", "nee"))

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("Kies een einddatum na de begindatum."))


class CodesForm(StaffForm):
    count = IntegerField(_l("Aantal codes"), default=100, invalid_value_message=CODES_COUNT,
                         validators=[InputRequired(CODES_COUNT), NumberRange(1, MAX_CODES, CODES_COUNT)])


class WithdrawForm(StaffForm):
    code = StringField(_l("Ontvangstcode van de inwoner"), filters=[_strip],
                       validators=[DataRequired(_l("Vul de ontvangstcode van de inwoner in."))])


class DeleteForm(StaffForm):
    """Confirm by typing the survey's name: ``DeleteForm(slug=...)``."""

    confirm = StringField(_l("Typ ter bevestiging"), filters=[_strip])

    def __init__(self, *args, slug: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug = slug

    def validate_confirm(self, field):
        if field.data != self.slug:
            raise ValidationError(_("Typ de naam van de vragenlijst (%(slug)s) om te bevestigen.", slug=self.slug))


class PublishForm(StaffForm):
    """Report back: ``PublishForm(ladder=...)`` offers the ladder's rungs as the next way to take part."""

    results_text = TextAreaField(_l("Wat doet de gemeente met de uitkomst?"), filters=[_lf, _strip], validators=[
        DataRequired(_l("Schrijf wat de gemeente met de uitkomst doet.")),
        Length(max=MAX_RESULTS_TEXT, message=RESULTS_TEXT_LENGTH)])
    next_rung = RadioField(_l("Hoe doen inwoners de volgende keer mee?"),
                           invalid_choice_message=_l("Kies hoe inwoners de volgende keer meedoen."))
    action = StringField(default="publiceren")  # the button pressed: "publiceren" or "intrekken"

    def __init__(self, *args, ladder, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_rung.choices = [
            SelectChoice(rung.id, f"{t(rung.title)}: {t(rung.expectation) or t(rung.municipality)}")
            for rung in ladder.rungs]
