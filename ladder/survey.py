"""Surveys as data: pages of questions, areas, and the survey's own rung logic."""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .conditions import evaluate, questions_in
from .text import Text, pick


@dataclass(frozen=True)
class Choice:
    """One option of a choice, multiple-choice or ranking question."""

    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    """One question; ``type`` names a registered question type (see ``ladder.question_types``)."""

    id: str
    type: str
    label: Text
    required: bool = True
    help: Text = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    show_if: Mapping[str, Any] | None = None
    # Type-specific settings (min, max, min_choices, max_choices, max_length, ...), checked by the type.
    options: Mapping[str, Any] = field(default_factory=dict)

    def choice_label(self, value: str, locale: str | None = None) -> str:
        """Return the label of choice ``value`` in ``locale`` (the value itself if unknown)."""
        from .text import pick
        for c in self.choices:
            if c.value == value:
                return pick(c.label, locale)
        return str(value)


@dataclass(frozen=True)
class Page:
    """Questions shown together on one screen."""

    id: str
    title: Text
    questions: tuple[Question, ...]
    intro: Text = field(default_factory=dict)
    show_if: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Area:
    """A kern, wijk or buurt the survey covers; ``parent`` names a larger area's code."""

    code: str
    name: Text
    kind: str = "kern"
    parent: str | None = None


@dataclass(frozen=True)
class Placement:
    """Where answers place a resident on the survey's ladder for one aspect, and why."""

    aspect: str
    rung: str
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"aspect": self.aspect, "rung": self.rung, "reasons": list(self.reasons)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Placement:
        return cls(aspect=data["aspect"], rung=data["rung"], reasons=tuple(data.get("reasons", ())))


@dataclass(frozen=True)
class Advice:
    """An outcome beside the ladder: a fund check, a kernenfonds route, a stappenplan.

    ``verdict`` is True (meets the rules), False (does not) or None (no yes/no answer, only advice).
    """

    topic: str
    title: str
    verdict: bool | None = None
    reasons: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "title": self.title, "verdict": self.verdict,
                "reasons": list(self.reasons), "steps": list(self.steps)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Advice:
        return cls(topic=data["topic"], title=data["title"], verdict=data.get("verdict"),
                   reasons=tuple(data.get("reasons", ())), steps=tuple(data.get("steps", ())))


@dataclass(frozen=True)
class Offer:
    """The rung the municipality offers in this consultation, and what it promises in words.

    ``aspects`` holds an offer per aspect where it differs from the survey's; ``compare`` names the
    aspects that say how much say the resident *wants* (an aspect such as "how you take part now" is
    not compared with the offer). See docs/survey-files.rst.
    """

    rung: str
    promise: Text
    aspects: Mapping[str, Offer] = field(default_factory=dict)
    compare: tuple[str, ...] | None = None  # None: every aspect

    def for_aspect(self, aspect: str) -> Offer | None:
        """The offer a placement on ``aspect`` is compared with, or None when it is not compared."""
        if aspect in self.aspects:
            return self.aspects[aspect]
        if self.compare is None or aspect in self.compare:
            return self
        return None

    def distinct(self, aspects: Sequence[str] = ()) -> list[tuple[str | None, Offer]]:
        """(aspect or None, offer) pairs to state up front: the survey's own offer, unless every compared
        aspect of ``aspects`` has its own, then each aspect's own."""
        compared = [a for a in aspects if self.compare is None or a in self.compare]
        own = [(a, self.aspects[a]) for a in aspects if a in self.aspects]
        general = not compared or any(a not in self.aspects for a in compared)
        return ([(None, self)] if general else []) + own


# Who answers a survey: residents about their own say, or officials about a plan (the Kompas).
RESPONDENTS = ("residents", "officials")


@dataclass(frozen=True)
class Link:
    """A page where the resident can go next (the result page lists them): a full URL or a path on this site."""

    label: Text
    url: str


@dataclass(frozen=True)
class ResultWording:
    """A survey's own wording for its result page; empty texts mean the resident wording."""

    heading: Text = field(default_factory=dict)
    intro: Text = field(default_factory=dict)
    placement: Text = field(default_factory=dict)  # with {aspect}, {rung}, {level}, {total}


PlaceFn = Callable[[Mapping[str, Any]], Sequence[Placement]]
AdviseFn = Callable[[Mapping[str, Any]], Sequence[Advice]]


