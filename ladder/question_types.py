"""Question types: each builds its WTForms field and turns raw input into a stored answer.

The HTML form and the JSON API both call ``QuestionType.parse``: one set of rules for every channel.
"""
from __future__ import annotations

import re
from typing import Any

from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .i18n import _
from .survey import Question, Survey
from .text import pick


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is shown to the resident."""


class QuestionType:
    """Base for question types; subclasses set ``name`` and override what differs."""

    name: str = ""
    options: frozenset[str] = frozenset()  # allowed keys in Question.options
    needs_choices = False

    def check(self, question: Question, survey_areas=()) -> None:
        """Raise ValueError if the question's settings do not fit this type (at load time)."""
        unknown = set(question.options) - self.options
        if unknown:
            raise ValueError(f"unknown setting {sorted(unknown)[0]!r} for type {self.name!r}"
                             f" (allowed: {', '.join(sorted(self.options)) or 'none'})")
        if self.needs_choices and not question.choices:
            raise ValueError(f"type {self.name!r} needs choices")
        if not self.needs_choices and question.choices:
            raise ValueError(f"type {self.name!r} takes no choices")

    def field(self, question: Question, survey: Survey, locale: str) -> Field:
        """Return an unbound WTForms field collecting the raw input."""
        return StringField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def parse(self, question: Question, raw: Any, survey: Survey) -> Any:
        """Return the stored value for ``raw`` (None when unanswered), or raise AnswerError."""
        raise NotImplementedError

    def form_data(self, question: Question, value: Any) -> Any:
        """Return what the field shows again for a stored value."""
        return value

    def schema(self, question: Question) -> dict[str, Any]:
        """Return the JSON Schema of the value the API accepts."""
        return {"type": "string"}

    def _required(self, question: Question, empty: bool) -> None:
        if empty and question.required:
            raise AnswerError(_("Beantwoord deze vraag."))


class ParsedBy:
    """WTForms validator that applies the question type's parse, the same rule the API uses."""

    def __init__(self, qtype: QuestionType, question: Question, survey: Survey):
        self.qtype, self.question, self.survey = qtype, question, survey

    def __call__(self, form, field):
        try:
            field.parsed = self.qtype.parse(self.question, field.data, self.survey)
        except AnswerError as exc:
            field.errors[:] = []
            raise ValidationError(str(exc)) from exc


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _choices(question: Question, locale: str) -> list[tuple[str, str]]:
    return [(c.value, pick(c.label, locale)) for c in question.choices]


