"""Built-in exporters: CSV, JSON, XLSX (with a codebook sheet), Parquet and SPSS .sav, registered like any plugin's."""
from __future__ import annotations

import io

import pandas as pd

from ..exporters import Exporter
from ..hookspecs import hookimpl

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.CategoricalDtype | pd.StringDtype):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def write_csv(frame, survey, fh):
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")  # BOM: Excel reads UTF-8 correctly
    defuse_formulas(frame).to_csv(text, index=False)
    text.flush()
    text.detach()


def write_json(frame, survey, fh):
    fh.write(frame.to_json(orient="records", date_format="iso", force_ascii=False).encode())


def write_xlsx(frame, survey, fh):
    """Sheet ``antwoorden`` with the frame, sheet ``codebook`` with each column's question, type and value labels."""
    from ..analysis.export import frame_codebook
    with pd.ExcelWriter(fh, engine="xlsxwriter") as writer:
        defuse_formulas(_naive_times(frame)).to_excel(writer, sheet_name="antwoorden", index=False)
        if survey is not None:
            defuse_formulas(frame_codebook(frame, survey)).to_excel(writer, sheet_name="codebook", index=False)


def write_sav(frame, survey, fh):
    from ..analysis.export import write_sav as _write_sav
    _write_sav(frame, survey, fh)


def write_parquet(frame, survey, fh):
    frame.to_parquet(fh, index=False)


def _naive_times(frame):
    # Excel has no time zones: write times in UTC without the offset.
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


@hookimpl(trylast=True)
def register_exporters(app):
    return [
        Exporter("csv", "csv", "text/csv", write_csv),
        Exporter("json", "json", "application/json", write_json),
        Exporter("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx),
        Exporter("parquet", "parquet", "application/vnd.apache.parquet", write_parquet),
        Exporter("sav", "sav", "application/x-spss-sav", write_sav),
    ]
