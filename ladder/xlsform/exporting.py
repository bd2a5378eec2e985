"""Write a survey as an XLSForm workbook (``export_xlsform``): the survey, choices and settings sheets, and
ladder's own sheets (``ladder_settings``, ``ladder_areas``, ``ladder``) that XLSForm tools ignore."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..conditions import to_xpath
from ..question_types import QuestionType
from ..text import LOCALES
from .importing import CHOICES, LADDER_AREAS, LADDER_SETTINGS, LADDER_SHEET, SETTINGS, SURVEY, _cell
from .xpath import _builtin_types


def _put(row, base, value):
    if value is None:
        return
    for loc, s in (value if isinstance(value, dict) else {"nl": value}).items():
        row[f"{base}::{loc}"] = s


def export_xlsform(definition: Mapping[str, Any], path_or_fh, mapping: list[Mapping[str, str]] | None = None,
                   types: Mapping[str, QuestionType] | None = None):
    """Write a survey file's data (``Survey.definition``) as an XLSForm workbook; ``types`` are the
    registry's question types (the built-in ones by default), each of which maps its own questions."""
    from openpyxl import Workbook
    types = _builtin_types() if types is None else types
    survey_rows, choice_rows = [], []
    area_list = None
    if definition.get("areas"):
        area_list = "areas"
        for a in definition["areas"]:
            row = {"list_name": area_list, "name": a["code"]}
            _put(row, "label", a["name"])
            choice_rows.append(row)
    for page in definition["pages"]:
        # XLSForm names are unique across groups and questions; a page may share its id with a question.
        group = {"type": "begin group", "name": f"page_{page['id']}", "ladder_id": page["id"]}
        _put(group, "label", page["title"])
        if page.get("show_if"):
            group["relevant"] = to_xpath(page["show_if"])
        group["appearance"] = "field-list"
        for key, value in page.items():
            if key not in ("id", "title", "intro", "questions", "show_if"):
                group[f"ladder_{key}"] = _cell(value)
        survey_rows.append(group)
        if page.get("intro"):
            note = {"type": "note", "name": f"{page['id'].replace('-', '_')}_intro"}
            _put(note, "label", page["intro"])
            survey_rows.append(note)
        for q in page["questions"]:
            survey_rows.append(_question_row(q, choice_rows, area_list, types))
        survey_rows.append({"type": "end group"})
    book = Workbook()
    sheet = book.active
    sheet.title = SURVEY
    fixed = ["type", "name"]
    keys = []
    for r in survey_rows:
        for k in r:
            if k not in keys:
                keys.append(k)
    label_cols = sorted([k for k in keys if k.startswith("label::")], key=_loc_order)
    hint_cols = sorted([k for k in keys if k.startswith("hint::")], key=_loc_order)
    rest = [k for k in keys if k not in fixed and k not in label_cols and k not in hint_cols]
    _write(sheet, fixed + label_cols + hint_cols + rest, survey_rows)
    ckeys = ["list_name", "name"] + sorted({k for r in choice_rows for k in r if k.startswith("label::")},
                                           key=_loc_order)
    _write(book.create_sheet(CHOICES), ckeys, choice_rows)
    _write(book.create_sheet(SETTINGS), ["form_title", "form_id", "default_language"],
           [{"form_title": _nl(definition["title"]), "form_id": definition["slug"], "default_language": "nl"}])
    settings_rows = []
    for key, value in definition.items():
        if key in ("pages", "areas", "slug"):
            continue
        row = {"key": key}
        if key in ("title", "intro", "purpose", "retention", "audience", "next_steps", "contact"):
            _put(row, "value", value)
            if "value::nl" in row:
                row["value"] = row.pop("value::nl")
        else:
            row["value"] = json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict | list) \
                else value
        settings_rows.append(row)
    settings_rows.append({"key": "slug", "value": definition["slug"]})
    skeys = ["key", "value"] + sorted({k for r in settings_rows for k in r if k.startswith("value::")},
                                      key=_loc_order)
    _write(book.create_sheet(LADDER_SETTINGS), skeys, settings_rows)
    if definition.get("areas"):
        arows = []
        for a in definition["areas"]:
            row = {"code": a["code"], "kind": a.get("kind", "kern"), "parent": a.get("parent")}
            _put(row, "name", a["name"])
            row["name"] = row.pop("name::nl")
            arows.append(row)
        akeys = ["code", "name"] + sorted({k for r in arows for k in r if k.startswith("name::")}, key=_loc_order) \
            + ["kind", "parent"]
        _write(book.create_sheet(LADDER_AREAS), akeys, arows)
    _write(book.create_sheet(LADDER_SHEET), ["question", "choice", "aspect", "rung"], list(mapping or []))
    book.save(path_or_fh)


def _loc_order(header):
    loc = header.split("::", 1)[1]
    return list(LOCALES).index(loc) if loc in LOCALES else 99


def _nl(value):
    return value.get("nl") if isinstance(value, dict) else value


def _write(sheet, headers, rows):
    for values in [headers, *([r.get(h) for h in headers] for r in rows)]:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl takes any text that starts with "=" for a formula: keep it text
                cell.data_type = "s"


def _question_row(q, choice_rows, area_list, types):
    qtype = types.get(q["type"])
    if qtype is None:
        raise ValueError(f"question {q['id']}: no question type {q['type']!r}")
    row: dict[str, Any] = {"name": q["id"]}
    _put(row, "label", q["label"])
    _put(row, "hint", q.get("help"))
    row.update(qtype.xlsform_row(q, area_list))  # type, and parameters or appearance where XLSForm has them
    for c in q.get("choices", []):
        crow = {"list_name": q["id"], "name": c["value"]}
        _put(crow, "label", c["label"])
        choice_rows.append(crow)
    _put(row, "ladder_min_label", q.get("min_label"))
    _put(row, "ladder_max_label", q.get("max_label"))
    row["required"] = "yes" if q.get("required", True) else "no"
    if qtype.xlsform_bounds:
        target, settings = qtype.xlsform_bounds
        on = "." if target == "self" else f"{target}(.)"
        bounds = [f"{on} {op} {q[key]}" for op, key in settings.items() if key in q]
        if bounds:
            row["constraint"] = " and ".join(bounds)
    if q.get("show_if"):
        row["relevant"] = to_xpath(q["show_if"])
    native = {"id", "type", "label", "help", "required", "choices", "show_if", "min_label", "max_label"}
    for key, value in q.items():
        if key not in native and key not in qtype.xlsform_options:
            row[f"ladder_{key}"] = _cell(value)
    type_row = {"type": row.pop("type")}
    return {**type_row, **{k: v for k, v in row.items() if v is not None}}
