"""Read an XLSForm into a survey file's data (``import_xlsform``) and write it as TOML (``write_survey_file``,
``ladder import-xlsform``); what does not map is listed with its sheet, row and reason. See ``ladder.xlsform``."""
from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..conditions import questions_in
from ..text import LOCALES
from .xpath import Unsupported, _keeps, _Parser, _refs, constraint_to_options, relevant_to_condition

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
LADDER_SHEET, LADDER_SETTINGS, LADDER_AREAS = "ladder", "ladder_settings", "ladder_areas"

# Types with no counterpart in a ladder survey; metadata is filled in by ODK itself, never asked.
METADATA = {"start", "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid", "email",
            "audit", "start-geopoint", "background-audio", "imei", "uri:deviceid", "uri:email", "uri:username",
            "uri:phonenumber", "uri:subscriberid", "uri:simserial"}
UNSUPPORTED_TYPES = {
    "calculate": "calculations are not supported", "hidden": "hidden fields are not supported",
    "geopoint": "locations (geo) are not supported", "geotrace": "locations (geo) are not supported",
    "geoshape": "locations (geo) are not supported", "image": "media are not supported",
    "audio": "media are not supported", "video": "media are not supported", "file": "media are not supported",
    "background-audio": "media are not supported", "barcode": "barcodes are not supported",
    "date": "dates are not supported", "time": "times are not supported", "datetime": "dates are not supported",
    "acknowledge": "acknowledge is not supported", "trigger": "acknowledge is not supported",
    "xml-external": "external data is not supported", "csv-external": "external data is not supported",
    "select_one_from_file": "choices from a file are not supported",
    "select_multiple_from_file": "choices from a file are not supported",
    "select_one_external": "external choices are not supported", "begin repeat": "repeats are not supported",
    "begin_repeat": "repeats are not supported", "odk:rank": "rank",
}
LANGUAGE_NAMES = {"nl": "nl", "dutch": "nl", "nederlands": "nl", "fy": "fy", "frisian": "fy", "frysk": "fy",
                  "fries": "fy", "en": "en", "english": "en", "engels": "en"}


class XLSFormError(ValueError):
    """A workbook that cannot be read as an XLSForm at all."""


class XLSFormTooLarge(XLSFormError):
    """A workbook that unpacks to more than a form can need: refused before anything parses it."""


# An .xlsx is a zip of XML: bounded before unpacking (the web server's MAX_CONTENT_LENGTH) and here, after.
# A form of a thousand questions in three languages unpacks to under 2 MB; 8 MB takes some 3 s of CPU to
# read, where 50 MB took 19 s and a worker's whole timeout (issue 24).
MAX_UNPACKED = 8 * 1024 * 1024
MAX_MEMBERS = 200
MAX_ROWS, MAX_COLUMNS = 10_000, 200  # of the extra sheets ladder reads itself
# What the parsers raise on a damaged workbook (truncated XML is a SyntaxError; lxml's errors are too).
_UNREADABLE = (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError, SyntaxError,
               zipfile.BadZipFile)


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise XLSFormError(f"{path}: not a readable XLSForm: {exc}") from exc
    # file_size is what zipfile will unpack at most, whatever the compressed data holds
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED:
        raise XLSFormTooLarge(f"{path}: unpacks to {unpacked} bytes in {len(members)} parts; at most "
                              f"{MAX_UNPACKED} bytes in {MAX_MEMBERS} parts are read")


@dataclass
class Problem:
    sheet: str
    row: int
    reason: str

    def __str__(self):
        return f"{self.sheet}, row {self.row}: {self.reason}"


@dataclass
class Imported:
    data: dict[str, Any]  # a survey file's data, ready for survey_from_dict or TOML
    unsupported: list[Problem] = field(default_factory=list)  # left out: the import fails unless skipped
    notices: list[Problem] = field(default_factory=list)  # read differently, nothing left out
    mapping: list[dict[str, str]] = field(default_factory=list)  # the ladder sheet's rows


_HEADER_ALIASES = {"caption": "label", "relevance": "relevant", "calculate": "calculation", "list name": "list_name",
                   "constraining_message": "constraint_message", "repeat_count": "repeat_count",
                   "jr:count": "repeat_count", "count": "repeat_count"}
