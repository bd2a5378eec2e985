"""Load a survey definition from a TOML file beside a plugin, checking every key.

Errors name the file, the key and the reason, so a municipality's editor can fix the file alone.
See docs/survey-files.rst for the format.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from .conditions import ConditionError, check as check_condition
from .survey import RESPONDENTS, AdviseFn, Area, Choice, Link, Offer, Page, PlaceFn, Question, ResultWording, Survey
from .slugs import RULE, is_slug
from .text import LOCALES, text


class SurveyFileError(ValueError):
    """A survey file that cannot be used; the message names file, key and reason."""

    def __init__(self, path: str, key: str, reason: str):
        self.path, self.key, self.reason = path, key, reason
        super().__init__(f"{path}: {key}: {reason}")


SURVEY_KEYS = {"slug", "title", "municipality", "intro", "purpose", "retention", "ladder", "areas", "pages",
               "aspects", "next_steps", "contact", "audience", "minutes", "status", "opens", "closes", "locales",
               "demographics", "offer", "respondents", "result", "results_expected", "links", "staff_aspects"}
REQUIRED_SURVEY_KEYS = {"slug", "title", "municipality", "intro", "purpose", "retention", "pages"}
PAGE_KEYS = {"id", "title", "intro", "questions", "show_if", "one_question_per_page"}
QUESTION_KEYS = {"id", "type", "label", "required", "help", "choices", "show_if"}
CHOICE_KEYS = {"value", "label"}
AREA_KEYS = {"code", "name", "kind", "parent"}
AREA_KINDS = {"gemeente", "kern", "dorp", "stad", "wijk", "buurt", "gebied"}
OFFER_KEYS = {"rung", "promise", "aspects", "compare"}
RESULT_KEYS = {"heading", "intro", "placement"}
LINK_KEYS = {"label", "url"}


def load_survey(path: str | Path, *, place: PlaceFn | None = None, advise: AdviseFn | None = None,
                question_types: Mapping[str, Any] | None = None) -> Survey:
    """Read and check the survey in ``path``; ``place`` and ``advise`` are its rung logic.

    ``question_types`` (name -> type) lets the caller check type settings too; the app does that
    again at start-up with every registered type.
    """
    path = Path(path)
    return survey_from_dict(read_toml(path), source=str(path), place=place, advise=advise,
                            question_types=question_types)


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML table in ``path``; a file that cannot be read or parsed raises SurveyFileError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise SurveyFileError(str(path), "-", f"cannot read the file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SurveyFileError(str(path), "-", f"not valid TOML: {exc}") from exc


def survey_from_dict(data: Mapping[str, Any], *, source: str = "<dict>", place: PlaceFn | None = None,
                     advise: AdviseFn | None = None, question_types: Mapping[str, Any] | None = None) -> Survey:
    """Build a Survey from already-parsed data, with the same checks as ``load_survey``."""
    def fail(key, reason):
        raise SurveyFileError(source, key, reason)

    _keys(data, SURVEY_KEYS, REQUIRED_SURVEY_KEYS, "", fail)
    slug = data["slug"]
    if not is_slug(slug):
        fail("slug", RULE)
    locales = tuple(data.get("locales", ["nl"]))
    if "nl" not in locales or any(loc not in LOCALES for loc in locales):
        fail("locales", f"must include 'nl' and use only {', '.join(LOCALES)}")

    areas = tuple(_area(a, f"areas[{i}]", fail) for i, a in enumerate(data.get("areas", [])))
    codes = [a.code for a in areas]
    if len(set(codes)) != len(codes):
        fail("areas", "area codes must be unique")
    for i, a in enumerate(areas):
        if a.parent is not None and a.parent not in codes:
            fail(f"areas[{i}].parent", f"no area with code {a.parent!r}")

    pages, seen = [], set()
    raw_pages = data["pages"]
    if not isinstance(raw_pages, list) or not raw_pages:
        fail("pages", "needs at least one [[pages]] table")
    for i, raw_page in enumerate(raw_pages):
        pages.extend(_one_per_page(_page(raw_page, f"pages[{i}]", seen, areas, question_types, fail),
                                   raw_page, f"pages[{i}]", fail))
    if len({p.id for p in pages}) != len(pages):
        fail("pages", "page ids must be unique")

    status = data.get("status", "open")
    if status not in ("open", "closed", "draft"):
        fail("status", "must be open, closed or draft")
    for key in ("opens", "closes", "results_expected"):
        if key in data and not isinstance(data[key], date):
            fail(key, "must be a date such as 2026-12-31")
    minutes = data.get("minutes", 5)
    if not isinstance(minutes, int) or minutes < 1:
        fail("minutes", "must be a whole number of minutes")
    aspects = data.get("aspects", {})
    if not isinstance(aspects, dict):
        fail("aspects", "must be a table of aspect id = label")
    # The aspects as staff pages name them: the labels speak to the resident ("Hoe u nu meedoet"), the dashboard
    # speaks about residents ("Hoe inwoners nu meedoen").
    staff_aspects = data.get("staff_aspects", {})
    if not isinstance(staff_aspects, dict):
        fail("staff_aspects", "must be a table of aspect id = heading on staff pages")
    for aspect in staff_aspects:
        if aspect not in aspects:
            fail(f"staff_aspects.{aspect}", f"no aspect {aspect!r} in [aspects]")
    # Which questions hold the age band and sex, for comparing respondents with CBS population figures.
    demographics = data.get("demographics", {})
    question_ids = {q.id for p in pages for q in p.questions}
    if not isinstance(demographics, dict):
        fail("demographics", "must be a table such as { age = \"leeftijd\", sex = \"geslacht\" }")
    for key, qid in demographics.items():
        if key not in ("age", "sex"):
            fail(f"demographics.{key}", "use age and sex")
        if qid not in question_ids:
            fail(f"demographics.{key}", f"no question {qid!r} in this survey")

    offer = _offer(data["offer"], aspects, fail) if "offer" in data else None
    respondents = data.get("respondents", "residents")
    if respondents not in RESPONDENTS:
        fail("respondents", f"must be {' or '.join(RESPONDENTS)}")
    raw_result = data.get("result", {})
    _keys(raw_result, RESULT_KEYS, set(), "result", fail)
    result = ResultWording(**{k: _text(raw_result.get(k), f"result.{k}", fail) for k in RESULT_KEYS})
    links = tuple(_link(raw, f"links[{i}]", fail) for i, raw in enumerate(data.get("links", [])))
    contact = _text(data.get("contact"), "contact", fail)

    return Survey(
        slug=slug, title=_text(data["title"], "title", fail), municipality=_str(data["municipality"], "municipality", fail),
        intro=_text(data["intro"], "intro", fail), purpose=_text(data["purpose"], "purpose", fail),
        retention=_text(data["retention"], "retention", fail), pages=tuple(pages),
        ladder=_str(data.get("ladder", "participatieladder"), "ladder", fail), areas=areas,
        aspects={k: _text(v, f"aspects.{k}", fail) for k, v in aspects.items()},
        staff_aspects={k: _text(v, f"staff_aspects.{k}", fail) for k, v in staff_aspects.items()},
        next_steps=_text(data.get("next_steps"), "next_steps", fail), contact=contact, links=links,
        audience=_text(data.get("audience"), "audience", fail), minutes=minutes, status=status,
        opens=data.get("opens"), closes=data.get("closes"), results_expected=data.get("results_expected"),
        locales=locales, place=place, advise=advise,
        demographics=dict(demographics), offer=offer, respondents=respondents, result=result,
        source=source, definition=dict(data),
    )


def _keys(table, allowed, required, where, fail):
    if not isinstance(table, dict):
        fail(where or "-", "must be a table")
    prefix = f"{where}." if where else ""
    for key in table:
        if key not in allowed:
            fail(f"{prefix}{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")
    for key in sorted(required):
        if key not in table:
            fail(f"{prefix}{key}", "missing")


def _str(value, where, fail):
    if not isinstance(value, str) or not value.strip():
        fail(where, "must be a non-empty text")
    return value


def _text(value, where, fail):
    """A plain string (Dutch) or a table of locale = text."""
    if value is None:
        return text(None)
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        for loc, s in value.items():
            if loc not in LOCALES:
                fail(f"{where}.{loc}", f"unknown language; use {', '.join(LOCALES)}")
            if not isinstance(s, str):
                fail(f"{where}.{loc}", "must be a text")
        if "nl" not in value:
            fail(f"{where}.nl", "missing: every text needs Dutch")
        return text(value)
    fail(where, "must be a text or a table of language = text")


def _offer(raw, aspects, fail):
    """``[offer]``: rung and promise, optionally ``compare`` (aspect ids) and ``[offer.aspects.<id>]``."""
    _keys(raw, OFFER_KEYS, {"rung", "promise"}, "offer", fail)
    own = {}
    raw_aspects = raw.get("aspects", {})
    if not isinstance(raw_aspects, dict):
        fail("offer.aspects", "must be a table of aspect id = { rung, promise }")
    for aspect, sub in raw_aspects.items():
        where = f"offer.aspects.{aspect}"
        if aspect not in aspects:
            fail(where, f"no aspect {aspect!r} in [aspects]")
        _keys(sub, {"rung", "promise"}, {"rung", "promise"}, where, fail)
        own[aspect] = Offer(rung=_str(sub["rung"], f"{where}.rung", fail),
                            promise=_text(sub["promise"], f"{where}.promise", fail))
    compare = raw.get("compare")
    if compare is not None:
        if not isinstance(compare, list) or not all(isinstance(a, str) for a in compare):
            fail("offer.compare", "must be a list of aspect ids, such as [\"gewenst\"]")
        for aspect in compare:
            if aspect not in aspects:
                fail("offer.compare", f"no aspect {aspect!r} in [aspects]")
        compare = tuple(compare)
    return Offer(rung=_str(raw["rung"], "offer.rung", fail), promise=_text(raw["promise"], "offer.promise", fail),
                 aspects=own, compare=compare)


def _link(raw, where, fail):
    _keys(raw, LINK_KEYS, LINK_KEYS, where, fail)
    url = _str(raw["url"], f"{where}.url", fail)
    if not url.startswith(("https://", "http://", "/")):
        fail(f"{where}.url", "give a full address (https://...) or a path on this site (/...)")
    return Link(label=_text(raw["label"], f"{where}.label", fail), url=url)


def _area(raw, where, fail):
    _keys(raw, AREA_KEYS, {"code", "name"}, where, fail)
    kind = raw.get("kind", "kern")
    if kind not in AREA_KINDS:
        fail(f"{where}.kind", f"use one of {', '.join(sorted(AREA_KINDS))}")
    return Area(code=_str(raw["code"], f"{where}.code", fail), name=_text(raw["name"], f"{where}.name", fail),
                kind=kind, parent=raw.get("parent"))


def _page(raw, where, seen, areas, question_types, fail):
    _keys(raw, PAGE_KEYS, {"id", "title", "questions"}, where, fail)
    # A page's condition looks back at earlier pages; a question's also at earlier questions of its own page
    # (shown with its condition in words without JavaScript, revealed in place with it; issue 13).
    earlier = set(seen)
    if raw.get("show_if") is not None:
        _condition(raw["show_if"], earlier, f"{where}.show_if", fail)
    if not isinstance(raw["questions"], list) or not raw["questions"]:
        fail(f"{where}.questions", "needs at least one [[pages.questions]] table")
    questions = []
    for j, rq in enumerate(raw["questions"]):
        q = _question(rq, f"{where}.questions[{j}]", seen, set(seen), areas, question_types, fail)
        seen.add(q.id)
        questions.append(q)
    return Page(id=_str(raw["id"], f"{where}.id", fail), title=_text(raw["title"], f"{where}.title", fail),
                intro=_text(raw.get("intro"), f"{where}.intro", fail), questions=tuple(questions),
                show_if=raw.get("show_if"))


def _one_per_page(page, raw, where, fail):
    """``one_question_per_page = true``: a long page shown as one page per question, ids ``<id>-1``, ``<id>-2``...

    Each part keeps the page's title and intro; it shows when the page and its question would both show, so a
    part whose only question is skipped is skipped too. Answers are stored per question, so nothing else changes.
    """
    split = raw.get("one_question_per_page", False)
    if not isinstance(split, bool):
        fail(f"{where}.one_question_per_page", "must be true or false")
    if not split or len(page.questions) == 1:
        return [page]
    parts = []
    for n, question in enumerate(page.questions, start=1):
        conditions = [c for c in (page.show_if, question.show_if) if c]
        show_if = {"all": conditions} if len(conditions) > 1 else (conditions[0] if conditions else None)
        parts.append(Page(id=f"{page.id}-{n}", title=page.title, intro=page.intro, questions=(question,),
                          show_if=show_if))
    return parts


def _question(raw, where, seen, earlier, areas, question_types, fail):
    if not isinstance(raw, dict):
        fail(where, "must be a table")
    base = {k: v for k, v in raw.items() if k in QUESTION_KEYS}
    options = {k: v for k, v in raw.items() if k not in QUESTION_KEYS}
    _keys(base, QUESTION_KEYS, {"id", "type", "label"}, where, fail)
    qid = _str(raw["id"], f"{where}.id", fail)
    if not qid.isidentifier():
        fail(f"{where}.id", "use letters, digits and underscores (it becomes a column name)")
    if qid in seen:
        fail(f"{where}.id", f"question id {qid!r} is used twice")
    if raw.get("show_if") is not None:
        _condition(raw["show_if"], earlier, f"{where}.show_if", fail)
    choices = []
    for k, rc in enumerate(raw.get("choices", [])):
        _keys(rc, CHOICE_KEYS, CHOICE_KEYS, f"{where}.choices[{k}]", fail)
        choices.append(Choice(value=_str(rc["value"], f"{where}.choices[{k}].value", fail),
                              label=_text(rc["label"], f"{where}.choices[{k}].label", fail)))
    if len({c.value for c in choices}) != len(choices):
        fail(f"{where}.choices", "choice values must be unique")
    required = raw.get("required", True)
    if not isinstance(required, bool):
        fail(f"{where}.required", "must be true or false")
    question = Question(id=qid, type=_str(raw["type"], f"{where}.type", fail),
                        label=_text(raw["label"], f"{where}.label", fail), required=required,
                        help=_text(raw.get("help"), f"{where}.help", fail), choices=tuple(choices),
                        show_if=raw.get("show_if"), options=options)
    if question_types is not None:
        check_question(question, areas, question_types, where, fail)
    return question


def check_question(question, areas, question_types, where, fail):
    """Check the question against its registered type."""
    qtype = question_types.get(question.type)
    if qtype is None:
        fail(f"{where}.type", f"unknown question type {question.type!r} (known: {', '.join(sorted(question_types))})")
    try:
        qtype.check(question, areas)
    except ValueError as exc:
        fail(where, str(exc))


def _condition(cond, seen, where, fail):
    try:
        check_condition(cond, set(seen), where)
    except ConditionError as exc:
        fail(where, str(exc).removeprefix(f"{where}: "))
