"""The staff form for a plan (issue 20): one WTForms class with its plain-Dutch messages.

The offers are a fixed number of rows (the stored ones plus two empty ones), so the form works without
JavaScript; an empty row is left out. Save and come back for more rows.
"""
from __future__ import annotations

from wtforms import (BooleanField, DateField, FieldList, Form, FormField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, ValidationError)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .filters import t
from ..i18n import _l
from ..plans import DECIDERS, KINDS, PHASES, PlanOfferRow
from .staff_forms import StaffForm

EXTRA_ROWS = 2
KIND_LABELS = {"beleidsvoornemen": _l("Nieuw beleid (beleidsvoornemen)"), "project": _l("Project"), "besluit": _l("Besluit")}
PHASE_LABELS = {"idee": _l("Idee"), "voorbereiding": _l("Voorbereiding"), "besluit": _l("Besluit"),
                "uitvoering": _l("Uitvoering"), "evaluatie": _l("Evaluatie")}
DECIDER_LABELS = {"raad": _l("De gemeenteraad"), "college": _l("Burgemeester en wethouders (college)"),
                  "burgemeester": _l("De burgemeester"), "bestuurscommissie": _l("Een bestuurscommissie"),
                  "dorpsraad": _l("De dorpsraad"), "wijkraad": _l("De wijkraad"), "anders": _l("Iemand anders")}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lf(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


TEXT = [_lf, _strip]


class OfferRow(Form):
    """One aspect of the plan and the rung offered on it (no CSRF token of its own: the plan form has one)."""

    # Checked by PlanForm.validate_offers, so the form has one message for the offers, never one per row.
    aspect = StringField(_l("Onderdeel van het plan"), filters=[_strip])
    rung = SelectField(_l("Trede"), validate_choice=False)
    promise = TextAreaField(_l("Wat mogen inwoners verwachten?"), filters=TEXT)
    motivation = TextAreaField(_l("Waarom deze trede?"), filters=TEXT)
    why_not_higher = TextAreaField(_l("Waarom geen hogere trede?"), filters=TEXT)

    def is_empty(self) -> bool:
        return not any((self.aspect.data, self.rung.data, self.promise.data, self.motivation.data,
                        self.why_not_higher.data))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanForm(StaffForm):
    """``PlanForm(ladder=..., surveys=[(slug, title)], municipalities=[...] or None)``."""

    municipality = SelectField(_l("Gemeente"), invalid_choice_message=_l("Kies een gemeente uit de lijst."))
    kind = RadioField(_l("Soort plan"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS],
                      invalid_choice_message=_l("Kies beleidsvoornemen, project of besluit."))
    title = StringField(_l("Naam van het plan"), filters=[_strip], validators=[
        DataRequired(_l("Geef het plan een naam.")), Length(max=200, message=_l("Schrijf hoogstens 200 tekens."))])
    summary = TextAreaField(_l("Waar gaat het plan over?"), filters=TEXT, validators=[
        DataRequired(_l("Schrijf kort waar het plan over gaat.")),
        Length(max=5000, message=_l("Schrijf hoogstens 5000 tekens."))])
    areas = TextAreaField(_l("Gebieden"), filters=TEXT)
    phase = RadioField(_l("Fase"), choices=[SelectChoice(p, PHASE_LABELS[p]) for p in PHASES],
                       invalid_choice_message=_l("Kies de fase van het plan."))
    decider = RadioField(_l("Wie beslist?"), choices=[SelectChoice(d, DECIDER_LABELS[d]) for d in DECIDERS],
                         invalid_choice_message=_l("Kies wie over het plan beslist."))
    offers = FieldList(FormField(OfferRow), min_entries=1 + EXTRA_ROWS)
    involved = TextAreaField(_l("Wie worden betrokken?"), filters=TEXT)
    role_municipality = TextAreaField(_l("Rol van de gemeente"), filters=TEXT)
    initiator = StringField(_l("Initiatiefnemer"), filters=[_strip], validators=[Length(max=200)])
    role_initiator = TextAreaField(_l("Rol van de initiatiefnemer"), filters=TEXT)
    information = TextAreaField(_l("Waar staat meer informatie?"), filters=TEXT)
    how_to_take_part = TextAreaField(_l("Hoe doen inwoners mee?"), filters=TEXT)
    contact = TextAreaField(_l("Contact"), filters=TEXT)
    starts_on = DateField(_l("Meedoen kan vanaf"), validators=[Optional()],
                          invalid_value_message=_l("Schrijf de datum als 2026-12-31."))
    ends_on = DateField(_l("Meedoen kan tot en met"), validators=[Optional()],
                        invalid_value_message=_l("Schrijf de datum als 2026-12-31."))
    decision_on = DateField(_l("Besluit verwacht op"), validators=[Optional()],
                            invalid_value_message=_l("Schrijf de datum als 2026-12-31."))
    compass_code = StringField(_l("Ontvangstcode van het participatiekompas"), filters=[_strip])
    compass_reason = TextAreaField(_l("Waarom kiest u een andere trede dan het kompas adviseert?"), filters=TEXT)
    surveys = MultiCheckboxField(_l("Vragenlijsten bij dit plan"), invalid_choice_message=_l(
        "Kies alleen vragenlijsten van uw eigen gemeente."))
    outcome = TextAreaField(_l("Wat is er met de uitkomsten gedaan?"), filters=TEXT)
    published = BooleanField(_l("Zet het plan in het openbare register"), false_values=(False, "false", "", "nee"))

    def __init__(self, *args, ladder, surveys, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.ladder = ladder
        rungs = [SelectChoice("", _l("Kies een trede"))] + [
            SelectChoice(r.id, f"{r.level}. {t(r.title)}") for r in ladder.rungs]
        for row in self.offers:
            row.rung.choices = rungs
        self.surveys.choices = [SelectChoice(slug, title) for slug, title in surveys]
        self.municipality.choices = [SelectChoice(m, m) for m in municipalities or ()]
        if not municipalities:  # an editor's plan is always of the editor's own municipality
            del self.municipality

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Kies een einddatum na de begindatum."))

    def validate_offers(self, field):
        filled = [row for row in field if not row.is_empty()]
        compass = bool(self.compass_code.data)
        if not filled:
            raise ValidationError(_l("Kies ten minste één trede: wat biedt de gemeente bij dit plan?"))
        top = self.ladder.rungs[-1].id
        for n, row in enumerate(filled):
            if not row.aspect.data or len(row.aspect.data) > 200:
                raise ValidationError(_l("Schrijf bij elke trede in hoogstens 200 tekens over welk onderdeel van het "
                                         "plan het gaat."))
            # The whole plan's rung may be left to the compass: the view fills it in from the receipt code.
            from_compass = n == 0 and compass and not row.rung.data
            if row.rung.data not in self.ladder and not from_compass:
                raise ValidationError(_l("Kies bij elk onderdeel een trede."))
            if not row.motivation.data:
                raise ValidationError(_l("Schrijf bij elke trede waarom de gemeente die kiest."))
            if row.rung.data != top and not row.why_not_higher.data:
                raise ValidationError(_l("Schrijf bij elke trede waarom inwoners niet meer inspraak krijgen."))

    def offer_rows(self) -> list[PlanOfferRow]:
        return [PlanOfferRow(row.aspect.data, row.rung.data, row.promise.data or "", row.motivation.data,
                             row.why_not_higher.data or "") for row in self.offers if not row.is_empty()]

    def area_list(self) -> list[str]:
        seen = dict.fromkeys(a.strip() for a in (self.areas.data or "").splitlines() if a.strip())
        return list(seen)[:200]
