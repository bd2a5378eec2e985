"""A printable survey (``ladder paper`` and the staff download): numbered questions, boxes to tick, skip
instructions in words, the offered rung, the return address, large print, and an invite code per letter.

Rendered from ``templates/paper/`` to PDF with WeasyPrint. Staff key the returned forms in with the entry
screen (ladder/web/views/entry.py), so the question numbers here are the order the entry screen shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import force_locale

from . import invites, lifecycle
from .conditions import chosen_values, operators_of
from .i18n import _
from .text import pick

CSS = Path(__file__).parent / "templates" / "paper" / "paper.css"

@dataclass
class PaperQuestion:
    number: int
    question: Any
    layout: str
    boxes: list[tuple[str, str]]  # (value, label)
    only_if: str | None = None  # "Beantwoord deze vraag alleen als ..." in words
    skips: list[str] = field(default_factory=list)  # "Antwoordde u Nee? Ga dan naar vraag 7."
    note: str | None = None  # how to fill it in: one box, more boxes, numbers ...


def numbered(survey) -> dict[str, int]:
    """Question id -> its number on paper, 1 upwards in the survey's order."""
    return {q.id: i for i, q in enumerate(survey.questions, start=1)}


def _label(survey, qid, value, locale):
    question = survey.question(qid)
    if question.choices:
        return question.choice_label(value, locale)
    area = survey.area(value) if isinstance(value, str) else None  # an area question's answer
    return pick(area.name, locale) if area else str(value)


def in_words(cond, survey, numbers, locale) -> str:
    """A condition as a phrase that completes "... alleen als ..."."""
    if "all" in cond:
        return _(" en ").join(in_words(c, survey, numbers, locale) for c in cond["all"])
    if "any" in cond:
        return _(" of ").join(in_words(c, survey, numbers, locale) for c in cond["any"])
    if "not" in cond:
        return _("het volgende niet geldt: %(what)s", what=in_words(cond["not"], survey, numbers, locale))
    qid = cond["question"]
    n = numbers.get(qid, "?")
    parts = []
    for op, value in operators_of(cond):
        answers = _(" of ").join(f"‘{_label(survey, qid, v, locale)}’" for v in value) if op.listed else None
        answer = None if op.listed else _label(survey, qid, value, locale)
        words = op.paper if value or not op.paper_not else op.paper_not
        parts.append(_(words, n=n, answer=answer, answers=answers, value=value))
    return _(" en ").join(parts)


def _simple_skips(survey, numbers, locale) -> dict[str, list[str]]:
    """Skip instructions for conditions that ask for some answers of a choice question (equals or in). The
    instruction stands at the question just before the first question that depends on it: "Antwoordde u
    ‘Nee’? Ga dan naar vraag 7." there, when that is the choice question itself; otherwise it names it:
    "Antwoordde u bij vraag 2 ‘Nooit’? Ga dan naar vraag 9." Questions in between are for everyone."""
    order = [(page, q) for page in survey.pages for q in page.questions]
    skips: dict[str, list[str]] = {}
    done = set()
    for page in survey.pages:
        for cond in [page.show_if, *(q.show_if for q in page.questions)]:
            wanted = chosen_values(cond)
            if wanted is None or repr(cond) in done:
                continue
            done.add(repr(cond))
            source = survey.question(cond["question"])
            others = [c for c in source.choices if c.value not in wanted]
            if not source.choices or not others:
                continue
            dependent = [i for i, (p, q) in enumerate(order) if p.show_if == cond or q.show_if == cond]
            first = dependent[0]
            if first == 0:
                continue
            target = next((numbers[q.id] for p, q in order[first:] if p.show_if != cond and q.show_if != cond), None)
            answers = _(" of ").join(f"‘{pick(c.label, locale)}’" for c in others)
            before = order[first - 1][1]
            if before.id == source.id:
                text = (_("Antwoordde u %(answers)s? Ga dan naar vraag %(n)s.", answers=answers, n=target) if target
                        else _("Antwoordde u %(answers)s? Dan bent u klaar met de vragen.", answers=answers))
            else:
                asked = numbers[source.id]
                text = (_("Antwoordde u bij vraag %(q)s %(answers)s? Ga dan naar vraag %(n)s.", q=asked,
                          answers=answers, n=target) if target else
                        _("Antwoordde u bij vraag %(q)s %(answers)s? Dan bent u klaar met de vragen.", q=asked,
                          answers=answers))
            skips.setdefault(before.id, []).append(text)
    return skips


def paper_questions(survey, registry, locale="nl") -> list[tuple[Any, str | None, list[PaperQuestion]]]:
    """(page, page's own condition in words, questions) for each page, numbered and with skip instructions."""
    numbers = numbered(survey)
    skips = _simple_skips(survey, numbers, locale)
    out = []
    for page in survey.pages:
        items = []
        for q in page.questions:
            qtype = registry.question_types[q.type]  # the type says how it goes on paper
            note = qtype.paper_note(q)
            if not q.required:
                note = f"{note} {_('U mag deze vraag overslaan.')}" if note else _("U mag deze vraag overslaan.")
            only_if = _("Beantwoord deze vraag alleen als %(what)s.", what=in_words(q.show_if, survey, numbers, locale)) \
                if q.show_if else None
            items.append(PaperQuestion(numbers[q.id], q, qtype.paper_layout, qtype.paper_boxes(q, survey, locale),
                                       only_if, skips.get(q.id, []), note))
        page_if = _("Beantwoord de vragen hieronder alleen als %(what)s.",
                    what=in_words(page.show_if, survey, numbers, locale)) if page.show_if else None
        out.append((page, page_if, items))
    return out


def return_address(survey, config) -> str:
    own = (config.get("RETURN_ADDRESSES") or {}).get(survey.municipality)
    return own or config.get("RETURN_ADDRESS") or ""


def render_html(survey, registry, *, locale="nl", large_print=False, codes=(None,), config=None) -> str:
    """The printable form as HTML: one copy per letter (with its invite code when there is one)."""
    config = config or {}
    ladder = registry.ladders.get(survey.ladder)
    offer = getattr(survey, "offer", None)
    offered = None
    if offer is not None and ladder is not None:
        rung = next((r for r in ladder.rungs if r.id == offer.rung), None)
        offered = (pick(rung.title, locale) if rung else offer.rung, pick(offer.promise, locale))
    with force_locale(locale):
        return render_template("paper/vragenlijst.html", survey=survey, locale=locale, large_print=large_print,
                               pages=paper_questions(survey, registry, locale), codes=list(codes),
                               offered=offered, address=return_address(survey, config))


def render_pdf(survey, registry, *, locale="nl", large_print=False, letters=1, config=None) -> bytes:
    """The printable form as PDF. For an invite-only survey each of ``letters`` copies gets a new invite code
    (added to the current transaction: the caller commits); otherwise one copy."""
    from weasyprint import CSS as WeasyCSS, HTML
    codes: list[str | None] = [None]
    if lifecycle.of(survey).invite_only:
        codes = invites.make_codes(survey, max(1, letters))
    html = render_html(survey, registry, locale=locale, large_print=large_print, codes=codes, config=config)
    return HTML(string=html).write_pdf(stylesheets=[WeasyCSS(filename=str(CSS))])
