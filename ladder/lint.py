"""Check a survey's texts and shape for its authors: ``ladder lint [SLUG|FILE]``.

Pure engine code: a Survey in, findings out. Errors make ``ladder lint`` exit non-zero (for CI); warnings
are advice. What is checked (see docs/survey-files.rst, "Checking a survey file"):

- ``offer``: a residents' survey says which rung the municipality offers (``[offer]``), on the survey's ladder;
- ``translation``: every text exists in every language the survey declares (``locales``);
- ``sentence-long`` / ``sentences-average``: plain Dutch (B1) keeps sentences short: at most 25 words each,
  15 on average over the survey;
- ``jargon``: words from the jargon list (``lint_jargon.toml``), each with a plain alternative;
- ``heading-repeated``: two pages with the same title;
- ``question-in-title``: a page title that repeats a question on it;
- ``options-overlap`` / ``options-duplicate``: answer options that are not mutually exclusive by a simple
  check (overlapping numeric ranges, the same label twice).

A readability score (Flesch reading ease, Douma's Dutch version, via ``textstat``) is reported per survey
when textstat is installed; it is information, not a finding.
"""
from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .survey import Survey
from .text import LOCALES

MAX_WORDS = 25  # words in one sentence
AVERAGE_WORDS = 15  # words per sentence over the survey's prose
JARGON_FILE = Path(__file__).with_name("lint_jargon.toml")

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One thing to fix (error) or to consider (warning), with where it is in the survey file."""

    level: str
    code: str
    where: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code, "where": self.where, "message": self.message}


@dataclass
class Report:
    """The findings for one survey, with its sentence statistics and readability score."""

    slug: str
    source: str
    findings: list[Finding] = field(default_factory=list)
    sentences: int = 0
    average_words: float = 0.0
    longest: int = 0
    readability: float | None = None  # Flesch-Douma reading ease of the Dutch prose; higher is easier

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    def to_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "source": self.source, "errors": len(self.errors), "warnings": len(self.warnings),
                "sentences": self.sentences, "average_words": round(self.average_words, 1), "longest": self.longest,
                "readability": None if self.readability is None else round(self.readability, 1),
                "findings": [f.to_dict() for f in self.findings]}


# ------------------------------------------------------------------------------------------ the texts
@dataclass(frozen=True)
class Piece:
    """One text of the survey: where it is, what kind (prose is checked for sentence length) and its value."""

    where: str
    kind: str  # "prose", "label", "title", "choice", "name"
    text: Mapping[str, str]


def _is_text(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and set(value) <= set(LOCALES)


def pieces(survey: Survey) -> Iterator[Piece]:
    """Every text of the survey, in file order, with its place in the file."""
    yield Piece("title", "title", survey.title)
    for key in ("intro", "purpose", "retention", "next_steps", "contact", "audience"):
        value = getattr(survey, key)
        if value:
            yield Piece(key, "prose", value)
    for i, link in enumerate(survey.links):
        yield Piece(f"links[{i}].label", "label", link.label)
    for aspect, label in survey.aspects.items():
        yield Piece(f"aspects.{aspect}", "title", label)
    if survey.offer is not None:
        yield Piece("offer.promise", "prose", survey.offer.promise)
        for aspect, offered in survey.offer.aspects.items():
            yield Piece(f"offer.aspects.{aspect}.promise", "prose", offered.promise)
    for key in ("heading", "intro", "placement"):
        value = getattr(survey.result, key)
        if value:
            yield Piece(f"result.{key}", "title" if key == "heading" else "prose", value)
    for area in survey.areas:
        yield Piece(f"areas.{area.code}.name", "name", area.name)
    for page in survey.pages:
        where = f"pages.{page.id}"
        yield Piece(f"{where}.title", "title", page.title)
        if page.intro:
            yield Piece(f"{where}.intro", "prose", page.intro)
        for q in page.questions:
            qwhere = f"{where}.questions.{q.id}"
            yield Piece(f"{qwhere}.label", "label", q.label)
            if q.help:
                yield Piece(f"{qwhere}.help", "prose", q.help)
            for choice in q.choices:
                yield Piece(f"{qwhere}.choices.{choice.value}", "choice", choice.label)
            for key, value in q.options.items():
                if _is_text(value):
                    yield Piece(f"{qwhere}.{key}", "label", value)
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, Mapping) and _is_text(item.get("label")):
                            yield Piece(f"{qwhere}.{key}[{i}].label", "choice", item["label"])


# ------------------------------------------------------------------------------------------ sentences
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z])|\n\s*\n|\n(?=\s*[-*•]\s)")
_WORD = re.compile(r"\w", re.UNICODE)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: split after . ! ? and at blank lines and list items."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and _WORD.search(s)]


def words(sentence: str) -> int:
    """Words in ``sentence``: runs without spaces that hold a letter or digit (so "€ 1.000" is one word)."""
    return sum(1 for token in sentence.split() if _WORD.search(token))


# ------------------------------------------------------------------------------------------ jargon
def load_jargon(path: str | Path = JARGON_FILE) -> dict[str, str]:
    """The jargon list: word or phrase -> plain alternative."""
    with Path(path).open("rb") as fh:
        data = tomllib.load(fh)
    table = data.get("words", {})
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise ValueError(f"{path}: [words] must be a table of word = plain alternative")
    return table


def _jargon_patterns(jargon: Mapping[str, str]) -> list[tuple[re.Pattern, str, str]]:
    return [(re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE), word, plain)
            for word, plain in jargon.items()]


# ------------------------------------------------------------------------------------------ options
_NUMBER = r"(?:€\s*)?(\d+(?:[.,]\d+)*)"
_RANGES = [  # (pattern, (low inclusive, high inclusive) or the kind of open range)
    (re.compile(rf"{_NUMBER}\s*(?:-|–|—|t/m|tot en met)\s*{_NUMBER}"), "closed"),
    (re.compile(rf"{_NUMBER}\s*tot\s*{_NUMBER}"), "half-open"),
    (re.compile(rf"(?:jonger|minder|lager|kleiner)\s+dan\s+{_NUMBER}"), "below"),
    (re.compile(rf"^(?:tot|onder)\s+{_NUMBER}"), "below"),
    (re.compile(rf"(?:ouder|meer|hoger|groter)\s+dan\s+{_NUMBER}"), "above"),
    (re.compile(rf"{_NUMBER}\s*(?:\+|(?:jaar\s+)?(?:of|en)\s+(?:ouder|meer|hoger|langer))"), "from"),
    (re.compile(rf"(?:vanaf|minstens)\s+{_NUMBER}"), "from"),
]


def _number(raw: str) -> float:
    """A Dutch number: "1.500" is fifteen hundred, "2,5" two and a half."""
    return float(raw.replace(".", "").replace(",", "."))


def numeric_range(label: str) -> tuple[float, bool, float, bool] | None:
    """The range a label names as (low, low included, high, high included), or None when it names none."""
    label = label.lower()
    for pattern, kind in _RANGES:
        m = pattern.search(label)
        if not m:
            continue
        if kind == "closed":
            return _number(m.group(1)), True, _number(m.group(2)), True
        if kind == "half-open":
            return _number(m.group(1)), True, _number(m.group(2)), False
        if kind == "below":
            return -math.inf, False, _number(m.group(1)), False
        if kind == "above":
            return _number(m.group(1)), False, math.inf, False
        return _number(m.group(1)), True, math.inf, False
    return None


def overlap(a: tuple[float, bool, float, bool], b: tuple[float, bool, float, bool]) -> bool:
    """True when two ranges share a number."""
    (alo, alo_in, ahi, ahi_in), (blo, blo_in, bhi, bhi_in) = a, b
    lo, lo_in = (alo, alo_in) if (alo, not alo_in) > (blo, not blo_in) else (blo, blo_in)
    hi, hi_in = (ahi, ahi_in) if (ahi, ahi_in) < (bhi, bhi_in) else (bhi, bhi_in)
    return lo < hi or (lo == hi and lo_in and hi_in)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# ------------------------------------------------------------------------------------------ checks
def lint(survey: Survey, *, ladders: Mapping[str, Any] | None = None, jargon: Mapping[str, str] | None = None,
         readability: bool = True) -> Report:
    """Check ``survey``; ``ladders`` (id -> Ladder) lets the offered rung be checked against its ladder."""
    report = Report(slug=survey.slug, source=survey.source)
    add = report.findings.append
    all_pieces = list(pieces(survey))

    # The offered rung: the point of the participation ladder is to say how much say residents get.
    if survey.respondents == "residents" and survey.offer is None:
        add(Finding(ERROR, "offer", "offer", "a residents' survey must say which rung the municipality offers: "
                                             "add [offer] with rung and promise"))
    if survey.offer is not None and ladders is not None and survey.ladder in ladders:
        ladder = ladders[survey.ladder]
        offered = [("offer.rung", survey.offer)] + [(f"offer.aspects.{a}.rung", o) for a, o in survey.offer.aspects.items()]
        for where, offer in offered:
            if offer.rung not in ladder:
                add(Finding(ERROR, "offer", where, f"the ladder {survey.ladder!r} has no rung {offer.rung!r}"))

    # Translations: a declared language must be complete, or residents get a page in two languages.
    for piece in all_pieces:
        for locale in survey.locales:
            if not piece.text.get(locale, "").strip():
                add(Finding(ERROR, "translation", f"{piece.where}.{locale}",
                            f"no {locale!r} text, though the survey offers {locale!r} (locales)"))

    # Sentence length, in the Dutch prose and labels.
    counts = []
    for piece in all_pieces:
        if piece.kind not in ("prose", "label"):
            continue
        for sentence in sentences(piece.text.get("nl", "")):
            n = words(sentence)
            counts.append(n)
            if n > MAX_WORDS:
                add(Finding(ERROR, "sentence-long", piece.where,
                            f"a sentence of {n} words (at most {MAX_WORDS}): {_quote(sentence)}"))
    report.sentences = len(counts)
    report.average_words = sum(counts) / len(counts) if counts else 0.0
    report.longest = max(counts, default=0)
    if report.average_words > AVERAGE_WORDS:
        add(Finding(ERROR, "sentences-average", "-", f"sentences have {report.average_words:.1f} words on average "
                                                      f"(at most {AVERAGE_WORDS}): split the longest ones"))

    # Jargon, with the plain word to use instead.
    patterns = _jargon_patterns(load_jargon() if jargon is None else jargon)
    for piece in all_pieces:
        value = piece.text.get("nl", "")
        for pattern, word, plain in patterns:
            if pattern.search(value):
                add(Finding(WARNING, "jargon", piece.where, f"{word!r}: write {plain!r}"))

    # The start page puts "Vragen?" before the contact sentence: "Vragen? Vragen? Bel ..." (or "Vragen? Heeft u
    # vragen? ...") asks twice.
    if any(sentences(text)[:1] and sentences(text)[0].rstrip().endswith("?") for text in survey.contact.values()):
        add(Finding(WARNING, "contact-question", "contact",
                    "start with how to reach the municipality (\"Bel 14 010.\"): the page asks \"Vragen?\" already"))

    # Headings: each page its own title, and not a copy of its question. The pages as written in the file:
    # a page shown one question at a time keeps its one title on purpose.
    seen: dict[str, str] = {}
    for page_id, page_title, labels in _file_pages(survey):
        title = _normal(page_title)
        if title in seen:
            add(Finding(ERROR, "heading-repeated", f"pages.{page_id}.title",
                        f"the same title as page {seen[title]!r}: give each page its own heading"))
        seen.setdefault(title, page_id)
        for qid, text in labels:
            label = _normal(text)
            if title and label and (label.startswith(title) or title.startswith(label)):
                add(Finding(WARNING, "question-in-title", f"pages.{page_id}.title",
                            f"the page title repeats question {qid!r}: make the question the heading, "
                            "or give the page a title of its own"))

    # Options that exclude each other.
    for page in survey.pages:
        for q in page.questions:
            if not q.choices:
                continue
            where = f"pages.{page.id}.questions.{q.id}.choices"
            for locale in survey.locales:
                labels = [_normal(c.label.get(locale, "")) for c in q.choices]
                doubles = sorted({lab for lab in labels if lab and labels.count(lab) > 1})
                if doubles:
                    add(Finding(ERROR, "options-duplicate", where, f"the same option twice ({locale}): {doubles[0]!r}"))
            ranges = [(c.value, numeric_range(c.label.get("nl", ""))) for c in q.choices]
            ranges = [(value, r) for value, r in ranges if r is not None]
            for i, (first, a) in enumerate(ranges):
                for second, b in ranges[i + 1:]:
                    if overlap(a, b):
                        add(Finding(ERROR, "options-overlap", where,
                                    f"options {first!r} and {second!r} overlap: one answer fits both"))

    if readability:
        report.readability = reading_ease(" ".join(p.text.get("nl", "") for p in all_pieces
                                                   if p.kind in ("prose", "label")))
    return report


def _dutch(value: Any) -> str:
    if isinstance(value, str):
        return value
    return value.get("nl", "") if isinstance(value, Mapping) else ""


def _file_pages(survey: Survey) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(page id, Dutch title, [(question id, Dutch label)]) per page as the file writes it."""
    raw = survey.definition.get("pages") if survey.definition else None
    if isinstance(raw, list) and all(isinstance(p, Mapping) for p in raw):
        return [(str(p.get("id", "?")), _dutch(p.get("title")),
                 [(str(q.get("id", "?")), _dutch(q.get("label"))) for q in p.get("questions", [])
                  if isinstance(q, Mapping)]) for p in raw]
    return [(p.id, p.title.get("nl", ""), [(q.id, q.label.get("nl", "")) for q in p.questions])
            for p in survey.pages]


def reading_ease(text: str) -> float | None:
    """Flesch reading ease for Dutch (Douma) by textstat; None without textstat or text."""
    try:
        import textstat
    except ImportError:  # optional: the checks above do not need it
        return None
    if not text.strip():
        return None
    textstat.set_lang("nl")
    return float(textstat.flesch_reading_ease(text))


def _quote(sentence: str, limit: int = 80) -> str:
    one_line = " ".join(sentence.split())
    return f"“{one_line[:limit]}…”" if len(one_line) > limit else f"“{one_line}”"


def summary(reports: Iterable[Report]) -> dict[str, int]:
    reports = list(reports)
    return {"surveys": len(reports), "errors": sum(len(r.errors) for r in reports),
            "warnings": sum(len(r.warnings) for r in reports)}