@dataclass(frozen=True)
class Survey:
    """A survey definition: what a plugin registers with ``register_surveys``."""

    slug: str
    title: Text
    municipality: str
    intro: Text
    purpose: Text
    retention: Text
    pages: tuple[Page, ...]
    ladder: str = "participatieladder"
    areas: tuple[Area, ...] = ()
    aspects: Mapping[str, Text] = field(default_factory=dict)  # aspect id -> label, e.g. huidig -> "Nu"
    # aspect id -> heading on staff pages, where the label speaks to the resident ("Hoe u nu meedoet")
    staff_aspects: Mapping[str, Text] = field(default_factory=dict)
    next_steps: Text = field(default_factory=dict)  # what happens with the answers
    contact: Text = field(default_factory=dict)  # how to reach the municipality, one sentence ("Bel 14 010.")
    links: tuple[Link, ...] = ()  # pages for a next step: more say, an agreement page, the municipality's site
    audience: Text = field(default_factory=dict)
    minutes: int = 5
    status: str = "open"  # draft, open or closed (staff see concept, open, gesloten); staff can change it later
    opens: date | None = None
    closes: date | None = None
    results_expected: date | None = None  # when residents hear the outcome; staff may set another date
    locales: tuple[str, ...] = ("nl",)
    demographics: Mapping[str, str] = field(default_factory=dict)  # age / sex -> question id
    offer: Offer | None = None  # required for residents' surveys (ladder lint checks it)
    respondents: str = "residents"  # or "officials": the result speaks about a plan, not about them
    result: ResultWording = field(default_factory=ResultWording)
    place: PlaceFn | None = None
    advise: AdviseFn | None = None
    source: str = ""  # file the definition came from, for error messages
    # The version number of a survey made by staff in the browser (ladder/stored_surveys.py); None for a file's.
    version_number: int | None = None
    definition: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def questions(self) -> list[Question]:
        return [q for p in self.pages for q in p.questions]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def staff_aspect(self, aspect: str, locale: str = "nl") -> str:
        """How staff pages name ``aspect``: its ``[staff_aspects]`` heading, else its label, else its id."""
        return pick(self.staff_aspects.get(aspect), locale) or pick(self.aspects.get(aspect), locale) or aspect

    def area(self, code: str) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)

    def now_and_wanted(self) -> tuple[str, str] | None:
        """The aspects whose difference says whether residents want more say than they have: (how
        they take part now, how they want to), or None when the survey has no such pair.

        With an offer, "wanted" is the first aspect compared with it and "now" the first that is not
        (``[offer] compare``); when every aspect is compared (Haarlemmermeer's roles, Zwijndrecht's two
        subjects) they are alike and nothing is "now". Without an offer, the first two aspects.
        """
        aspects = list(self.aspects)
        if len(aspects) < 2:
            return None
        if self.offer is None:
            return aspects[0], aspects[1]
        now = [a for a in aspects if self.offer.for_aspect(a) is None]
        wanted = [a for a in aspects if self.offer.for_aspect(a) is not None]
        return (now[0], wanted[0]) if now and wanted else None

    @functools.cached_property
    def fragments(self) -> dict:
        """Parts of this survey's pages as HTML, kept by ``ladder.web.fragments.once``: they live and die with this
        object, so another survey or a new version (a new object) never finds them."""
        return {}

    @functools.cached_property  # the definition never changes; hashing it cost a JSON dump per submission
    def version(self) -> str:
        """A short hash of the definition's data, stored with each response; ``v2-1a2b3c4d`` for version 2 of a
        survey made in the browser, so exports say which version each answer came from."""
        blob = json.dumps(self.definition, sort_keys=True, default=str, ensure_ascii=False)
        digest = hashlib.sha256(blob.encode()).hexdigest()[:12]
        return f"v{self.version_number}-{digest[:8]}" if self.version_number else digest

    def visible_pages(self, answers: Mapping[str, Any]) -> list[Page]:
        """Pages whose skip logic holds for ``answers`` (with their own hidden questions still in)."""
        return [p for p in self.pages if evaluate(p.show_if, answers)]

    def pages_to_go(self, answers: Mapping[str, Any]) -> list[Page]:
        """Pages shown so far plus those that may still be shown: the honest "stap N van M"."""
        return [p for p in self.pages
                if evaluate(p.show_if, answers) or any(q not in answers for q in questions_in(p.show_if))]

    def visible_questions(self, page: Page, answers: Mapping[str, Any]) -> list[Question]:
        if not evaluate(page.show_if, answers):
            return []
        return [q for q in page.questions if evaluate(q.show_if, answers)]