_TRANSLATABLE = ("label", "hint", "caption", "constraint_message", "guidance_hint", "image", "audio", "video",
                 "big-image", "media", "required_message")
_SELECT_KINDS = {"select one": "select_one", "select all that apply": "select_multiple", "rank": "rank",
                 "select one external": "select_one_external"}


def _normalise_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Headers as written in this module: ``label::nl`` for ``label:Dutch (nl)``, pyxform's aliases resolved."""
    out = {}
    for header, value in row.items():
        head, sep, lang = header.partition("::")
        if not sep and ":" in header and header.split(":", 1)[0].strip().lower() in _TRANSLATABLE:
            head, sep, lang = header.partition(":")
        base = head.strip()
        base = _HEADER_ALIASES.get(base.lower(), base) if base.lower() != "label" else "label"
        out[f"{base}::{lang.strip()}" if sep else base] = value
    return out


def _normalise_type(rtype: str) -> str:
    """``select one yes_no`` and the other spellings pyxform accepts, as ``select_one yes_no``."""
    from pyxform.aliases import select
    lowered = rtype.lower()
    for alias in sorted(select, key=len, reverse=True):
        if lowered == alias or lowered.startswith(alias + " "):
            rest = rtype[len(alias):].strip()
            if "file" in alias:
                return "select_one_from_file " + rest
            return f"{_SELECT_KINDS[select[alias]]} {rest}".strip()
    return rtype


def _language(header: str, base: str) -> str | None:
    """The locale of a column such as ``label``, ``label::nl`` or ``label::Dutch (nl)``; None if unknown."""
    if header == base:
        return "nl"
    rest = header.split("::", 1)[1].strip()
    found = re.search(r"\(([A-Za-z-]+)\)\s*$", rest)
    code = (found.group(1) if found else rest).lower()
    return LANGUAGE_NAMES.get(code)


def _texts(row: Mapping[str, Any], base: str, default_language: str | None) -> dict[str, str] | None:
    """{locale: text} from the ``base`` columns; without Dutch, the default language (or the first) stands in."""
    found, others = {}, {}
    for header, value in row.items():
        if header == base or header.startswith(base + "::"):
            if value in (None, ""):
                continue
            loc = _language(header, base)
            if loc in LOCALES:
                found.setdefault(loc, str(value))
            else:
                others[header.split("::", 1)[-1].strip()] = str(value)
    if "nl" not in found and (found or others):
        stand_in = others.get(default_language) if default_language in others else None
        found["nl"] = stand_in or next(iter(found.values()), None) or next(iter(others.values()))
    if not found:
        return None
    return found


def _text_value(texts: dict[str, str]):
    return texts["nl"] if set(texts) == {"nl"} else texts


def _cell_value(value):
    """A ``ladder_*`` cell: JSON for numbers, true/false, lists and tables; otherwise the text itself."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _cell(value):
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("yes", "true", "true()", "1", "ja")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "vragenlijst"


def _identifier(name: str) -> str | None:
    candidate = name.replace("-", "_").replace(".", "_")
    return candidate if candidate.isidentifier() else None


def _read_sheet(path: Path, name: str) -> list[dict[str, Any]] | None:
    """Rows of an extra sheet pyxform does not read (by header), or None when it is absent."""
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = next((wb[s] for s in wb.sheetnames if s.lower() == name), None)
        if sheet is None:
            return None
        # bounded: a sheet may claim a million rows of 16384 columns, which read-only mode would fill in
        rows = list(sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True))
    finally:
        wb.close()
    if not rows:
        return []
    headers = [str(h).strip() if h is not None else None for h in rows[0]]
    return [{h: v for h, v in zip(headers, r) if h and v not in (None, "")} for r in rows[1:]]


def import_xlsform(path: str | Path, *, slug: str | None = None, municipality: str | None = None) -> Imported:
    """Read the XLSForm at ``path`` into a survey file's data and the list of what did not map."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform
    path = Path(path)
    zipped = path.suffix.lower() in (".xlsx", ".xlsm")
    if zipped:
        _check_archive(path)
    try:
        book = get_xlsform(str(path))
        if not book.survey:
            raise XLSFormError(f"{path}: no survey sheet")
        extra = {name: _read_sheet(path, name) if zipped else None
                 for name in (LADDER_SHEET, LADDER_SETTINGS, LADDER_AREAS)}
    except (PyXFormError, *_UNREADABLE) as exc:
        if isinstance(exc, XLSFormError):
            raise
        raise XLSFormError(f"{path}: not a readable XLSForm: {exc}") from exc
    return _Importer(book, extra, path, slug, municipality).run()


