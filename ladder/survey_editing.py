"""Changes the survey editor makes to a survey's data (a survey file's data as a dict), without Flask.

Each function takes the data and returns changed data (a deep copy), or raises EditError with a message for
the officer; the draft is stored only when a change succeeds. Whether the result is a valid survey is checked
by ``survey_file`` when the editor shows the draft and again when it is published.
"""
from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterator, Mapping
from typing import Any

from .conditions import OPERATORS
from .messages import _
from .text import LOCALES


class EditError(ValueError):
    """A change that cannot be made; the message says why, in words for the officer."""


def blank(slug: str, municipality: str, title: str) -> dict[str, Any]:
    """A new survey from scratch: its name and title; pages, texts and placement are added in the editor."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug or ""):
        raise EditError(_("Gebruik voor de naam kleine letters, cijfers en streepjes, zoals dorpsplein-2027."))
    if not title.strip():
        raise EditError(_("Geef de vragenlijst een titel."))
    return {"slug": slug, "municipality": municipality, "title": {"nl": title.strip()}, "intro": {"nl": ""},
            "purpose": {"nl": ""}, "retention": {"nl": ""}, "locales": ["nl"], "pages": []}


# ------------------------------------------------------------------------------------------------- texts
SURVEY_TEXTS = ("title", "intro", "purpose", "retention", "next_steps", "contact", "audience")
PROSE = {"intro", "purpose", "retention", "next_steps", "contact", "audience", "help", "promise"}


def text_fields(data: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(key, kind, texts) for every translatable text of the survey, in the order residents meet them.

    ``key`` is the dotted path in the data (``pages.0.questions.1.label``); ``kind`` is ``prose`` for texts
    of several sentences (a text area) or ``line``."""
    def one(key, value, name):
        if value is None or isinstance(value, (str, dict)):
            texts = {"nl": value} if isinstance(value, str) else dict(value or {})
            return key, ("prose" if name in PROSE else "line"), texts
        return None

    for name in SURVEY_TEXTS:
        yield one(name, data.get(name), name)
    for aspect, label in (data.get("aspects") or {}).items():
        yield one(f"aspects.{aspect}", label, "aspect")
    offer = data.get("offer")
    if isinstance(offer, dict) and "promise" in offer:
        yield one("offer.promise", offer["promise"], "promise")
    for i, area in enumerate(data.get("areas") or []):
        yield one(f"areas.{i}.name", area.get("name"), "name")
    for i, page in enumerate(data.get("pages") or []):
        yield one(f"pages.{i}.title", page.get("title"), "title")
        yield one(f"pages.{i}.intro", page.get("intro"), "intro")
        for j, q in enumerate(page.get("questions") or []):
            yield one(f"pages.{i}.questions.{j}.label", q.get("label"), "label")
            if q.get("help"):
                yield one(f"pages.{i}.questions.{j}.help", q["help"], "help")
            for k, choice in enumerate(q.get("choices") or []):
                yield one(f"pages.{i}.questions.{j}.choices.{k}.label", choice.get("label"), "choice")


OPTIONAL = ("next_steps", "contact", "audience")


def optional(key: str) -> bool:
    """A text the survey may leave out altogether: a page's intro, a question's help, some survey texts."""
    return key in OPTIONAL or key.endswith((".intro", ".help"))


