"""The staff forms, one WTForms class each: fields, checks and their plain-Dutch messages in one place.

The views only ask ``staff_form_valid(form)``; the templates render the fields and their errors from the form.
Choices are :class:`~wtforms.fields.choices.SelectChoice` objects (WTForms 3.3 deprecates tuples).
"""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_babel import LazyString, format_decimal, get_locale
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, RadioField, StringField, TextAreaField,
                     ValidationError)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from ..accounts import MIN_PASSWORD_LENGTH
from .filters import t
from ..i18n import _, _l
from ..text import DEFAULT_LOCALE, LOCALES

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


# --- staff texts in the survey's languages (issue 19) ------------------------------------------------------
# Staff write a text residents read (the results text, "U zei, wij doen") in Dutch, and may add it in each other
# language the survey offers: field ``<name>`` is Dutch, ``<name>_fy`` and ``<name>_en`` the translations.
# A missing translation is no error: residents then read the Dutch text, marked lang="nl".

TRANSLATED = tuple(loc for loc in LOCALES if loc != DEFAULT_LOCALE)


def language_name(locale: str) -> str:
    """The name of language ``locale`` in the interface language (CLDR, by Babel): Fries, Frysk, Western Frisian."""
    return get_locale().languages.get(locale, locale)


class Translation:
    """One optional translation of a staff text: empty, or at most ``max_length`` characters. Each message names
    the language, so the error summary tells the fields apart. (NUL and other control characters never get
    here: ``ladder.web.input_guard`` refuses them in every form.)"""

    def __init__(self, locale: str, max_length: int):
        self.locale, self.max_length = locale, max_length

    def __call__(self, form, field):
        language = language_name(self.locale)
        if field.raw_data and field.raw_data[0] and not field.data:  # the filters stripped it to nothing
            raise ValidationError(_("%(language)s: dit vak bevat alleen spaties. Schrijf de tekst of maak het vak "
                                    "leeg.", language=language))
        if len(field.data or "") > self.max_length:
            raise ValidationError(_("%(language)s: schrijf hoogstens %(max)s tekens.", language=language,
                                    max=format_decimal(self.max_length)))


def translation(field_class, locale: str, max_length: int):
    """The field for a text's translation into ``locale``, labelled with the language; line breaks as LF."""
    return field_class(LazyString(language_name, locale), filters=[_lf, _strip],
                       validators=[Translation(locale, max_length)])


class TranslatedForm(StaffForm):
    """A staff form with texts in several languages: beside text field ``<name>`` (Dutch) one field made by
    :func:`translation` for each of :data:`TRANSLATED`, named ``<name>_<locale>``."""

    def in_languages(self, name: str, locales) -> list[tuple[str, object, str]]:
        """(locale, field, language name) of text ``name`` for each language offered, Dutch first."""
        return [(DEFAULT_LOCALE, self[name], language_name(DEFAULT_LOCALE))] + [
            (loc, self[f"{name}_{loc}"], language_name(loc)) for loc in TRANSLATED if loc in locales]

    def translations(self, name: str, locales) -> dict[str, str]:
        """The translations of text ``name`` typed for the languages offered: ``{locale: text}``, none empty."""
        return {loc: self[f"{name}_{loc}"].data for loc in TRANSLATED
                if loc in locales and self[f"{name}_{loc}"].data}

    @staticmethod
    def translation_data(name: str, stored) -> dict[str, str]:
        """Form data for the stored translations ``{locale: text}`` of text ``name``."""
        return {f"{name}_{loc}": text for loc, text in (stored or {}).items() if loc in TRANSLATED}


class LoginForm(StaffForm):
    email = StringField(_l("E-mailadres"), filters=[_strip],
                        validators=[DataRequired(_l("Vul uw e-mailadres in."))])
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(_l("Vul uw wachtwoord in."))])


class SetPasswordForm(StaffForm):
    # The link's code travels after "#", which browsers never send: a script puts it in this field, or the
    # person copies it (issue 24). So it is in no address, log or Referer.
    token = StringField(_l("Code uit de link"), filters=[_strip],
                        validators=[InputRequired(_l("Neem de code uit de link over: alles na het #-teken."))])
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
    # Day, month and year boxes (GOV.UK date input), not a format hint above a browser date picker (issue 23);
    # a single ISO date (2026-12-31, from scripts) still reads.
    opens_on = DateInputField(_l("Open vanaf"), validators=[Optional()],
                              invalid_value_message=_l("Schrijf de begindatum als 2026-12-31."))
    closes_on = DateInputField(_l("Open tot en met"), validators=[Optional()],
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


class PublishForm(TranslatedForm):
    """Report back: ``PublishForm(ladder=...)`` offers the ladder's rungs as the next way to take part."""

    results_text = TextAreaField(_l("Wat doet de gemeente met de uitkomst?"), filters=[_lf, _strip], validators=[
        DataRequired(_l("Schrijf wat de gemeente met de uitkomst doet.")),
        Length(max=MAX_RESULTS_TEXT, message=RESULTS_TEXT_LENGTH)])
    results_text_fy = translation(TextAreaField, "fy", MAX_RESULTS_TEXT)
    results_text_en = translation(TextAreaField, "en", MAX_RESULTS_TEXT)
    next_rung = RadioField(_l("Hoe doen inwoners de volgende keer mee?"),
                           invalid_choice_message=_l("Kies hoe inwoners de volgende keer meedoen."))
    action = StringField(default="publiceren")  # the button pressed: "publiceren" or "intrekken"

    def __init__(self, *args, ladder, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_rung.choices = [
            SelectChoice(rung.id, f"{t(rung.title)}: {t(rung.expectation) or t(rung.municipality)}")
            for rung in ladder.rungs]

