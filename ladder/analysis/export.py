"""Write a response frame with the registered exporters; the SPSS writer and the XLSX codebook."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .frame import BUILTIN_LADDERS, codebook, resolve_ladder


def exporters(registry=None) -> dict[str, Any]:
    """Registered exporters by name; without a registry, the built-in ones."""
    if registry is not None:
        return dict(registry.exporters)
    from ..default_plugins.exporters import register_exporters
    return {e.name: e for e in register_exporters(app=None)}


def export(frame: pd.DataFrame, survey, fmt: str, path_or_fh: str | os.PathLike | BinaryIO, registry=None) -> None:
    """Write ``frame`` in format ``fmt`` (csv, xlsx, parquet, json, sav, or a plugin's) to a path or binary file."""
    available = exporters(registry)
    if fmt not in available:
        raise ValueError(f"unknown export format {fmt!r}; available: {', '.join(sorted(available))}")
    write = available[fmt].write
    if hasattr(path_or_fh, "write"):
        write(frame, survey, path_or_fh)
        return
    with open(path_or_fh, "wb") as fh:
        write(frame, survey, fh)


def frame_codebook(frame: pd.DataFrame, survey) -> pd.DataFrame:
    """The codebook of ``frame``: from the survey and the ladder named in ``frame.attrs``."""
    ladder = frame.attrs.get("ladder_object")
    if ladder is None:
        ladder_id = frame.attrs.get("ladder", survey.ladder)
        ladder = BUILTIN_LADDERS.get(ladder_id)
    try:
        book = codebook(survey, ladder=resolve_ladder(survey, ladder))
    except ValueError:  # a plugin's own ladder without a registry: labels from the frame only
        book = codebook_from_labels(frame)
    return book[book["column"].isin(frame.columns)].reset_index(drop=True)


def codebook_from_labels(frame: pd.DataFrame) -> pd.DataFrame:
    labels = frame.attrs.get("labels", {})
    rows = []
    for col in frame.columns:
        values = labels.get(col) or {}
        if values:
            rows += [{"column": col, "question": "", "type": "", "label": col, "value": str(v), "value_label": lab}
                     for v, lab in values.items()]
        else:
            rows.append({"column": col, "question": "", "type": "", "label": col, "value": "", "value_label": ""})
    return pd.DataFrame(rows, columns=["column", "question", "type", "label", "value", "value_label"])


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
    book = frame_codebook(frame, survey)
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