class SingleChoice(QuestionType):
    name = "single_choice"
    needs_choices = True

    def field(self, question, survey, locale):
        return RadioField(pick(question.label, locale), choices=_choices(question, locale),
                          validate_choice=False, validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        if raw not in {c.value for c in question.choices}:
            raise AnswerError(_("Kies een van de antwoorden."))
        return raw

    def schema(self, question):
        return {"type": "string", "enum": [c.value for c in question.choices]}


class MultipleChoice(QuestionType):
    name = "multiple_choice"
    needs_choices = True
    options = frozenset({"min_choices", "max_choices"})

    def field(self, question, survey, locale):
        return SelectMultipleField(pick(question.label, locale), choices=_choices(question, locale),
                                   validate_choice=False, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(), validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        if raw is None or raw == "":
            raw = []
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise AnswerError(_("Geef een lijst met antwoorden."))
        self._required(question, not raw)
        known = [c.value for c in question.choices]
        if any(v not in known for v in raw):
            raise AnswerError(_("Kies alleen uit de genoemde antwoorden."))
        chosen = [v for v in known if v in raw]  # definition order, no duplicates
        low, high = question.options.get("min_choices"), question.options.get("max_choices")
        if chosen and low and len(chosen) < low:
            raise AnswerError(_("Kies er minstens %(n)s.", n=low))
        if high and len(chosen) > high:
            raise AnswerError(_("Kies er hoogstens %(n)s.", n=high))
        return chosen or None

    def form_data(self, question, value):
        return value or []

    def schema(self, question):
        schema = {"type": "array", "items": {"type": "string", "enum": [c.value for c in question.choices]},
                  "uniqueItems": True}
        if "max_choices" in question.options:
            schema["maxItems"] = question.options["max_choices"]
        return schema


class Scale(QuestionType):
    """A rating from ``min`` to ``max`` (default 1 to 5), with words for both ends."""

    name = "scale"
    options = frozenset({"min", "max", "min_label", "max_label"})

    def bounds(self, question):
        return int(question.options.get("min", 1)), int(question.options.get("max", 5))

    def check(self, question, survey_areas=()):
        super().check(question, survey_areas)
        low, high = self.bounds(question)
        if not 0 <= low < high <= 10:
            raise ValueError("scale needs 0 <= min < max <= 10")

    def field(self, question, survey, locale):
        low, high = self.bounds(question)
        return RadioField(pick(question.label, locale), choices=[(str(i), str(i)) for i in range(low, high + 1)],
                          validate_choice=False, validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        low, high = self.bounds(question)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise AnswerError(_("Kies een getal van %(low)s tot en met %(high)s.", low=low, high=high)) from None
        if isinstance(raw, float | bool) or not low <= value <= high:
            raise AnswerError(_("Kies een getal van %(low)s tot en met %(high)s.", low=low, high=high))
        return value

    def form_data(self, question, value):
        return None if value is None else str(value)

    def schema(self, question):
        low, high = self.bounds(question)
        return {"type": "integer", "minimum": low, "maximum": high}


class ShortText(QuestionType):
    name = "short_text"
    options = frozenset({"max_length"})
    default_max = 200

    def max_length(self, question):
        return int(question.options.get("max_length", self.default_max))

    def field(self, question, survey, locale):
        return StringField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        if raw is not None and not isinstance(raw, str):
            raise AnswerError(_("Geef een tekst."))
        value = (raw or "").strip()
        self._required(question, not value)
        if len(value) > self.max_length(question):
            raise AnswerError(_("Gebruik hoogstens %(n)s tekens (nu %(used)s).", n=self.max_length(question),
                                used=len(value)))
        return value or None

    def schema(self, question):
        return {"type": "string", "maxLength": self.max_length(question)}


class LongText(ShortText):
    name = "long_text"
    default_max = 2000

    def field(self, question, survey, locale):
        return TextAreaField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])


_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


class Number(QuestionType):
    """A number, written the Dutch way or not: 1.500, 1500, 12,5 and 12.5 all read as meant."""

    name = "number"
    options = frozenset({"min", "max", "integer", "unit"})

    def field(self, question, survey, locale):
        return StringField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        if isinstance(raw, bool):
            raise AnswerError(_("Vul een getal in."))
        if isinstance(raw, str):
            cleaned = raw.strip().replace("€", "").replace(" ", "")
            if _THOUSANDS.match(cleaned):
                cleaned = cleaned.replace(".", "")
            cleaned = cleaned.replace(",", ".")
            try:
                raw = float(cleaned)
            except ValueError:
                raise AnswerError(_("Vul een getal in, bijvoorbeeld 1500.")) from None
        if not isinstance(raw, int | float) or raw != raw or raw in (float("inf"), float("-inf")):
            raise AnswerError(_("Vul een getal in."))
        integer = question.options.get("integer", True)
        if integer:
            if raw != int(raw):
                raise AnswerError(_("Vul een heel getal in."))
            raw = int(raw)
        low, high = question.options.get("min"), question.options.get("max")
        if low is not None and raw < low:
            raise AnswerError(_("Vul een getal in van minstens %(n)s.", n=low))
        if high is not None and raw > high:
            raise AnswerError(_("Vul een getal in van hoogstens %(n)s.", n=high))
        return raw

    def form_data(self, question, value):
        return None if value is None else str(value)

    def schema(self, question):
        schema = {"type": "integer" if question.options.get("integer", True) else "number"}
        if "min" in question.options:
            schema["minimum"] = question.options["min"]
        if "max" in question.options:
            schema["maximum"] = question.options["max"]
        return schema


class AreaChoice(QuestionType):
    """Where the resident lives: one of the survey's areas. Its answer is the response's area.

    ``kinds = ["wijk"]`` offers only areas of those kinds (say wijken, not the larger gebieden).
    """

    name = "area"
    options = frozenset({"kinds"})

    def check(self, question, survey_areas=()):
        super().check(question, survey_areas)
        if not survey_areas:
            raise ValueError("an area question needs the survey to list its areas")
        if not self.offered(question, survey_areas):
            raise ValueError(f"no areas of kinds {question.options.get('kinds')} in the survey")

    def offered(self, question, areas):
        kinds = question.options.get("kinds")
        return [a for a in areas if not kinds or a.kind in kinds]

    def field(self, question, survey, locale):
        choices = [("", _("Kies uw kern, wijk of buurt"))]
        choices += [(a.code, self.label(a, survey, locale)) for a in self.offered(question, survey.areas)]
        return SelectField(pick(question.label, locale), choices=choices, validate_choice=False,
                           validators=[ParsedBy(self, question, survey)])

    @staticmethod
    def label(area, survey, locale):
        """The area's name, with its larger area after it: "Bospolder (Delfshaven)"."""
        parent = survey.area(area.parent) if area.parent else None
        name = pick(area.name, locale)
        return f"{name} ({pick(parent.name, locale)})" if parent else name

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        if raw not in {a.code for a in self.offered(question, survey.areas)}:
            raise AnswerError(_("Kies een kern, wijk of buurt uit de lijst."))
        return raw

    def schema(self, question):
        return {"type": "string", "description": "an area code of the survey"}


class RankingField(Field):
    """Collects one position per item: selects that share the field's name, one per choice."""

    def process_formdata(self, valuelist):
        self.data = list(valuelist)


class Ranking(QuestionType):
    """Put items in order. Without JavaScript: a position (1, 2, ...) per item.

    ``top = K`` asks for the K most important only. The stored value lists choice values, most
    important first; the API takes that list directly.
    """

    name = "ranking"
    needs_choices = True
    options = frozenset({"top"})

    def top(self, question):
        return int(question.options.get("top", len(question.choices)))

    def check(self, question, survey_areas=()):
        super().check(question, survey_areas)
        if not 1 <= self.top(question) <= len(question.choices):
            raise ValueError("ranking: top must be between 1 and the number of choices")

    def field(self, question, survey, locale):
        return RankingField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        values = [c.value for c in question.choices]
        top = self.top(question)
        if raw is None or raw == "":
            raw = []
        if not isinstance(raw, list):
            raise AnswerError(_("Geef een volgorde."))
        if len(raw) == len(values) and all(isinstance(p, str) and (p == "" or p.isdigit()) for p in raw) \
                and not set(raw) & set(values):
            raw = self._from_positions(raw, values, top)
        if not raw:
            self._required(question, True)
            return None
        if any(v not in values for v in raw) or len(set(raw)) != len(raw):
            raise AnswerError(_("Zet elk onderwerp hoogstens één keer in de volgorde."))
        if len(raw) != top:
            raise AnswerError(_("Zet precies %(n)s onderwerpen op volgorde.", n=top))
        return list(raw)

    def _from_positions(self, positions, values, top):
        ranked = {}
        for value, pos in zip(values, positions):
            if pos == "":
                continue
            p = int(pos)
            if not 1 <= p <= top:
                raise AnswerError(_("Gebruik de plaatsen 1 tot en met %(n)s.", n=top))
            if p in ranked:
                raise AnswerError(_("Elke plaats mag maar één keer voorkomen (plaats %(p)s staat er vaker).", p=p))
            ranked[p] = value
        if ranked and sorted(ranked) != list(range(1, len(ranked) + 1)):
            raise AnswerError(_("Vul de plaatsen op volgorde in, zonder gaten."))
        return [ranked[p] for p in sorted(ranked)]

    def form_data(self, question, value):
        """Positions per choice, for the selects."""
        order = value or []
        return [str(order.index(c.value) + 1) if c.value in order else "" for c in question.choices]

    def schema(self, question):
        return {"type": "array", "items": {"type": "string", "enum": [c.value for c in question.choices]},
                "uniqueItems": True, "minItems": self.top(question), "maxItems": self.top(question)}


BUILTIN_TYPES: tuple[QuestionType, ...] = (
    SingleChoice(), MultipleChoice(), Scale(), ShortText(), LongText(), Number(), AreaChoice(), Ranking(),
)