class _Importer:
    def __init__(self, book, extra, path, slug, municipality):
        self.book, self.extra, self.path = book, extra, path
        self.settings = (book.settings or [{}])[0] if book.settings else {}
        self.default_language = (self.settings.get("default_language") or "").split("(")[-1].rstrip(")").strip() \
            or None
        self.unsupported: list[Problem] = []
        self.notices: list[Problem] = []
        self.slug, self.municipality = slug, municipality
        self.lists = self._choice_lists()
        self.pages: list[dict] = []
        self.page = None
        self.seen_ids: set[str] = set()
        self.page_questions: set[str] = set()
        self.group_row: dict = {}

    def report(self, sheet, row, reason):
        self.unsupported.append(Problem(sheet, row, reason))

    def _choice_lists(self):
        lists: dict[str, list[dict]] = {}
        for n, row in enumerate(self.book.choices or [], start=2):
            row = _normalise_row(row)
            name, value = row.get("list_name") or row.get("list name"), row.get("name") or row.get("value")
            if not name or value in (None, ""):
                continue
            label = _texts(row, "label", self.default_language) or {"nl": str(value)}
            lists.setdefault(str(name), []).append({"value": str(value), "label": _text_value(label), "_row": n,
                                                    "_row_data": row})
        return lists

    def run(self) -> Imported:
        stack: list[tuple[str, int, dict | None]] = []  # (kind, row, group info)
        skipping = 0  # inside a repeat: everything is left out
        for n, row in enumerate(self.book.survey, start=2):
            row = _normalise_row(row)
            rtype = _normalise_type(" ".join(str(row.get("type", "")).split()))
            if not rtype:
                continue
            base = rtype.split(" ")[0].replace(" ", "_")
            lowered = rtype.lower()
            if lowered in ("begin repeat", "begin_repeat") or lowered.startswith(("begin loop", "begin_loop")):
                skipping += 1
                self.report(SURVEY, n, f"repeat {row.get('name', '')!r}: repeats and loops are not supported")
                continue
            if lowered in ("end repeat", "end_repeat", "end loop", "end_loop"):
                skipping = max(0, skipping - 1)
                continue
            if skipping:
                continue
            if lowered in ("begin group", "begin_group"):
                self._begin_group(row, n, stack)
                continue
            if lowered in ("end group", "end_group"):
                if stack:
                    stack.pop()
                if not stack:
                    self.page = None
                continue
            if base in METADATA or lowered in METADATA:
                self.notices.append(Problem(SURVEY, n, f"{rtype} is metadata that ODK fills in; left out"))
                continue
            try:
                self._question(row, n, rtype, stack)
            except Unsupported as exc:
                self.report(SURVEY, n, f"{row.get('name', '')!r} ({rtype}): {exc}")
        mapping = self._mapping()
        data = self._survey_data()
        return Imported(data=data, unsupported=self.unsupported, notices=self.notices, mapping=mapping)

    # ------------------------------------------------------------------------------- groups and pages
    def _begin_group(self, row, n, stack):
        cond = None
        if row.get("relevant"):
            try:
                cond = relevant_to_condition(str(row["relevant"]))
            except Unsupported as exc:
                self.report(SURVEY, n, f"group {row.get('name', '')!r}: relevant: {exc}")
        if stack:  # a group in a group: its questions join the page, its condition goes onto each question
            stack.append(("group", n, {"show_if": cond}))
            return
        title = _texts(row, "label", self.default_language) or {"nl": str(row.get("name") or f"Pagina {n}")}
        stack.append(("group", n, {"show_if": None}))
        self.group_row = row
        self._new_page(str(row.get("ladder_id") or row.get("name") or f"pagina-{n}"), title, cond)

    def _new_page(self, name, title, cond):
        ids = {p["id"] for p in self.pages}
        pid, k = (name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _slug(name)), 2
        base = pid
        while pid in ids:
            pid, k = f"{base}-{k}", k + 1
        self.page = {"id": pid, "title": _text_value(title), "questions": []}
        self._ladder_columns(self.group_row, self.page)
        if cond:
            self.page["show_if"] = cond
        self.pages.append(self.page)
        self.page_questions = set()

    def _ensure_page(self, cond_questions):
        """A question whose condition looks at a question on the same page starts a new page: ladder shows one
        page at a time without JavaScript, so conditions look back at earlier pages only."""
        if self.page is None:
            title = self.settings.get("form_title") or "Vragen"
            self.group_row = {}
            self._new_page("vragen", {"nl": str(title)}, None)
        elif cond_questions & self.page_questions:
            page = self.page
            self._new_page(page["id"], {"nl": page["title"]} if isinstance(page["title"], str) else page["title"],
                           page.get("show_if"))

    # ------------------------------------------------------------------------------------- questions
    def _question(self, row, n, rtype, stack):
        parts = rtype.split(" ")
        kind = parts[0]
        name = str(row.get("name") or "")
        qid = _identifier(name)
        if kind in UNSUPPORTED_TYPES and kind != "odk:rank":
            raise Unsupported(UNSUPPORTED_TYPES[kind])
        if kind == "note":
            return self._note(row, n, stack)
        if not qid:
            raise Unsupported("the name cannot be a column name (use letters, digits and underscores)")
        if qid in self.seen_ids:
            raise Unsupported(f"the name {qid!r} is used twice")
        if row.get("calculation"):
            raise Unsupported("calculations are not supported")
        if any(k.split("::")[0] in ("image", "audio", "video", "big-image", "media") for k in row):
            raise Unsupported("media are not supported")
        if row.get("repeat_count"):
            raise Unsupported("repeats are not supported")
        label = _texts(row, "label", self.default_language)
        if label is None:
            raise Unsupported("no label")
        question: dict[str, Any] = {"id": qid}
        choice_kinds = {"select_one": "single_choice", "select_multiple": "multiple_choice", "rank": "ranking",
                        "odk:rank": "ranking", "select_one_from_list": "single_choice"}
        if kind in choice_kinds:
            if len(parts) < 2:
                raise Unsupported("a choice question needs a choice list")
            choices = self.lists.get(parts[1])
            if not choices:
                raise Unsupported(f"no choices in the list {parts[1]!r}")
            question["type"] = choice_kinds[kind]
            question["label"] = _text_value(label)
            areas = self._area_list(parts[1])
            if areas is not None and kind == "select_one":
                question["type"] = "area"
            else:
                question["choices"] = [{"value": c["value"], "label": c["label"]} for c in choices]
                if row.get("choice_filter"):
                    self._choice_filter(row, choices, question)
        elif kind == "integer" or kind == "int":
            question.update(type="number", label=_text_value(label))
        elif kind == "decimal":
            question.update(type="number", label=_text_value(label), integer=False)
        elif kind in ("text", "string"):
            appearance = str(row.get("appearance", ""))
            question.update(type="long_text" if "multiline" in appearance else "short_text",
                            label=_text_value(label))
        elif kind == "range":
            question.update(type="scale", label=_text_value(label), **self._range(row))
        else:
            raise Unsupported(f"the type {rtype!r} is not supported")
        hint = _texts(row, "hint", self.default_language)
        if hint:
            question["help"] = _text_value(hint)
        question["required"] = _truthy(row.get("required", ""))
        if row.get("constraint"):
            options = constraint_to_options(str(row["constraint"]), question["type"])
            question.update(options)
        self._ladder_columns(row, question)
        if row.get("ladder_type"):  # a type XLSForm has no counterpart for (QuestionType.xlsform_row)
            question["type"] = str(row["ladder_type"])
        cond = None
        group_conds = [g[2]["show_if"] for g in stack[1:] if g[2] and g[2].get("show_if")]
        if row.get("relevant"):
            cond = relevant_to_condition(str(row["relevant"]))
        conds = [c for c in [*group_conds, cond] if c]
        if conds:
            cond = conds[0] if len(conds) == 1 else {"all": conds}
            missing = questions_in(cond) - self.seen_ids
            if missing:
                raise Unsupported(f"relevant looks at {', '.join(sorted(missing))}, which is not an earlier question")
            question["show_if"] = cond
        self._ensure_page(questions_in(cond) if cond else set())
        self.page["questions"].append(question)
        self.page_questions.add(qid)
        self.seen_ids.add(qid)

    def _note(self, row, n, stack):
        if row.get("relevant") or (stack and any(g[2] and g[2].get("show_if") for g in stack[1:])):
            raise Unsupported("a note with a condition is not supported (notes become the page's introduction)")
        label = _texts(row, "label", self.default_language)
        if not label:
            return
        self._ensure_page(set())
        if self.page["questions"]:
            # A note after questions starts a new page, so its text stays before the questions it introduces.
            page = self.page
            self._new_page(page["id"], {"nl": page["title"]} if isinstance(page["title"], str) else page["title"],
                           page.get("show_if"))
        intro = self.page.get("intro")
        if intro is None:
            self.page["intro"] = _text_value(label)
        else:
            old = {"nl": intro} if isinstance(intro, str) else dict(intro)
            self.page["intro"] = _text_value({k: "\n\n".join(x for x in (old.get(k), label.get(k)) if x)
                                              for k in {*old, *label}})

    def _range(self, row):
        params = dict(p.split("=", 1) for p in str(row.get("parameters", "")).replace(";", " ").split() if "=" in p)
        try:
            start, end, step = (int(float(params.get(k, d))) for k, d in (("start", 1), ("end", 10), ("step", 1)))
        except ValueError:
            raise Unsupported("range parameters must be whole numbers") from None
        if step != 1 or start >= end:
            raise Unsupported("only a range with step=1 from a smaller to a larger number maps to a scale")
        out = {"min": start, "max": end}
        for key in ("min_label", "max_label"):
            texts = _texts(row, f"ladder_{key}", self.default_language)
            if texts:
                out[key] = _text_value(texts)
        return out

    def _choice_filter(self, row, choices, question):
        """A ``choice_filter`` maps when it is fixed (``groep = 'a'``, on the choices sheet's columns): the
        question keeps the choices it selects. One that depends on an earlier answer (``state = ${state}``)
        does not: ladder's choices do not change with answers."""
        node = _Parser(str(row["choice_filter"]), allow_names=True).parse()
        if _refs(node):
            raise Unsupported("choice_filter that depends on an earlier answer is not supported; "
                              "split the question into one question per case with relevant")
        kept = [c for c in choices if _keeps(node, c["_row_data"], c["value"])]
        if not kept:
            raise Unsupported("choice_filter keeps no choices")
        question["choices"] = [{"value": c["value"], "label": c["label"]} for c in kept]

    def _ladder_columns(self, row, target):
        """Settings XLSForm has no column for, written by export_xlsform in ``ladder_<key>`` columns."""
        for header, value in row.items():
            if not header.startswith("ladder_") or "::" in header or value in (None, ""):
                continue
            key = header.removeprefix("ladder_")
            if key in ("min_label", "max_label", "id") or key in target:
                continue
            target[key] = _cell_value(value)

    def _area_list(self, list_name):
        areas = self.extra.get(LADDER_AREAS)
        if not areas:
            return None
        codes = {str(a.get("code")) for a in areas}
        values = {c["value"] for c in self.lists.get(list_name, [])}
        return areas if values and values <= codes else None

    # ----------------------------------------------------------------------------- survey-level data
    def _mapping(self):
        rows = self.extra.get(LADDER_SHEET)
        if not rows:
            return []
        out, ids = [], {q["id"]: q for p in self.pages for q in p["questions"]}
        for n, row in enumerate(rows, start=2):
            if not row:
                continue
            entry = {k: str(row.get(k, "")).strip() for k in ("question", "choice", "aspect", "rung")}
            if entry["question"] not in ids:
                self.report(LADDER_SHEET, n, f"no question {entry['question']!r}")
                continue
            if not entry["aspect"] or not entry["rung"]:
                self.report(LADDER_SHEET, n, "aspect and rung are needed")
                continue
            out.append(entry)
        return out

    def _survey_data(self):
        settings = {str(r.get("key")): r for r in (self.extra.get(LADDER_SETTINGS) or []) if r.get("key")}
        title = self.settings.get("form_title") or self.path.stem
        data: dict[str, Any] = {}
        for key, row in settings.items():
            if key in ("title", "intro", "purpose", "retention", "audience", "next_steps", "contact"):
                data[key] = _text_value(_texts(row, "value", None) or {"nl": ""})
            else:
                raw = row.get("value")
                try:
                    data[key] = json.loads(raw) if isinstance(raw, str) and raw[:1] in "[{" else raw
                except json.JSONDecodeError:
                    data[key] = raw
        data.setdefault("slug", self.slug or _slug(str(self.settings.get("form_id") or title)))
        if self.slug:
            data["slug"] = self.slug
        data.setdefault("title", str(title))
        if self.municipality:
            data["municipality"] = self.municipality
        data.setdefault("municipality", "Onbekend")
        data.setdefault("intro", "Deze vragenlijst is ingelezen uit een XLSForm.")
        data.setdefault("purpose", "Vul hier in waarvoor de antwoorden worden gebruikt.")
        data.setdefault("retention", "Vul hier in hoe lang de antwoorden worden bewaard.")
        areas = self.extra.get(LADDER_AREAS)
        if areas:
            data["areas"] = []
            for a in areas:
                area = {"code": str(a["code"]), "name": _text_value(_texts(a, "name", None) or {"nl": str(a["code"])})}
                if a.get("kind"):
                    area["kind"] = str(a["kind"])
                if a.get("parent"):
                    area["parent"] = str(a["parent"])
                data["areas"].append(area)
        locales = sorted({loc for p in self.pages for q in p["questions"]
                          for loc in (q["label"] if isinstance(q["label"], dict) else {"nl": 1})},
                         key=list(LOCALES).index)
        if "locales" not in data and locales and locales != ["nl"]:
            data["locales"] = locales
        for page in [p for p in self.pages if not p["questions"]]:
            # Only notes (or only left-out questions): nothing to answer, so no page.
            self.notices.append(Problem(SURVEY, 0, f"page {page['id']!r} has no questions left and is left out"))
        data["pages"] = [p for p in self.pages if p["questions"]]
        return data


