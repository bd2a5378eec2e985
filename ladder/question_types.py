"""Question types: each owns everything about its answers.

A type checks a question's settings when a survey loads, builds the WTForms field and names the
template that renders it, parses raw input from the form and the API alike (one rule for every
channel), publishes the JSON Schema the API enforces, says an answer in words, describes its
columns in the response frame (with labels for the codebook and SPSS), and summarises the answers
to one question for the dashboard, the public results page and the report.

A new type is one class; nothing else in ladder switches on type names. See docs/question_types.rst.
"""
from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .messages import _, current_locale
from .survey import Question, Survey
from .text import pick

if TYPE_CHECKING:
    import pandas as pd
    from wtforms import Field


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is shown to the resident.

    ``item`` names the part of the answer in error (a ranking's row: its choice value), so the
    page can mark that row and not only the question.
    """

    def __init__(self, message: str, item: str | None = None):
        super().__init__(message)
        self.item = item


# --- what a type tells the analysis side ---------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of the response frame that a question fills.

    ``kind`` is ``category`` (``categories`` in order, ``ordered`` for scales), ``boolean``,
    ``integer``, ``float`` or ``text``. ``path`` is where the value sits in the stored answers:
    ``(question_id,)`` or ``(question_id, position)`` for one item of a list. ``convert`` turns the
    stored JSON text into the column's value when the stored value is not the column's value itself
    (multiple choice: a list of choices becomes one yes/no column per choice).
    """

    name: str
    kind: str
    label: str
    path: tuple[str | int, ...]
    categories: tuple[Any, ...] = ()
    ordered: bool = False
    value_labels: Mapping[Any, str] = field(default_factory=dict)
    convert: Callable[[str | None], Any] | None = None


@dataclass
class QuestionSummary:
    """The answers to one question in a table, as the dashboard, ``/r/`` and the report show them.

    ``counts`` names the columns that count people; ``derived`` maps each column computed from
    counts (a share, points, a mean) to the count it comes from, so that small-cell suppression
    hides both. ``chart`` names the column drawn as bars; ``note`` is one line in words (a median).
    """

    question: Question
    table: pd.DataFrame
    answered: int
    counts: tuple[str, ...] = ("count",)
    derived: Mapping[str, str] = field(default_factory=lambda: {"share": "count"})
    chart: str | None = "count"
    note: str = ""
    public: bool = True  # False: not for the public results page (free text is never published)
    # a scale's or number's mean and its standard error (filled by ladder.analysis.question_summaries,
    # which also puts ci_low/ci_high beside share and se beside mean_points in the table)
    mean: float | None = None
    se: float | None = None


# --- the base class ------------------------------------------------------------------------------

class QuestionType:
    """Base for question types; subclasses set ``name`` and override what differs."""

    name: str = ""
    options: frozenset[str] = frozenset()  # allowed keys in Question.options
    needs_choices = False
    gives_area = False  # its answer becomes the response's area
    template = "questions/text.html"  # renders the field; a plugin's type may name its own
    template_folder: str | None = None  # a folder with the type's own templates
    # Its template reads only the question, the type, the survey, the language and, of the field, its value, choices,
    # typed text and errors: a resident's page may keep a question's markup per value (ladder/web/fragments.py).
    keeps_markup = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass that names another template or folder may read anything there: off, unless it says otherwise.
        if ("template" in vars(cls) or "template_folder" in vars(cls)) and "keeps_markup" not in vars(cls):
            cls.keeps_markup = False

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

    # the form
    def field(self, question: Question, survey: Survey, locale: str) -> Field:
        """Return an unbound WTForms field collecting the raw input."""
        from wtforms import StringField
        return StringField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def form_data(self, question: Question, value: Any) -> Any:
        """Return what the field shows again for a stored value."""
        return value

    # the rules
    def parse(self, question: Question, raw: Any, survey: Survey) -> Any:
        """Return the stored value for ``raw`` (None when unanswered), or raise AnswerError."""
        raise NotImplementedError

    def schema(self, question: Question, survey: Survey) -> dict[str, Any]:
        """Return the JSON Schema of the value the API accepts: exactly what ``parse`` accepts."""
        return {"type": "string"}

    def unanswered_schema(self, question: Question, survey: Survey) -> dict[str, Any]:
        """The JSON Schema of the values ``parse`` takes as "not answered" (an optional question allows
        them beside ``schema``). The default matches ``_empty``: null, a blank string, an empty list."""
        return {"anyOf": [{"type": "null"}, {"type": "string", "pattern": "^\\s*$"}, {"const": []}]}

    # words
    def answer_text(self, question: Question, value: Any, survey: Survey, locale: str) -> str:
        """The answer as the resident would say it, for the check page, result page and exports."""
        if value is None or value == [] or value == "":
            return "—"
        return str(value)

    # analysis
    def columns(self, question: Question, survey: Survey, locale: str = "nl") -> list[Column]:
        """The response frame's columns for this question (none: the question is not in the frame)."""
        return [Column(question.id, "text", pick(question.label, locale), (question.id,))]

    def summary(self, question: Question, frame: pd.DataFrame, survey: Survey,
                locale: str = "nl") -> QuestionSummary | None:
        """The answers to ``question`` in ``frame``: how many answered (text is never summarised further)."""
        answered = _answered(frame, self.columns(question, survey, locale))
        import pandas as pd
        table = pd.DataFrame({"label": [_("Beantwoord")], "count": [answered]})
        return QuestionSummary(question, table, answered, derived={}, chart=None, public=True)

    def required_message(self, question: Question) -> str:
        """What to say when a required question is left empty; each type says what to do."""
        return _("Beantwoord deze vraag.")

    # paper (``ladder paper``): boxes for its choices, else lines to write the answer on
    @property
    def paper_layout(self) -> str:
        """How templates/paper/vragenlijst.html draws it: one, many, rank, scale, number, line or lines."""
        return "many" if self.needs_choices else "lines"

    def paper_boxes(self, question: Question, survey: Survey, locale: str) -> list[tuple[str, str]]:
        """The boxes to tick on paper, ``(value, label)`` each: the question's choices (none by default)."""
        return [(c.value, pick(c.label, locale)) for c in question.choices]

    def paper_note(self, question: Question) -> str | None:
        """How to fill the question in on paper, for the resident; None: the layout says it."""
        return None

    # XLSForm (``ladder export-xlsform`` and ``import-xlsform``)
    xlsform_bounds: tuple[str, Mapping[str, str]] | None = None
    """The settings an XLSForm ``constraint`` carries: what it bounds (``self``: the answer, or a function
    of it such as ``string-length``) and which comparison is which setting, ``{">=": "min"}``."""
    xlsform_options: frozenset[str] = frozenset()  # settings XLSForm's own columns carry (not ladder_*)

    def xlsform_row(self, question: Mapping[str, Any], areas: str | None) -> dict[str, Any]:
        """XLSForm's ``type`` (and ``parameters``, ``appearance``) for ``question``, its definition as in
        the survey file; its choices are the list named after its id, the survey's areas the list
        ``areas``. A type XLSForm has no counterpart for is a text question with a ``ladder_type``
        column, which the import reads back."""
        return {"type": "text", "ladder_type": self.name}

    def _required(self, question: Question, empty: bool) -> None:
        if empty and question.required:
            raise AnswerError(self.required_message(question))


class ParsedBy:
    """WTForms validator that applies the question type's parse, the same rule the API uses."""

    def __init__(self, qtype: QuestionType, question: Question, survey: Survey):
        self.qtype, self.question, self.survey = qtype, question, survey

    def __call__(self, form, field):
        from wtforms.validators import ValidationError
        try:
            field.parsed = self.qtype.parse(self.question, field.data, self.survey)
        except AnswerError as exc:
            field.errors[:] = []
            field.error_item = exc.item
            raise ValidationError(str(exc)) from exc


# --- helpers shared by the built-in types -------------------------------------------------------

def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _choices(question: Question, locale: str) -> list:
    from wtforms.fields.choices import SelectChoice
    return [SelectChoice(c.value, pick(c.label, locale)) for c in question.choices]


def _values(question: Question) -> list[str]:
    return [c.value for c in question.choices]


def _choice_labels(question: Question, locale: str) -> dict[Any, str]:
    return {c.value: pick(c.label, locale) for c in question.choices}


def _answered(frame: pd.DataFrame, columns: list[Column]) -> int:
    if not columns or columns[0].name not in frame.columns:
        return 0
    return int(frame[columns[0].name].notna().sum())


def _counts_table(question: Question, frame: pd.DataFrame, column: str, categories, labels) -> tuple:
    """Counts and shares of each category of ``column`` among those who answered."""
    import pandas as pd
    values = frame[column]
    answered = int(values.notna().sum())
    counts = values.value_counts(sort=False).reindex(list(categories), fill_value=0)
    table = pd.DataFrame({"value": [str(v) for v in categories],
                          "label": [labels.get(v, str(v)) for v in categories],
                          "count": counts.to_numpy().astype("int64")})
    table["share"] = table["count"] / answered if answered else float("nan")
    return table, answered


def _text_option(value, locale: str) -> str:
    """A question option that is text: a plain (Dutch) string or a locale table."""
    if isinstance(value, str):
        return value
    return pick(value, locale) if value else ""


# --- the built-in types --------------------------------------------------------------------------

class SingleChoice(QuestionType):
    """One answer from a list: radio buttons."""

    name = "single_choice"
    needs_choices = True
    options = frozenset({"ordered"})  # ordered = true: the choices go from low to high (nooit, soms, vaak)
    template = "questions/choices.html"
    keeps_markup = True
    multiple = False
    paper_layout = "one"

    def paper_note(self, question):
        return _("Kruis één hokje aan.")

    def xlsform_row(self, question, areas):
        return {"type": f"select_one {question['id']}"}

    def check(self, question, survey_areas=()):
        super().check(question, survey_areas)
        if not isinstance(question.options.get("ordered", False), bool):
            raise ValueError("ordered must be true or false")

    def field(self, question, survey, locale):
        from wtforms import RadioField
        return RadioField(pick(question.label, locale), choices=_choices(question, locale),
                          validate_choice=False, validators=[ParsedBy(self, question, survey)])

    def required_message(self, question):
        return _("Kies één antwoord.")

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        if not isinstance(raw, str) or raw not in _values(question):
            raise AnswerError(_("Kies een van de antwoorden."))
        return raw

    def schema(self, question, survey):
        return {"type": "string", "enum": _values(question)}

    def answer_text(self, question, value, survey, locale):
        return "—" if value in (None, "") else question.choice_label(value, locale)

    def columns(self, question, survey, locale="nl"):
        return [Column(question.id, "category", pick(question.label, locale), (question.id,),
                       categories=tuple(_values(question)), ordered=question.options.get("ordered") is True,
                       value_labels=_choice_labels(question, locale))]

    def summary(self, question, frame, survey, locale="nl"):
        col = self.columns(question, survey, locale)[0]
        if col.name not in frame.columns:
            return None
        table, answered = _counts_table(question, frame, col.name, col.categories, col.value_labels)
        return QuestionSummary(question, table, answered)


class MultipleChoice(QuestionType):
    """Any number of answers from a list (``min_choices``, ``max_choices``): check boxes."""

    name = "multiple_choice"
    needs_choices = True
    options = frozenset({"min_choices", "max_choices"})
    template = "questions/choices.html"
    keeps_markup = True
    multiple = True
    paper_layout = "many"
    xlsform_bounds = ("count-selected", {">=": "min_choices", "<=": "max_choices"})
    xlsform_options = frozenset({"min_choices", "max_choices"})

    def paper_note(self, question):
        if question.options.get("max_choices"):
            return _("Kruis hoogstens %(n)s hokjes aan.", n=question.options["max_choices"])
        return _("Kruis aan wat voor u geldt. Meer hokjes mag.")

    def xlsform_row(self, question, areas):
        return {"type": f"select_multiple {question['id']}"}

    def field(self, question, survey, locale):
        from wtforms import SelectMultipleField
        return SelectMultipleField(pick(question.label, locale), choices=_choices(question, locale),
                                   validate_choice=False, validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        if raw is None or raw == "":
            raw = []
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise AnswerError(_("Geef een lijst met antwoorden."))
        self._required(question, not raw)
        known = _values(question)
        if any(v not in known for v in raw):
            raise AnswerError(_("Kies alleen uit de genoemde antwoorden."))
        if len(set(raw)) != len(raw):  # the schema says uniqueItems: a repeat is an error, not dropped
            raise AnswerError(_("Kies elk antwoord hoogstens één keer."))
        chosen = [v for v in known if v in raw]  # definition order
        low, high = question.options.get("min_choices"), question.options.get("max_choices")
        if chosen and ((low and len(chosen) < low) or (high and len(chosen) > high)):
            raise AnswerError(self.how_many(question))
        return chosen or None

    def how_many(self, question) -> str:
        """How many answers to tick, in words: "Kies 1 tot 3 antwoorden."."""
        low, high = question.options.get("min_choices"), question.options.get("max_choices")
        low = low or 1
        if high == low == 1:
            return _("Kies één antwoord.")
        if high and high == low:
            return _("Kies precies %(n)s antwoorden.", n=high)
        if high:
            return _("Kies %(low)s tot %(high)s antwoorden.", low=low, high=high)
        if low > 1:
            return _("Kies minstens %(n)s antwoorden.", n=low)
        return _("Kies minstens één antwoord.")

    def required_message(self, question):
        return self.how_many(question)

    def form_data(self, question, value):
        return value or []

    def schema(self, question, survey):
        schema = {"type": "array", "items": {"type": "string", "enum": _values(question)}, "uniqueItems": True}
        low = question.options.get("min_choices") or (1 if question.required else 0)
        if low:
            schema["minItems"] = low
        if "max_choices" in question.options:
            schema["maxItems"] = question.options["max_choices"]
        return schema

    def unanswered_schema(self, question, survey):
        return {"enum": [None, "", []]}  # parse reads null and "" as []; a blank " " is not a list

    def answer_text(self, question, value, survey, locale):
        return ", ".join(question.choice_label(v, locale) for v in value) if value else "—"

    def columns(self, question, survey, locale="nl"):
        label = pick(question.label, locale)

        def chosen(value):
            def convert(raw):
                return None if raw is None else value in json.loads(raw)
            return convert
        return [Column(f"{question.id}__{c.value}", "boolean", f"{label}: {pick(c.label, locale)}", (question.id,),
                       value_labels={True: "gekozen", False: "niet gekozen"}, convert=chosen(c.value))
                for c in question.choices]

    def summary(self, question, frame, survey, locale="nl"):
        import pandas as pd
        cols = [c for c in self.columns(question, survey, locale) if c.name in frame.columns]
        if not cols:
            return None
        answered = int(frame[cols[0].name].notna().sum())
        counts = [int(frame[c.name].fillna(False).astype(bool).sum()) for c in cols]
        table = pd.DataFrame({"value": _values(question), "label": list(_choice_labels(question, locale).values()),
                              "count": counts})
        # shares of those who answered: they may add up to more than 1
        table["share"] = table["count"] / answered if answered else float("nan")
        return QuestionSummary(question, table, answered)


class Scale(QuestionType):
    """A rating from ``min`` to ``max`` (default 1 to 5), with words for both ends."""

    name = "scale"
    options = frozenset({"min", "max", "min_label", "max_label"})
    template = "questions/scale.html"
    keeps_markup = True
    paper_layout = "scale"
    xlsform_options = frozenset({"min", "max"})

    def paper_boxes(self, question, survey, locale):
        low, high = self.bounds(question)
        return [(str(v), str(v)) for v in range(low, high + 1)]

    def paper_note(self, question):
        return _("Kruis één hokje aan.")

    def xlsform_row(self, question, areas):
        return {"type": "range", "parameters": f"start={question.get('min', 1)} end={question.get('max', 5)} step=1"}

    def bounds(self, question):
        return int(question.options.get("min", 1)), int(question.options.get("max", 5))

    def end_labels(self, question, locale) -> tuple[str, str]:
        return (_text_option(question.options.get("min_label"), locale),
                _text_option(question.options.get("max_label"), locale))

    def check(self, question, survey_areas=()):
        super().check(question, survey_areas)
        low, high = self.bounds(question)
        if not 0 <= low < high <= 10:
            raise ValueError("scale needs 0 <= min < max <= 10")

    def field(self, question, survey, locale):
        from wtforms import RadioField
        from wtforms.fields.choices import SelectChoice
        low, high = self.bounds(question)
        return RadioField(pick(question.label, locale),
                          choices=[SelectChoice(str(i), str(i)) for i in range(low, high + 1)],
                          validate_choice=False, validators=[ParsedBy(self, question, survey)])

    def required_message(self, question):
        low, high = self.bounds(question)
        return _("Kies een getal van %(low)s tot en met %(high)s.", low=low, high=high)

    def points(self, question, locale) -> list[dict[str, Any]]:
        """Each point of the scale with what a screen reader should say: "3 van 5", and the end's
        words on the two ends ("1 van 5, helemaal oneens"), so no point is only a bare number."""
        low, high = self.bounds(question)
        ends = dict(zip((low, high), self.end_labels(question, locale)))
        # the language the end words are in: Dutch when they have no translation (for a lang attribute)
        langs = {i: locale if isinstance(words, Mapping) and locale in words else "nl"
                 for i, words in zip((low, high), (question.options.get("min_label"), question.options.get("max_label")))}
        return [{"value": str(i), "number": str(i), "of": _("van %(high)s", high=high), "end": ends.get(i, ""),
                 "lang": langs.get(i, locale)} for i in range(low, high + 1)]

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        low, high = self.bounds(question)
        if isinstance(raw, float) and raw.is_integer():  # JSON 4.0 is the integer 4, as JSON Schema says
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise self._wrong(low, high)
        if isinstance(raw, str):
            if not re.fullmatch(r"[0-9]{1,2}", raw.strip()):  # ASCII digits only: int() also reads "²"
                raise self._wrong(low, high)
            raw = int(raw.strip())
        if not low <= raw <= high:
            raise self._wrong(low, high)
        return raw

    @staticmethod
    def _wrong(low, high) -> AnswerError:
        # Translated only when an answer is wrong: a gettext call per valid answer was a measurable
        # share of a submission (docs/benchmarks.rst).
        return AnswerError(_("Kies een getal van %(low)s tot en met %(high)s.", low=low, high=high))

    def form_data(self, question, value):
        return None if value is None else str(value)

    def schema(self, question, survey):
        low, high = self.bounds(question)
        # parse also reads the form's text ("3", " 03 "): one or two ASCII digits, blanks around them
        digits = "|".join(f"0?{i}" if i < 10 else str(i) for i in range(low, high + 1) if 0 <= i <= 99)
        return {"anyOf": [{"type": "integer", "minimum": low, "maximum": high},
                          {"type": "string", "pattern": f"^\\s*({digits})\\s*$"}]}

    def value_labels(self, question, locale) -> dict[int, str]:
        low, high = self.bounds(question)
        labels = {i: str(i) for i in range(low, high + 1)}
        for value, words in zip((low, high), self.end_labels(question, locale)):
            if words:
                labels[value] = f"{value} {words}"
        return labels

    def answer_text(self, question, value, survey, locale):
        return "—" if value is None else self.value_labels(question, locale).get(value, str(value))

    def columns(self, question, survey, locale="nl"):
        low, high = self.bounds(question)
        return [Column(question.id, "category", pick(question.label, locale), (question.id,),
                       categories=tuple(range(low, high + 1)), ordered=True,
                       value_labels=self.value_labels(question, locale))]

    def summary(self, question, frame, survey, locale="nl"):
        col = self.columns(question, survey, locale)[0]
        if col.name not in frame.columns:
            return None
        table, answered = _counts_table(question, frame, col.name, col.categories, col.value_labels)
        note = ""
        if answered:
            numbers = frame[col.name].dropna().astype("int64")
            from babel.numbers import format_decimal
            note = _("Mediaan %(median)s, gemiddelde %(mean)s", median=format_decimal(numbers.median(), locale=locale),
                     mean=format_decimal(numbers.mean(), format="#,##0.0", locale=locale))
        return QuestionSummary(question, table, answered, note=note)


class ShortText(QuestionType):
    """A line of text (``max_length``, default 200 characters)."""

    name = "short_text"
    options = frozenset({"max_length"})
    default_max = 200
    template = "questions/text.html"
    keeps_markup = True
    paper_layout = "line"
    xlsform_bounds = ("string-length", {"<=": "max_length"})
    xlsform_options = frozenset({"max_length"})

    def xlsform_row(self, question, areas):
        return {"type": "text"}

    def max_length(self, question):
        return int(question.options.get("max_length", self.default_max))

    def required_message(self, question):
        return _("Vul een antwoord in.")

    def field(self, question, survey, locale):
        from wtforms import StringField
        return StringField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        if raw is not None and not isinstance(raw, str):
            raise AnswerError(_("Geef een tekst."))
        typed = clean_text(raw or "").strip()
        value = unicodedata.normalize("NFC", typed)
        self._required(question, not value)
        if len(typed) > self.max_length(question):  # as typed: NFC may change the count
            raise AnswerError(_("Gebruik hoogstens %(n)s tekens (nu %(used)s).", n=self.max_length(question),
                                used=len(typed)))
        return value or None

    def schema(self, question, survey):
        allowed = "[^" + _FORBIDDEN_CLASS + "]"
        # Required: at least one character that is not a space. Otherwise any allowed characters.
        pattern = f"^{allowed}*[^{_FORBIDDEN_CLASS}\\s]{allowed}*$" if question.required else f"^{allowed}*$"
        return {"type": "string", "maxLength": self.max_length(question), "pattern": pattern}

    def unanswered_schema(self, question, survey):
        return {"type": "null"}  # a blank text is in ``schema`` already; a list is not a text

    def summary(self, question, frame, survey, locale="nl"):
        found = super().summary(question, frame, survey, locale)
        if found is not None:
            found.public = False  # free text can name people: only staff see even the count
        return found


class LongText(ShortText):
    """A few paragraphs (``max_length``, default 2000 characters)."""

    name = "long_text"
    default_max = 2000
    template = "questions/long_text.html"
    keeps_markup = True
    paper_layout = "lines"

    def xlsform_row(self, question, areas):
        return {"type": "text", "appearance": "multiline"}

    def field(self, question, survey, locale):
        from wtforms import TextAreaField
        return TextAreaField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])