def missing_texts(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Per text key, the languages the survey offers (``locales``) in which that text is still empty (an
    optional text left out in every language is not missing)."""
    locales = data.get("locales") or ["nl"]
    out = {}
    for key, _kind, texts in text_fields(data):
        if optional(key) and not any((v or "").strip() for v in texts.values()):
            continue
        lacking = [loc for loc in locales if not (texts.get(loc) or "").strip()]
        if lacking:
            out[key] = lacking
    return out


def _walk(data, key):
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, parts[-1]


def set_texts(data: Mapping[str, Any], values: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """Set texts by key (from ``text_fields``) and language; an empty text removes that language."""
    out = copy.deepcopy(dict(data))
    known = {key for key, _kind, _texts in text_fields(out)}
    for key, by_locale in values.items():
        if key not in known:
            raise EditError(_("Onbekende tekst: %(key)s.", key=key))
        node, last = _walk(out, key)
        current = node.get(last)
        texts = {"nl": current} if isinstance(current, str) else dict(current or {})
        for loc, value in by_locale.items():
            if loc not in LOCALES:
                raise EditError(_("Onbekende taal: %(locale)s.", locale=loc))
            value = (value or "").replace("\r\n", "\n").strip()
            if value:
                texts[loc] = value
            else:
                texts.pop(loc, None)
        if texts or not optional(key):
            node[last] = texts
        else:
            node.pop(last, None)
    return out


def set_locales(data: Mapping[str, Any], locales: list[str]) -> dict[str, Any]:
    """The languages the survey is offered in; Dutch always."""
    out = copy.deepcopy(dict(data))
    out["locales"] = ["nl"] + [loc for loc in LOCALES if loc != "nl" and loc in locales]
    return out


# ------------------------------------------------------------------------------------------------- pages
def _ident(value: str, what: str, pattern=r"[a-z][a-z0-9_-]*") -> str:
    value = (value or "").strip()
    if not re.fullmatch(pattern, value):
        raise EditError(_("Gebruik voor %(what)s kleine letters, cijfers, - en _, te beginnen met een letter.", what=what))
    return value


def page_ids(data) -> list[str]:
    return [p.get("id") for p in data.get("pages") or []]


def question_ids(data) -> list[str]:
    return [q.get("id") for p in data.get("pages") or [] for q in p.get("questions") or []]


def add_page(data, page_id: str, title: str) -> dict[str, Any]:
    out = copy.deepcopy(dict(data))
    page_id = _ident(page_id, _("de naam van de pagina"))
    if page_id in page_ids(out):
        raise EditError(_("Er is al een pagina %(id)s.", id=page_id))
    if not title.strip():
        raise EditError(_("Geef de pagina een titel."))
    out.setdefault("pages", []).append({"id": page_id, "title": {"nl": title.strip()}, "questions": []})
    return out


def move(data, page: int, question: int | None, step: int) -> dict[str, Any]:
    """Move a page (``question`` None) or a question within its page one place up (-1) or down (+1)."""
    out = copy.deepcopy(dict(data))
    items = out["pages"] if question is None else out["pages"][page]["questions"]
    at = page if question is None else question
    to = at + step
    if not (0 <= at < len(items)) or not (0 <= to < len(items)):
        return out
    items[at], items[to] = items[to], items[at]
    return out


def remove(data, page: int, question: int | None = None) -> dict[str, Any]:
    """Remove a page (with its questions) or one question; a condition or placement that reads it fails the check."""
    out = copy.deepcopy(dict(data))
    if question is None:
        del out["pages"][page]
    else:
        del out["pages"][page]["questions"][question]
    return out


def set_page(data, page: int, *, title: str, show_if: Mapping[str, Any] | None) -> dict[str, Any]:
    out = copy.deepcopy(dict(data))
    target = out["pages"][page]
    if not title.strip():
        raise EditError(_("Geef de pagina een titel."))
    texts = target.get("title")
    target["title"] = {**(texts if isinstance(texts, dict) else {"nl": texts or ""}), "nl": title.strip()}
    if show_if:
        target["show_if"] = dict(show_if)
    else:
        target.pop("show_if", None)
    return out


# ------------------------------------------------------------------------------------------------- questions
def condition(question: str, operator: str, value: str) -> dict[str, Any] | None:
    """A simple condition from the editor's three fields: no question means always shown."""
    if not question:
        return None
    if operator not in OPERATORS:
        raise EditError(_("Kies hoe de voorwaarde vergelijkt."))
    found = OPERATORS[operator].value_from_text(value, _number)
    if found is None:
        raise EditError(_("Vul de waarde van de voorwaarde in."))
    return {"question": question, operator: found}


def condition_fields(cond: Mapping[str, Any] | None) -> tuple[str, str, str]:
    """The editor's three fields for a simple condition; ("", "", "") for none or one the fields cannot show."""
    if not cond or "question" not in cond or len(cond) != 2:
        return "", "", ""
    (operator,) = [k for k in cond if k != "question"]
    if operator not in OPERATORS:
        return "", "", ""
    return cond["question"], operator, OPERATORS[operator].value_as_text(cond[operator])


def _number(value: str):
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise EditError(_("%(value)s is geen getal.", value=value)) from None
    return int(number) if number.is_integer() else number


def choices(lines: str, old: list[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Choices from a text area, one a line: ``waarde = Label`` or just ``Label`` (the value is made from it).

    A choice whose value stays keeps its translations."""
    kept = {c.get("value"): c.get("label") for c in old}
    out = []
    for line in (lines or "").replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        value, sep, label = (part.strip() for part in line.partition("="))
        if not sep:
            label, value = value, re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")
        if not value or not label:
            raise EditError(_("Schrijf een keuze als ‘waarde = tekst’: %(line)s", line=line))
        old_label = kept.get(value)
        texts = dict(old_label) if isinstance(old_label, dict) else {}
        texts["nl"] = label
        out.append({"value": value, "label": texts})
    if len({c["value"] for c in out}) != len(out):
        raise EditError(_("Twee keuzes hebben dezelfde waarde."))
    return out


def choices_text(question: Mapping[str, Any]) -> str:
    def nl(label):
        return label.get("nl", "") if isinstance(label, dict) else str(label or "")
    return "\n".join(f"{c.get('value')} = {nl(c.get('label'))}" for c in question.get("choices") or [])


def option_value(raw: str):
    """A type setting as typed: a number, true/false, a list or table in TOML notation, else the text itself."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def option_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    import tomli_w
    return tomli_w.dumps({"v": value}).removeprefix("v = ").strip()


def put_question(data, page: int, index: int | None, *, qid: str, qtype: str, label: Mapping[str, str],
                 help: Mapping[str, str], required: bool, choice_lines: str | None,
                 options: Mapping[str, Any], show_if: Mapping[str, Any] | None) -> dict[str, Any]:
    """Add (``index`` None) or change a question on page ``page``; its settings (``options``) are the ones
    its type declares, so a plugin's own question type is edited the same way."""
    out = copy.deepcopy(dict(data))
    questions = out["pages"][page].setdefault("questions", [])
    old = questions[index] if index is not None else {}
    qid = _ident(qid, _("de naam van de vraag"), r"[a-z_][a-z0-9_]*")
    if qid != old.get("id") and qid in question_ids(out):
        raise EditError(_("Er is al een vraag %(id)s.", id=qid))
    if not (label.get("nl") or "").strip():
        raise EditError(_("Schrijf de vraag (in het Nederlands)."))
    question = {"id": qid, "type": qtype, "label": {k: v.strip() for k, v in label.items() if (v or "").strip()},
                "required": bool(required)}
    helps = {k: v.strip() for k, v in help.items() if (v or "").strip()}
    if helps:
        question["help"] = helps
    if choice_lines is not None:
        made = choices(choice_lines, old.get("choices") or [])
        if made:
            question["choices"] = made
    question.update({k: v for k, v in options.items() if v is not None})
    if show_if:
        question["show_if"] = dict(show_if)
    if index is None:
        questions.append(question)
    else:
        questions[index] = question
    return out


# ------------------------------------------------------------------------------------------------- areas, placement
def areas_text(data) -> str:
    def nl(name):
        return name.get("nl", "") if isinstance(name, dict) else str(name or "")
    return "\n".join(";".join([a.get("code", ""), nl(a.get("name")), a.get("kind", "kern"), a.get("parent") or ""])
                     .rstrip(";") for a in data.get("areas") or [])


def set_areas(data, lines: str) -> dict[str, Any]:
    """Areas from a text area, one a line: ``code;name`` with optionally ``;kind;parent code``."""
    out = copy.deepcopy(dict(data))
    old = {a.get("code"): a for a in out.get("areas") or []}
    areas = []
    for line in (lines or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise EditError(_("Schrijf een gebied als ‘code;naam’ of ‘code;naam;soort;code van het grotere gebied’: %(line)s", line=line))
        code, name = parts[0], parts[1]
        previous = old.get(code, {}).get("name")
        area = {"code": code, "name": {**(previous if isinstance(previous, dict) else {}), "nl": name}}
        if len(parts) > 2 and parts[2]:
            area["kind"] = parts[2]
        if len(parts) > 3 and parts[3]:
            area["parent"] = parts[3]
        areas.append(area)
    out["areas"] = areas
    return out


def placement_text(data) -> str:
    return "\n".join(";".join([r.get("question", ""), r.get("choice", ""), r.get("aspect", ""), r.get("rung", "")])
                     for r in data.get("placement") or [])


def set_placement(data, *, rung: str, promise: str, aspects: str, lines: str, rung_function: str) -> dict[str, Any]:
    """The offer (rung and promise in Dutch), the aspects, and how answers are placed: a mapping table
    (``question;choice;aspect;rung`` a line) or a plugin's rung function by name, not both."""
    out = copy.deepcopy(dict(data))
    if rung:
        old = out.get("offer") or {}
        texts = old.get("promise") if isinstance(old.get("promise"), dict) else {}
        if not promise.strip():
            raise EditError(_("Schrijf wat de gemeente belooft bij deze trede."))
        out["offer"] = {**old, "rung": rung, "promise": {**texts, "nl": promise.strip()}}
    else:
        out.pop("offer", None)
    old_aspects = out.get("aspects") or {}
    new_aspects = {}
    for line in (aspects or "").replace("\r\n", "\n").split("\n"):
        if line.strip():
            key, sep, label = (p.strip() for p in line.partition("="))
            if not sep or not key or not label:
                raise EditError(_("Schrijf een aspect als ‘naam = tekst’: %(line)s", line=line))
            prev = old_aspects.get(key)
            new_aspects[key] = {**(prev if isinstance(prev, dict) else {}), "nl": label}
    if new_aspects:
        out["aspects"] = new_aspects
    else:
        out.pop("aspects", None)
    rows = []
    for line in (lines or "").replace("\r\n", "\n").split("\n"):
        if line.strip():
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 4 or not parts[0] or not parts[2] or not parts[3]:
                raise EditError(_("Schrijf een regel als ‘vraag;keuze;aspect;trede’ (keuze mag leeg): %(line)s", line=line))
            rows.append(dict(zip(("question", "choice", "aspect", "rung"), parts)))
    if rows and rung_function:
        raise EditError(_("Kies een tabel of een functie van een plugin, niet allebei."))
    out.pop("placement", None)
    out.pop("rung_function", None)
    if rows:
        out["placement"] = rows
    if rung_function:
        out["rung_function"] = rung_function
    return out
