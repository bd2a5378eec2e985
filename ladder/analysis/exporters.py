"""Exporters: write a response frame to a file in one format. The built-in ones (CSV, JSON, XLSX with
labels and codebook sheets, Parquet, SPSS .sav) are registered like any plugin's, by
``ladder.default_plugins.analysis``.

Options (``export(..., labels=True, dialect="excel-nl")``; each exporter lists the ones it takes):
``labels`` writes value labels ("Soms") instead of codes ("soms") in CSV, XLSX and JSON;
``dialect="excel-nl"`` writes a CSV that Dutch Excel opens in columns (see :func:`write_csv`).
"""
from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from .. import conditions
from .frame import CODEBOOK_COLUMNS
from .plugin_types import Exporter, exporter_for


def export(frame: pd.DataFrame, survey, fmt: str, path_or_fh: str | os.PathLike | BinaryIO, registry,
           **options) -> Exporter:
    """Write ``frame`` in format ``fmt`` (csv, xlsx, parquet, json, sav, or a plugin's) to a path or
    binary file; ``options`` go to the exporter (``labels``, ``dialect``), which must take them
    (:func:`exporter_for`). Returns the exporter (its extension and mimetype name the file)."""
    exporter = exporter_for(registry, fmt, **options)
    write = functools.partial(exporter.write, **options) if options else exporter.write
    if hasattr(path_or_fh, "write"):
        write(frame, survey, path_or_fh)
        return exporter
    with open(path_or_fh, "wb") as fh:
        write(frame, survey, fh)
    return exporter


DESIGN_NUMBERS = ("weight", "population", "jk_scale")  # the design's numbers in an export: never answer codes

# Columns an analyst or a command adds, with their codebook label.
ADDED_LABELS = {"response_id": "Nummer van het antwoord (in de database)",
                "weight": "Gewicht (raking naar leeftijd en geslacht, gemiddeld 1 per gebied)",
                "population": ("Inwoners van het gebied volgens de bevolkingscijfers "
                               "(voor de eindigepopulatiecorrectie)"),
                "jk_scale": "Schaal van de jackknife-replicaat zonder deze deelnemer: (1 - n/N)(n - 1)/n in het gebied",
                "cal_age": "Wegingscel leeftijd (raking; onbekend = niet ingevuld of geen bevolkingscijfer)",
                "cal_sex": "Wegingscel geslacht (raking; onbekend = niet ingevuld of geen bevolkingscijfer)",
                "cal_age_sex": "Wegingscel leeftijd en geslacht samen (raking)"}