# Stored text is Unicode in one form (NFC) without what no database, spreadsheet or screen handles:
# lone surrogates, NUL and other control characters (a newline and a tab are fine).
# In the schema's pattern as the characters themselves, not escapes: schema consumers differ in how
# they read "\\u" in a pattern. Lone surrogates are not in it: they are no Unicode characters, so no
# valid JSON string holds one, but Python's JSON parser lets them through, so parse refuses them too.
_FORBIDDEN_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FORBIDDEN = re.compile("[" + _FORBIDDEN_CLASS + "\ud800-\udfff]")


def clean_text(raw: str) -> str:
    """``raw`` with line breaks as LF; AnswerError if it holds forbidden characters (stored in NFC by the type)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _FORBIDDEN.search(text):
        raise AnswerError(_("Gebruik alleen gewone tekens: deze tekst bevat een onzichtbaar of ongeldig teken."))
    return text


LARGEST = 10**15  # no answer in euros or people is larger; beyond it floats lose whole numbers
EURO_UNITS = ("euro", "euro's", "€")


def money(value, locale: str = "nl") -> str:
    """An amount in euros the way the language writes money: "€ 11.193" in Dutch, "€ 11.193,50" with cents.
    Whole amounts drop the ",00" (a median of whole euros is a whole number of euros more often than not)."""
    from babel import Locale
    from babel.numbers import format_currency
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if float(value) == int(value):
        pattern = pattern.replace(".00", "")
    return format_currency(value, "EUR", format=pattern, locale=locale, currency_digits=False)
_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
_NUMBER = re.compile(r"^-?[0-9]+([.,][0-9]+)?$")


class Number(QuestionType):
    """A number, written the Dutch way or not: 1.500, 1500, 12,5 and 12.5 all read as meant."""

    name = "number"
    options = frozenset({"min", "max", "integer", "unit"})
    template = "questions/number.html"
    keeps_markup = True
    paper_layout = "number"
    xlsform_bounds = ("self", {">=": "min", "<=": "max"})
    xlsform_options = frozenset({"min", "max", "integer"})

    def paper_note(self, question):
        return _("Schrijf een getal.")

    def xlsform_row(self, question, areas):
        return {"type": "integer" if question.get("integer", True) else "decimal"}

    def integer(self, question) -> bool:
        return bool(question.options.get("integer", True))

    @staticmethod
    def amount(question) -> bool:
        """True when the question asks an amount of money (``unit = "euro"``)."""
        return str(question.options.get("unit", "")).lower() in EURO_UNITS

    def example(self, question) -> str:
        """How to write an answer: an amount in euros says so."""
        if self.amount(question):
            return _("Vul een bedrag in euro's in, bijvoorbeeld 1500.")
        if not self.integer(question):
            return _("Vul een getal in, bijvoorbeeld 12,5.")
        return _("Vul een getal in, bijvoorbeeld 1500.")

    def required_message(self, question):
        return self.example(question)

    def field(self, question, survey, locale):
        from wtforms import StringField
        return StringField(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise AnswerError(_("Vul een getal in."))
        if isinstance(raw, str):
            cleaned = raw.strip().replace("€", "").replace(" ", "")
            if _THOUSANDS.match(cleaned):
                cleaned = cleaned.replace(".", "")
            if not _NUMBER.match(cleaned):  # ASCII digits only; no "1e309", "inf" or "nan"
                raise AnswerError(self.example(question))
            raw = float(cleaned.replace(",", "."))
        if not math.isfinite(raw) or abs(raw) > LARGEST:
            raise AnswerError(_("Vul een getal in."))
        if self.integer(question):
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

    def schema(self, question, survey):
        return {"type": "integer" if self.integer(question) else "number",
                "minimum": question.options.get("min", -LARGEST), "maximum": question.options.get("max", LARGEST)}

    def answer_text(self, question, value, survey, locale):
        if value is None:
            return "—"
        if self.amount(question):
            return money(value, locale or "nl")
        unit = question.options.get("unit")
        return f"{value} {unit}" if unit else str(value)

    def columns(self, question, survey, locale="nl"):
        return [Column(question.id, "integer" if self.integer(question) else "float", pick(question.label, locale),
                       (question.id,))]

    def summary(self, question, frame, survey, locale="nl"):
        import pandas as pd
        col = self.columns(question, survey, locale)[0]
        if col.name not in frame.columns:
            return None
        values = frame[col.name].dropna().astype("float64")
        answered = len(values)
        rows = {"label": [_("Beantwoord")], "count": [answered]}
        table = pd.DataFrame(rows)
        note = ""
        if answered:
            from babel.numbers import format_decimal
            median = values.median()
            note = _("Mediaan %(median)s", median=money(median, locale) if self.amount(question)
                     else format_decimal(median, locale=locale))
        return QuestionSummary(question, table, answered, derived={}, chart=None, note=note)


class AreaChoice(QuestionType):
    """Where the resident lives: one of the survey's areas. Its answer is the response's area.

    ``kinds = ["wijk"]`` offers only areas of those kinds (say wijken, not the larger gebieden).
    ``word = "dorp"`` (or a locale table) is the survey's own word for one area, used in the messages
    ("Kies een dorp."); without it, "kern, wijk of buurt".

    Up to ``SHORT`` areas show as radios, up to ``LONG`` as a plain select, more as a select that
    ladder/static/area-picker.js turns into a text box suggesting areas as you type. A larger area offered
    together with areas inside it reads "Ergens anders in <name>" and comes last among them, unless it is the
    whole municipality (kind ``gemeente``), which reads as its own name.
    """

    name = "area"
    options = frozenset({"kinds", "word"})
    gives_area = True
    template = "questions/area.html"
    keeps_markup = True
    paper_layout = "one"

    def paper_boxes(self, question, survey, locale):
        return [(a.code, pick(a.name, locale)) for a in self.offered(question, survey.areas)]

    def paper_note(self, question):
        return _("Kruis één hokje aan.")

    def xlsform_row(self, question, areas):
        return {"type": f"select_one {areas}"}

    SHORT = 7  # up to this many areas: radios (Zwijndrecht's 2)
    LONG = 30  # up to this many: a plain select (Molenwaard's 13); more: the typing picker (Rotterdam's 80)

    def check(self, question, survey_areas=()):
        super().check(question, survey_areas)
        if not survey_areas:
            raise ValueError("an area question needs the survey to list its areas")
        if not self.offered(question, survey_areas):
            raise ValueError(f"no areas of kinds {question.options.get('kinds')} in the survey")
        word = question.options.get("word", "")
        if not (isinstance(word, str) or (isinstance(word, Mapping)
                                          and all(isinstance(v, str) and v for v in word.values()))):
            raise ValueError("word must be text or a table of texts per language (nl, fy, en)")

    def offered(self, question, areas):
        kinds = question.options.get("kinds")
        return [a for a in areas if not kinds or a.kind in kinds]

    def short(self, question, survey) -> bool:
        """Few enough areas to show them all as radios (Zwijndrecht's 2), not a select (Rotterdam's 80)."""
        return len(self.offered(question, survey.areas)) <= self.SHORT

    def typed(self, question, survey) -> bool:
        """So many areas that the resident types to find one (with JavaScript); the select stays without."""
        return len(self.offered(question, survey.areas)) > self.LONG

    def word(self, question, locale: str | None = None) -> str:
        """The survey's word for one area ("dorp", "deel van Rotterdam") in the page's language. A survey that
        has no word in that language gets the general one: a Dutch word in a Frisian sentence mixes languages."""
        own = question.options.get("word")
        own = {"nl": own} if isinstance(own, str) and own else (own or {})
        locale = locale or current_locale()
        return own.get(locale) or _("kern, wijk of buurt")

    def choice_text(self, area, question, survey, locale) -> str:
        """How one area reads as an answer: its name, or "Ergens anders in Centrum" for a larger area offered
        beside areas inside it (the resident's own wijk is not listed)."""
        name = pick(area.name, locale)
        if area.kind != "gemeente" and any(a.parent == area.code for a in self.offered(question, survey.areas)):
            return _("Ergens anders in %(area)s", area=name)
        return name

    def groups(self, question, survey, locale) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """The offered areas grouped by their larger area (a wijk's gebied), in the survey's order:
        [(group name or "", [(code, text, larger area's name or ""), ...]), ...]. Areas without a larger area
        form one group without a name; a larger area offered too comes last in its own group; a single group
        has no name."""
        offered = self.offered(question, survey.areas)
        parents = {a.parent for a in offered if a.parent}
        grouped: dict[str, list[tuple[str, str]]] = {}
        last: dict[str, tuple[str, str]] = {}
        for area in offered:
            group = survey.area(area.parent) if area.parent else (area if area.code in parents else None)
            key = pick(group.name, locale) if group else ""
            entry = (area.code, self.choice_text(area, question, survey, locale), "" if group is area else key)
            if group is area:
                grouped.setdefault(key, [])
                last[key] = entry
            else:
                grouped.setdefault(key, []).append(entry)
        for key, entry in last.items():
            grouped[key].append(entry)
        groups = list(grouped.items())
        return [("", groups[0][1])] if len(groups) == 1 else groups

    def required_message(self, question):
        return _("Kies een %(word)s.", word=self.word(question))

    def field(self, question, survey, locale):
        from wtforms import RadioField
        from wtforms.fields.choices import SelectChoice
        offered = self.offered(question, survey.areas)
        choices = [SelectChoice(a.code, self.label(a, survey, locale, question)) for a in offered]
        if self.short(question, survey):
            return RadioField(pick(question.label, locale), validate_choice=False, choices=choices,
                              validators=[ParsedBy(self, question, survey)])
        placeholder = SelectChoice("", _("Kies een %(word)s", word=self.word(question, locale)))
        return _area_select(pick(question.label, locale), [placeholder, *choices],
                            [ParsedBy(self, question, survey)], functools.partial(self.find, question, survey),
                            _("We vinden geen %(word)s met de naam ‘%(typed)s’. Controleer de naam, of kies uit "
                              "de lijst.", word=self.word(question, locale), typed="{typed}"))

    def find(self, question, survey, typed: str) -> str | None:
        """The code of the one offered area whose name (in any language) or answer text is ``typed``, ignoring
        case, accents, hyphens and spaces ("groot ammers" is Groot-Ammers); None when none or several are."""
        wanted = _loose(typed)
        found = {a.code for a in self.offered(question, survey.areas)
                 if wanted in {_loose(n) for n in a.name.values()}
                 | {_loose(self.choice_text(a, question, survey, current_locale()))}}
        return found.pop() if len(found) == 1 else None

    def label(self, area, survey, locale, question=None):
        """The area as an answer, with its larger area after it when the name does not say it:
        "Bospolder (Delfshaven)", not "Hoofddorp - Floriande (Hoofddorp)"."""
        name = self.choice_text(area, question, survey, locale) if question is not None else pick(area.name, locale)
        parent = survey.area(area.parent) if area.parent else None
        if parent is None or parent.kind == "gemeente" or _loose(pick(parent.name, locale)) in _loose(name):
            return name
        return f"{name} ({pick(parent.name, locale)})"

    def parse(self, question, raw, survey):
        self._required(question, _empty(raw))
        if _empty(raw):
            return None
        if not isinstance(raw, str) or raw not in {a.code for a in self.offered(question, survey.areas)}:
            raise AnswerError(_("Kies een %(word)s uit de lijst.", word=self.word(question)))
        return raw

    def schema(self, question, survey):
        return {"type": "string", "enum": [a.code for a in self.offered(question, survey.areas)],
                "description": "an area code of the survey"}

    def answer_text(self, question, value, survey, locale):
        if value in (None, ""):
            return "—"
        area = survey.area(value)
        return self.choice_text(area, question, survey, locale) if area else str(value)

    def columns(self, question, survey, locale="nl"):
        return []  # the frame's ``area`` column holds it, for every response

    def summary(self, question, frame, survey, locale="nl"):
        if "area" not in frame.columns:
            return None
        offered = self.offered(question, survey.areas)
        labels = {a.code: self.label(a, survey, locale, question) for a in offered}
        table, answered = _counts_table(question, frame, "area", [a.code for a in offered], labels)
        # areas nobody chose are left out (Rotterdam offers 81); the public page has its own table per area
        return QuestionSummary(question, table[table["count"] > 0].reset_index(drop=True), answered, public=False)


def _loose(text: str) -> str:
    """Text for loose comparison: no accents, no case, hyphens and other marks as one space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.split(r"[\W_]+", text)).strip()


def _area_select(label, choices, validators, find, unknown):
    """A select of areas that also reads the text typed into area-picker.js's box (``<name>-typed``).

    The picker fills the select only when the typed text is exactly one area's name; a name typed in
    another way ("groot ammers") is looked up here, and one that names no area is kept for the box to show
    again beside the error, so the resident can correct it instead of starting over."""
    from wtforms import SelectField
    from wtforms.utils import unset_value
    from wtforms.validators import StopValidation

    class AreaSelect(SelectField):
        typed = ""

        def process(self, formdata, data=unset_value, extra_filters=None):
            super().process(formdata, data, extra_filters)
            if formdata is not None:
                self.typed = (formdata.get(f"{self.name}-typed") or "").strip()
                if self.typed and not self.data:
                    self.data = find(self.typed) or ""

        def pre_validate(self, form):
            if self.typed and not self.data:
                raise StopValidation(unknown.replace("{typed}", self.typed))

    return AreaSelect(label, choices=choices, validate_choice=False, validators=validators)


class Ranking(QuestionType):
    """Put items in order. Without JavaScript: a position (1, 2, ...) per item.

    ``top = K`` asks for the K most important only. The stored value lists choice values, most
    important first; the API takes that list directly.
    """

    name = "ranking"
    needs_choices = True
    options = frozenset({"top"})
    template = "questions/ranking.html"
    keeps_markup = True
    paper_layout = "rank"

    def paper_note(self, question):
        if question.options.get("top"):
            return _("Zet een 1 bij wat u het belangrijkst vindt, een 2 bij het volgende, tot en met %(n)s.",
                     n=question.options["top"])
        return _("Zet een 1 bij wat u het belangrijkst vindt, een 2 bij het volgende, enzovoort.")

    def xlsform_row(self, question, areas):
        return {"type": f"rank {question['id']}"}

    def top(self, question):
        return int(question.options.get("top", len(question.choices)))

    def required_message(self, question):
        top = self.top(question)
        if top < len(question.choices):
            return _("Geef de %(n)s belangrijkste onderwerpen een plaats.", n=top)
        return _("Geef elk onderwerp een plaats.")

    def check(self, question, survey_areas=()):
        super().check(question, survey_areas)
        if not 1 <= self.top(question) <= len(question.choices):
            raise ValueError("ranking: top must be between 1 and the number of choices")

    def field(self, question, survey, locale):
        return _ranking_field()(pick(question.label, locale), validators=[ParsedBy(self, question, survey)])

    def parse(self, question, raw, survey):
        values = _values(question)
        top = self.top(question)
        if raw is None or raw == "":
            raw = []
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise AnswerError(_("Geef een volgorde."))
        if len(raw) == len(values) and not set(raw) & set(values):  # the form: a position per item
            raw = self._from_positions(question, raw, values, top)
        if not raw:
            self._required(question, True)
            return None
        if any(v not in values for v in raw) or len(set(raw)) != len(raw):
            raise AnswerError(_("Zet elk onderwerp hoogstens één keer in de volgorde."))
        if len(raw) != top:
            raise AnswerError(_("Zet precies %(n)s onderwerpen op volgorde.", n=top))
        return list(raw)

    def _from_positions(self, question, positions, values, top):
        """The order from a position per item; an error names the row it is about."""
        locale = current_locale()
        ranked = {}
        for value, pos in zip(values, positions):
            if pos.strip() == "":
                continue
            name = question.choice_label(value, locale)
            if not re.fullmatch(r"[0-9]{1,3}", pos.strip()) or not 1 <= int(pos) <= top:  # ASCII digits only
                raise AnswerError(_("Geef ‘%(item)s’ een van de plaatsen 1 tot en met %(n)s.", item=name, n=top),
                                  item=value)
            p = int(pos)
            if p in ranked:
                raise AnswerError(_("Plaats %(p)s staat bij ‘%(first)s’ en bij ‘%(second)s’. Elke plaats mag maar "
                                    "één keer voorkomen.", p=p, first=question.choice_label(ranked[p], locale),
                                    second=name), item=value)
            ranked[p] = value
        if ranked and sorted(ranked) != list(range(1, len(ranked) + 1)):
            missing = min(set(range(1, len(ranked) + 1)) - set(ranked))
            raise AnswerError(_("Plaats %(p)s is leeg. Vul de plaatsen op volgorde in, zonder gaten.", p=missing))
        if ranked and len(ranked) < top:
            raise AnswerError(_("Geef nog een onderwerp plaats %(p)s: zet %(n)s onderwerpen op volgorde.",
                                p=len(ranked) + 1, n=top))
        return [ranked[p] for p in sorted(ranked)]

    def chosen_order(self, question, positions, locale) -> list[str]:
        """The labels in the order the positions give (for "Uw volgorde"), skipping what does not read."""
        ranked = {}
        for choice, pos in zip(question.choices, positions or []):
            if isinstance(pos, str) and re.fullmatch(r"[0-9]{1,3}", pos.strip()):
                ranked.setdefault(int(pos), pick(choice.label, locale))
        return [ranked[p] for p in sorted(ranked)]

    def form_data(self, question, value):
        """Positions per choice, for the selects."""
        order = value or []
        return [str(order.index(c.value) + 1) if c.value in order else "" for c in question.choices]

    def schema(self, question, survey):
        return {"type": "array", "items": {"type": "string", "enum": _values(question)},
                "uniqueItems": True, "minItems": self.top(question), "maxItems": self.top(question)}

    def unanswered_schema(self, question, survey):
        return {"enum": [None, "", []]}

    def answer_text(self, question, value, survey, locale):
        if not value:
            return "—"
        return ", ".join(f"{i}. {question.choice_label(v, locale)}" for i, v in enumerate(value, start=1))

    def columns(self, question, survey, locale="nl"):
        label = pick(question.label, locale)
        labels = _choice_labels(question, locale)
        return [Column(f"{question.id}_{i}", "category", f"{label} (plaats {i})", (question.id, i - 1),
                       categories=tuple(_values(question)), value_labels=labels)
                for i in range(1, self.top(question) + 1)]

    def summary(self, question, frame, survey, locale="nl"):
        positions = [c.name for c in self.columns(question, survey, locale)]
        if not all(p in frame.columns for p in positions):
            return None
        table = borda(frame, positions)
        labels = _choice_labels(question, locale)
        table.insert(1, "label", table["value"].map(labels))
        answered = int(frame[positions[0]].notna().sum())
        return QuestionSummary(question, table, answered, counts=("first", "ranked", "points", "n"),
                               derived={"mean_points": "n"}, chart="points")


def borda(frame: pd.DataFrame, positions: list[str], choices=None) -> pd.DataFrame:
    """Borda points of a ranking from its position columns (most important first).

    With ``k`` positions, position 1 gets ``k`` points, position 2 ``k - 1``, ..., position ``k``
    one point; an unranked item none. Columns: value, points, first (times ranked first), ranked
    (times ranked at all), n (people who gave a ranking), mean_points (points / n); most points first.
    ``choices`` are the items to score (default: the categories of the position columns, or the
    values found in them), each with a row, 0 points included.
    """
    import pandas as pd
    k = len(positions)
    answered = int(frame[positions[0]].notna().sum()) if positions else 0
    if choices is None:
        first = frame[positions[0]] if positions else pd.Series([], dtype=object)
        choices = (list(first.cat.categories) if isinstance(first.dtype, pd.CategoricalDtype)
                   else sorted({v for p in positions for v in frame[p].dropna()}))
    rows = []
    for value in choices:
        at = [(frame[p] == value).fillna(False) for p in positions]
        points = int(sum(int(hits.sum()) * (k - i) for i, hits in enumerate(at)))
        ranked = int(sum(int(hits.sum()) for hits in at))
        rows.append({"value": value, "points": points, "first": int(at[0].sum()), "ranked": ranked, "n": answered})
    table = pd.DataFrame(rows, columns=["value", "points", "first", "ranked", "n"])
    table["mean_points"] = table["points"] / answered if answered else float("nan")
    return table.sort_values(["points", "value"], ascending=[False, True], kind="stable").reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def _ranking_field():
    """A field that collects one position per item: selects that share the field's name."""
    from wtforms import Field

    class RankingField(Field):
        def process_formdata(self, valuelist):
            self.data = list(valuelist)
    return RankingField


BUILTIN_TYPES: tuple[QuestionType, ...] = (
    SingleChoice(), MultipleChoice(), Scale(), ShortText(), LongText(), Number(), AreaChoice(), Ranking(),
)