def write_survey_file(form, output, *, slug=None, municipality=None, skip_unsupported=False, echo=print) -> int:
    """``ladder import-xlsform``: import, report, and write the TOML survey file; returns the exit code."""
    try:
        imported = import_xlsform(form, slug=slug, municipality=municipality)
    except XLSFormError as exc:
        echo(f"error: {exc}")
        return 1
    for problem in imported.notices:
        echo(f"note: {problem}")
    for problem in imported.unsupported:
        echo(f"{'left out' if skip_unsupported else 'unsupported'}: {problem}")
    if imported.unsupported and not skip_unsupported:
        echo(f"{len(imported.unsupported)} part(s) do not map; nothing written (use --skip-unsupported to leave "
             "them out)")
        return 1
    if not imported.data["pages"]:
        echo("no questions left to write")
        return 1
    from ..survey_file import SurveyFileError, survey_from_dict
    try:
        survey_from_dict(imported.data, source=str(form))
    except SurveyFileError as exc:
        echo(f"error: the result is not a valid survey: {exc}")
        return 1
    Path(output).write_text(survey_file_text(imported), encoding="utf-8")
    echo(f"{imported.data['slug']}: {sum(len(p['questions']) for p in imported.data['pages'])} questions on "
         f"{len(imported.data['pages'])} pages written to {output}")
    return 0


def survey_file_text(imported: Imported) -> str:
    """The survey file (TOML) of an import, with the ladder sheet as ``[[placement]]`` or a stub comment."""
    import tomli_w
    data = _without_none(imported.data)
    if imported.mapping:  # the ladder sheet: simple placement for an instance survey file
        data["placement"] = imported.mapping
    text = tomli_w.dumps(data)
    if not imported.mapping:
        text = ("# Rung logic is not in XLSForm: add a `ladder` sheet (question, choice, aspect, rung) for simple\n"
                "# placement, or give this file to a plugin author (load_survey(path, place=...)).\n") + text
    return text


def _without_none(value):
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value
