"""Exporters: write a response frame to a file in one format. The built-in ones (CSV, JSON, XLSX with
a codebook sheet, Parquet, SPSS .sav) are registered like any plugin's, by ``ladder.default_plugins.analysis``.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .frame import CODEBOOK_COLUMNS


@dataclass(frozen=True)
class Exporter:
    """``write(frame, survey, fh)`` writes the frame to the binary file ``fh``."""

    name: str
    extension: str
    mimetype: str
    write: Callable[[Any, Any, BinaryIO], None]


def export(frame: pd.DataFrame, survey, fmt: str, path_or_fh: str | os.PathLike | BinaryIO, registry) -> None:
    """Write ``frame`` in format ``fmt`` (csv, xlsx, parquet, json, sav, or a plugin's) to a path or binary file."""
    available = registry.exporters
    if fmt not in available:
        raise ValueError(f"unknown export format {fmt!r}; available: {', '.join(sorted(available))}")
    write = available[fmt].write
    if hasattr(path_or_fh, "write"):
        write(frame, survey, path_or_fh)
        return
    with open(path_or_fh, "wb") as fh:
        write(frame, survey, fh)


def frame_codebook(frame: pd.DataFrame) -> pd.DataFrame:
    """The codebook of ``frame`` (see ``ladder.analysis.codebook``), for the columns it still has."""
    rows = [row for row in frame.attrs.get("codebook", []) if row["column"] in frame.columns]
    known = {row["column"] for row in rows}
    rows += [{"column": c, "question": "", "type": "", "label": c, "value": "", "value_label": ""}
             for c in frame.columns if c not in known]  # columns an analyst added, such as weight
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)


_FORMULA_START = ("=", "+", "-", "@", "{", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (or a DDE/array formula) with an apostrophe.

    For CSV, which has no cell types; XLSX cells are written as text and need no prefix.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.CategoricalDtype | pd.StringDtype):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def write_csv(frame, survey, fh):
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")  # BOM: Excel reads UTF-8 correctly
    defuse_formulas(_naive_times(frame)).to_csv(text, index=False)
    text.flush()
    text.detach()


def write_json(frame, survey, fh):
    fh.write(frame.to_json(orient="records", date_format="iso", force_ascii=False).encode())


# Text is written as text: no formula, no link and no number is ever made of what a resident typed.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def write_xlsx(frame, survey, fh):
    """Sheet ``antwoorden`` with the frame, sheet ``codebook`` with each column's question, type and value labels."""
    with pd.ExcelWriter(fh, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        _naive_times(frame).to_excel(writer, sheet_name="antwoorden", index=False)
        if survey is not None:
            frame_codebook(frame).to_excel(writer, sheet_name="codebook", index=False)


def write_parquet(frame, survey, fh):
    frame.to_parquet(fh, index=False)


def _naive_times(frame):
    """Times in UTC without the offset (Excel has no time zones); days (ladder stores when a response
    came in only to the day, so no one can be found by the minute they answered) as dates."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            naive = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
            out[col] = naive.dt.date if (naive.dropna() == naive.dropna().dt.normalize()).all() else naive
    return out


# --- SPSS ------------------------------------------------------------------------------------------

_SPSS_NAME = re.compile(r"[^A-Za-z0-9_.]")


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


def sav_frame(frame: pd.DataFrame, survey) -> tuple[pd.DataFrame, dict, dict, dict]:
    """Numeric SPSS data: categoricals become codes 1..n (scales keep their own numbers) with value labels.

    Returns (data, column_labels, value_labels, measures) keyed by SPSS variable name.
    """
    book = frame_codebook(frame)
    col_labels = dict(book.drop_duplicates("column")[["column", "label"]].itertuples(index=False))
    labels = frame.attrs.get("labels", {})
    taken: set[str] = set()
    data, names_labels, value_labels, measures = {}, {}, {}, {}
    for col in frame.columns:
        name = spss_name(col, taken)
        s = frame[col]
        names_labels[name] = str(col_labels.get(col, col))[:255]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = list(s.cat.categories)
            numeric = all(isinstance(c, int | np.integer) for c in cats)
            col_value_labels = labels.get(col, {})
            if numeric:
                data[name] = s.astype("float64")
                value_labels[name] = {float(c): str(col_value_labels.get(c, c)) for c in cats}
            else:
                codes = s.cat.codes.astype("float64")
                data[name] = codes.where(codes >= 0) + 1
                value_labels[name] = {float(i + 1): str(col_value_labels.get(c, c)) for i, c in enumerate(cats)}
            measures[name] = "ordinal" if s.cat.ordered else "nominal"
        elif isinstance(s.dtype, pd.BooleanDtype) or s.dtype == bool:
            data[name] = s.astype("Float64").astype("float64")
            value_labels[name] = {0.0: "niet gekozen", 1.0: "gekozen"}
            measures[name] = "nominal"
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            data[name] = s.dt.tz_convert("UTC").dt.tz_localize(None)
            measures[name] = "scale"
        elif pd.api.types.is_numeric_dtype(s.dtype):
            data[name] = s.astype("Float64").astype("float64")
            measures[name] = "scale"
        else:
            data[name] = s.astype(object).where(s.notna(), "").astype(str)
            measures[name] = "nominal"
    return pd.DataFrame(data), names_labels, value_labels, measures


def write_sav(frame, survey, fh) -> None:
    """SPSS .sav with variable labels, value labels and measurement levels (pyreadstat)."""
    import pyreadstat
    data, col_labels, val_labels, measures = sav_frame(frame, survey)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.sav"
        pyreadstat.write_sav(data, str(path), column_labels=col_labels, variable_value_labels=val_labels,
                             variable_measure=measures, file_label=str(getattr(survey, "slug", ""))[:64])
        with open(path, "rb") as src:
            shutil.copyfileobj(src, fh)


BUILTIN_EXPORTERS = (
    Exporter("csv", "csv", "text/csv", write_csv),
    Exporter("json", "json", "application/json", write_json),
    Exporter("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx),
    Exporter("parquet", "parquet", "application/vnd.apache.parquet", write_parquet),
    Exporter("sav", "sav", "application/x-spss-sav", write_sav),
)