def frame_codebook(frame: pd.DataFrame) -> pd.DataFrame:
    """The codebook of ``frame`` (see ``ladder.analysis.codebook``), for the columns it still has."""
    rows = [row for row in frame.attrs.get("codebook", []) if row["column"] in frame.columns]
    known = {row["column"] for row in rows}
    rows += [{"column": c, "question": "", "type": "", "label": ADDED_LABELS.get(c, c), "value": "", "value_label": ""}
             for c in frame.columns if c not in known]  # columns an analyst added, such as weight
    book = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)
    order = {c: i for i, c in enumerate(frame.columns)}
    return book.sort_values("column", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def labels_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``column, value, label`` for every coded column of ``frame`` (the XLSX ``labels`` sheet)."""
    labels = frame.attrs.get("labels", {})
    rows = [{"column": col, "value": str(v), "label": str(label)}
            for col in frame.columns for v, label in labels.get(col, {}).items()]
    return pd.DataFrame(rows, columns=["column", "value", "label"])


# --- text a spreadsheet would evaluate ----------------------------------------------------------------
#
# OWASP (CSV Injection) and ASVS 1.2.10 name the cells a spreadsheet runs as a formula: those that
# start with = + - @ (and tab or carriage return, which some spreadsheets skip before one of them).
# Neutralising every such cell put an apostrophe before legitimate answers ("-2", "+31 6 12345678",
# "- meer bankjes"). What a spreadsheet does with a cell:
#   "=..."            always a formula: neutralised.
#   "-2", "+3,5"      a plain (signed) number: Excel reads the number, there is no formula to run and
#                     nothing else can follow; left as it is.
#   "- meer bankjes"  Excel parses it as the formula =- meer bankjes (#NAME?), and a sign followed by
#                     anything but a plain number is how payloads start ("-2+3+cmd|'/c calc'!A0",
#                     "+HYPERLINK(...)"), so: neutralised.
#   "+31 6 12345678"  not a plain number (spaces), parsed as a formula: neutralised.
#   "@..."            @ starts a function in Lotus/Excel ("@SUM(...)"): neutralised unless a plain number.
#   "-"               a sign alone is not a formula (Excel keeps it as text): left as it is.
#   "{=...}"          array-formula notation; not on OWASP's list, neutralised to be safe (as before).
# Neutralising is OWASP's: a leading apostrophe, which the spreadsheet hides and shows the text.
_PLAIN_NUMBER = re.compile(r"\d+([.,]\d+)?([eE][+-]?\d+)?")


def needs_defusing(value: str) -> bool:
    """True when a spreadsheet opening ``value`` as a CSV cell would evaluate it as a formula."""
    if not value:
        return False
    first = value[0]
    if first in "=\t\r\n":
        return True
    if first == "{" and value[1:].lstrip().startswith("="):  # array-formula notation {=...}: to be safe
        return True
    if first in "+-@":  # a sign alone ("-" for "no answer") is text; a sign and a plain number a number
        return len(value) > 1 and not _PLAIN_NUMBER.fullmatch(value[1:])
    return False


def defuse(value):
    """``value`` with a leading apostrophe when a spreadsheet would evaluate it (see :func:`needs_defusing`)."""
    return "'" + value if isinstance(value, str) and needs_defusing(value) else value


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells a spreadsheet would evaluate start with an apostrophe (for CSV,
    which has no cell types; XLSX cells are written as text and need nothing)."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            out[col] = s.map(defuse, na_action="ignore")
        elif isinstance(s.dtype, pd.CategoricalDtype) and any(isinstance(c, str) and needs_defusing(c)
                                                               for c in s.cat.categories):
            out[col] = s.cat.rename_categories(lambda c: defuse(c) if isinstance(c, str) else c)
    return out


def with_labels(frame: pd.DataFrame, booleans: tuple[str, str] | None = None) -> pd.DataFrame:
    """A copy with value labels instead of codes in the coded columns (``attrs["labels"]``)."""
    labels = frame.attrs.get("labels", {})
    out = frame.copy()
    for col, mapping in labels.items():
        if col not in out.columns or not mapping:
            continue
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            named = [str(mapping.get(c, c)) for c in s.cat.categories]
            if len(set(named)) == len(named):
                out[col] = s.cat.rename_categories(named)
        elif isinstance(s.dtype, pd.BooleanDtype):
            out[col] = s.astype(object).map(lambda v: mapping.get(bool(v), v), na_action="ignore").astype("string")
    return out


# --- CSV -------------------------------------------------------------------------------------------------

def _csv_frame(frame: pd.DataFrame, dialect: str, labels: bool) -> pd.DataFrame:
    out = with_labels(frame) if labels else frame.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = _local_times(s) if dialect == "excel-nl" else _naive_times(s)
        elif dialect == "excel-nl" and isinstance(s.dtype, pd.BooleanDtype):
            out[col] = s.astype(object).map({True: "ja", False: "nee"}, na_action="ignore")
    # only a spreadsheet runs formulas: the plain CSV (pandas, R) keeps every answer exactly as stored
    return defuse_formulas(out) if for_spreadsheets(dialect) else out


def for_spreadsheets(dialect: str) -> bool:
    """True for the CSV dialects made to be opened in Excel (they neutralise formulas)."""
    return dialect.startswith("excel")


def write_csv(frame, survey, fh, dialect: str = "default", labels: bool = False):
    """CSV in UTF-8 with a BOM (Excel reads UTF-8 correctly).

    ``dialect="default"``: comma separated, decimal point, ``True``/``False``, times in UTC (days as
    dates), every text exactly as stored: what pandas, R and Python read as they are.
    ``dialect="excel-nl"``: what Dutch Excel opens in columns: semicolon separated, decimal comma,
    ``ja``/``nee``, times in Europe/Amsterdam local time to the second (days as dates), and text that
    Excel would run as a formula neutralised (:func:`defuse`). ``labels``: value labels instead of codes.
    """
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    out = _csv_frame(frame, dialect, labels)
    if dialect == "excel-nl":
        out.to_csv(text, index=False, sep=";", decimal=",")
    else:
        out.to_csv(text, index=False)
    text.flush()
    text.detach()


def write_json(frame, survey, fh, labels: bool = False):
    out = with_labels(frame) if labels else frame
    fh.write(out.to_json(orient="records", date_format="iso", force_ascii=False).encode())


def _is_days(s: pd.Series) -> bool:
    present = s.dropna()
    return bool((present == present.dt.normalize()).all())


def _naive_times(s: pd.Series) -> pd.Series:
    """Times in UTC without the offset (Excel has no time zones); days (ladder stores when a response
    came in only to the day, so no one can be found by the minute they answered) as dates."""
    naive = s.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.dt.date if _is_days(s.dt.tz_convert("UTC")) else naive


def _local_times(s: pd.Series) -> pd.Series:
    """Days as dates; other times in Europe/Amsterdam, to the second, without offset."""
    utc = s.dt.tz_convert("UTC")
    if _is_days(utc):
        return utc.dt.date
    return s.dt.tz_convert("Europe/Amsterdam").dt.tz_localize(None).dt.floor("s").dt.strftime("%Y-%m-%d %H:%M:%S")


# --- XLSX ------------------------------------------------------------------------------------------------

# Text is written as text: no formula, no link and no number is ever made of what a resident typed. The
# writer below only calls write_string for text, so a formula cannot arise; these options are a second lock.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                "constant_memory": True}


def _cell_writer(ws, s: pd.Series, formats: dict):
    """A function (row, col, value) that writes one value of ``s`` with its own type; text is only
    ever written with ``write_string``."""
    dtype = s.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M") or \
            (dtype == object and s.dropna().map(lambda v: isinstance(v, date)).all() and s.notna().any()):
        return lambda r, c, v: ws.write_datetime(r, c, v, formats["time" if isinstance(v, datetime) else "date"])
    if isinstance(dtype, pd.BooleanDtype) or dtype == bool:
        return lambda r, c, v: ws.write_boolean(r, c, bool(v))
    if isinstance(dtype, pd.CategoricalDtype):
        if all(isinstance(x, int | np.integer) for x in dtype.categories):
            return lambda r, c, v: ws.write_number(r, c, int(v))
        return lambda r, c, v: ws.write_string(r, c, str(v))
    if pd.api.types.is_numeric_dtype(dtype):
        return lambda r, c, v: ws.write_number(r, c, float(v))
    return lambda r, c, v: ws.write_string(r, c, str(v))


def _write_sheet(workbook, name: str, table: pd.DataFrame, formats: dict) -> None:
    """One sheet: a bold header, frozen, with a filter; every cell written with its own type."""
    ws = workbook.add_worksheet(name)
    ws.freeze_panes(1, 0)
    columns = list(table.columns)
    for c, col in enumerate(columns):
        ws.write_string(0, c, str(col), formats["header"])
        ws.set_column(c, c, min(max(len(str(col)) + 2, 10), 40))
    ws.autofilter(0, 0, max(len(table), 1), max(len(columns) - 1, 0))
    prepared = []
    for col in columns:
        s = table[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = _naive_times(s)  # Excel has no time zones: UTC, days as dates
        values = s.astype(object).where(s.notna(), None).tolist()
        prepared.append((_cell_writer(ws, s, formats), values))
    for r in range(len(table)):  # row by row: constant_memory writes each row out before the next
        for c, (writer, values) in enumerate(prepared):
            v = values[r]
            if v is not None:
                writer(r + 1, c, v)


def write_xlsx(frame, survey, fh, labels: bool = False):
    """Sheet ``antwoorden`` with the frame (codes, or value labels with ``labels``), sheet ``labels`` with
    each coded column's values and labels, sheet ``codebook`` with each column's question, type and
    value labels. Header frozen and filterable; numbers as numbers, days as dates, text as text."""
    import xlsxwriter
    out = with_labels(frame) if labels else frame
    with tempfile.TemporaryDirectory() as tmp:  # constant_memory needs a file, not a stream
        path = Path(tmp) / "export.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {**XLSX_OPTIONS, "tmpdir": tmp})
        formats = {"header": workbook.add_format({"bold": True}),
                   "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
                   "time": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})}
        _write_sheet(workbook, "antwoorden", out, formats)
        if survey is not None:
            _write_sheet(workbook, "labels", labels_table(frame), formats)
            _write_sheet(workbook, "codebook", frame_codebook(frame), formats)
        workbook.close()
        with open(path, "rb") as src:
            shutil.copyfileobj(src, fh)


# --- Parquet -----------------------------------------------------------------------------------------------

PARQUET_KEY = b"ladder"  # schema metadata: the columns whose categories are numbers, to read them back as such


def write_parquet(frame, survey, fh):
    """Parquet keeping the types. Parquet keeps categories (and their order) only for text, so a
    scale's categories 1..5 are written as the text "1".."5" (still an ordered categorical when read
    back); :func:`read_parquet` turns them into numbers again."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    out = frame.copy()
    numeric = []
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype) and len(s.cat.categories) and \
                all(isinstance(c, int | np.integer) for c in s.cat.categories):
            out[col] = s.cat.rename_categories([str(c) for c in s.cat.categories])
            numeric.append(col)
    table = pa.Table.from_pandas(out, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[PARQUET_KEY] = json.dumps({"integer_categories": numeric}).encode()
    pq.write_table(table.replace_schema_metadata(meta), fh)


def read_parquet(path_or_fh) -> pd.DataFrame:
    """Read a ladder Parquet export with scales' categories as numbers again (ordered)."""
    import pyarrow.parquet as pq
    table = pq.read_table(path_or_fh)
    frame = table.to_pandas()
    info = json.loads((table.schema.metadata or {}).get(PARQUET_KEY, b"{}"))
    for col in info.get("integer_categories", []):
        s = frame[col]
        frame[col] = s.cat.rename_categories([int(c) for c in s.cat.categories])
    return frame


# --- SPSS ------------------------------------------------------------------------------------------------

_SPSS_NAME = re.compile(r"[^A-Za-z0-9_.]")
NOT_SHOWN, LEFT_EMPTY = -1.0, -2.0  # user-missing codes of the answer columns
MISSING_LABELS = {NOT_SHOWN: "niet getoond (overgeslagen door de vragenlijst)", LEFT_EMPTY: "leeg gelaten"}


def spss_name(column: str, taken: set[str]) -> str:
    """A valid, unique SPSS variable name (letters, digits, _ and .; starts with a letter; 64 bytes)."""
    name = _SPSS_NAME.sub("_", column)
    if not name or not name[0].isalpha():
        name = "v" + name
    name = name[:64].rstrip(".")
    base, i = name, 1
    while name.lower() in taken:
        i += 1
        name = f"{base[:60]}_{i}"
    taken.add(name.lower())
    return name


def shown(frame: pd.DataFrame, survey) -> dict[str, np.ndarray]:
    """Column -> whether its question was shown to each respondent (skip logic on page and question),
    for the answer columns of ``frame``. A condition ladder cannot evaluate on the frame counts as shown."""
    out: dict[str, np.ndarray] = {}
    if survey is None:
        return out
    questions = dict(frame.attrs.get("questions", {}))
    if "area" in frame.columns and frame.attrs.get("area_question"):  # its answer is the frame's area column
        questions[frame.attrs["area_question"]] = ["area"]
    for page in survey.pages:
        page_mask = _condition(frame, page.show_if, questions)
        for question in page.questions:
            mask = page_mask & _condition(frame, question.show_if, questions)
            for col in questions.get(question.id, []):
                if col != "area":
                    out[col] = mask
    return out


def _condition(frame: pd.DataFrame, condition, questions: dict) -> np.ndarray:
    """``ladder.conditions.evaluate`` over every row of the frame at once."""
    n = len(frame)

    def read(qid):  # the question's answers as conditions.evaluate_columns reads them
        cols = [c for c in questions.get(qid, []) if c in frame.columns]
        if not cols:
            return None
        multi = [c for c in cols if isinstance(frame[c].dtype, pd.BooleanDtype)]
        if multi:  # multiple choice: a list of the chosen values
            chosen = {c.split("__", 1)[1]: frame[c].fillna(False).to_numpy(dtype=bool) for c in multi}
            return None, chosen, np.logical_or.reduce(list(chosen.values()))
        if len(cols) > 1:  # ranking: a list in order
            chosen = {}
            for c in cols:
                for v in frame[c].dropna().unique():
                    chosen[v] = chosen.get(v, np.zeros(n, bool)) | (frame[c] == v).fillna(False).to_numpy(dtype=bool)
            return None, chosen, frame[cols[0]].notna().to_numpy()
        s = frame[cols[0]]
        return s.astype(object), None, (s.notna() & (s.astype(object) != "")).to_numpy(dtype=bool)

    return conditions.evaluate_columns(condition, read, n)


def _width(values) -> int:
    return max((len(str(int(v))) for v in values), default=1)


def sav_frame(frame: pd.DataFrame, survey) -> tuple[pd.DataFrame, dict, dict, dict]:
    """Numeric SPSS data: categoricals become codes 1..n (scales keep their own numbers) with value labels.

    Returns (data, column_labels, value_labels, measures) keyed by SPSS variable name; the formats
    and user-missing values are in ``data.attrs["formats"]`` and ``data.attrs["missing"]``.
    """
    book = frame_codebook(frame)
    col_labels = dict(book.drop_duplicates("column")[["column", "label"]].itertuples(index=False))
    labels = frame.attrs.get("labels", {})
    visible = shown(frame, survey)
    taken: set[str] = set()
    data, names_labels, value_labels, measures, formats, missing = {}, {}, {}, {}, {}, {}

    def user_missing(name, col, values: pd.Series) -> pd.Series:
        """Answers left empty and questions not shown get their own user-missing code."""
        if col not in visible:
            return values
        empty = values.isna().to_numpy()
        values = values.copy()
        values[empty & visible[col]] = LEFT_EMPTY
        values[empty & ~visible[col]] = NOT_SHOWN
        missing[name] = [NOT_SHOWN, LEFT_EMPTY]
        value_labels.setdefault(name, {}).update(MISSING_LABELS)
        return values

    for col in frame.columns:
        name = spss_name(col, taken)
        s = frame[col]
        names_labels[name] = str(col_labels.get(col, col))[:255]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = list(s.cat.categories)
            numeric = all(isinstance(c, int | np.integer) for c in cats)
            col_value_labels = labels.get(col, {})
            if numeric:
                values = s.astype("float64")
                value_labels[name] = {float(c): str(col_value_labels.get(c, c)) for c in cats}
                codes = [float(c) for c in cats]
            else:
                codes = s.cat.codes.astype("float64")
                values = codes.where(codes >= 0) + 1
                value_labels[name] = {float(i + 1): str(col_value_labels.get(c, c)) for i, c in enumerate(cats)}
                codes = [float(i + 1) for i in range(len(cats))]
            if not numeric or min(codes, default=0) >= 0:
                values = user_missing(name, col, values)
            data[name] = values
            formats[name] = f"F{_width(codes + ([NOT_SHOWN] if name in missing else []))}.0"
            measures[name] = "ordinal" if s.cat.ordered else "nominal"
        elif isinstance(s.dtype, pd.BooleanDtype) or s.dtype == bool:
            data[name] = user_missing(name, col, s.astype("Float64").astype("float64"))
            value_labels.setdefault(name, {}).update({0.0: "niet gekozen", 1.0: "gekozen"})
            formats[name] = "F2.0" if name in missing else "F1.0"
            measures[name] = "nominal"
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            utc = s.dt.tz_convert("UTC").dt.tz_localize(None)
            data[name] = utc
            formats[name] = "DATE11" if _is_days(s.dt.tz_convert("UTC")) else "DATETIME20"
            measures[name] = "scale"
        elif pd.api.types.is_numeric_dtype(s.dtype):
            values = s.astype("Float64").astype("float64")
            whole = isinstance(s.dtype, pd.Int64Dtype) or pd.api.types.is_integer_dtype(s.dtype)
            if (values.dropna() >= 0).all() and col not in DESIGN_NUMBERS:  # codes below 0 cannot be answers
                values = user_missing(name, col, values)
            data[name] = values
            present = values.dropna()
            formats[name] = (f"F{max(_width(present.tolist() or [0]), 2)}.0" if whole
                             else f"F{max(_width(present.tolist() or [0]) + 5, 8)}.{4 if col in DESIGN_NUMBERS else 2}")
            measures[name] = "scale"
        else:
            text = s.astype(object).where(s.notna(), "").astype(str)
            data[name] = text
            # no rows (none yet, or all withdrawn): the longest length is NaN, and SPSS wants at least A1
            formats[name] = f"A{max(int(text.str.len().fillna(0).max()) if len(text) else 1, 1)}"
            measures[name] = "nominal"
    out = pd.DataFrame(data)
    out.attrs.update(formats=formats, missing=missing)
    return out, names_labels, value_labels, measures


def write_sav(frame, survey, fh) -> None:
    """SPSS .sav with variable labels, value labels, formats without decimals for codes (F1.0 ...),
    user-missing codes -1 (not shown by skip logic) and -2 (left empty), and measurement levels
    (ordinal for scales, ordered choices and rungs) by pyreadstat."""
    import pyreadstat
    data, col_labels, val_labels, measures = sav_frame(frame, survey)
    formats, missing = data.attrs.pop("formats"), data.attrs.pop("missing")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.sav"
        pyreadstat.write_sav(data, str(path), column_labels=col_labels, variable_value_labels=val_labels,
                             variable_measure=measures, variable_format=formats, missing_ranges=missing,
                             file_label=str(getattr(survey, "slug", ""))[:64])
        with open(path, "rb") as src:
            shutil.copyfileobj(src, fh)
