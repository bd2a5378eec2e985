"""Exports keep what residents wrote and what the survey means (issue 27): the plain CSV keeps text as
stored (only the Excel dialects neutralise formulas), ordered choice lists stay ordered in the frame,
Parquet and SPSS, and reading in chunks gives the very frame and files that one read gives."""
import io

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from test_analysis import filled  # noqa: F401  (fixture)
from test_analysis_report import MOLENWAARD, molenwaard  # noqa: F401  (fixture)

from ladder.analysis import export, response_frame
from ladder.default_plugins.analysis import BUILTIN_EXPORTERS
from ladder.submit import submit

# What residents type that starts like a formula; the plain CSV must give each back as typed.
TEXTS = ["+31 6 12345678", "- meer bankjes bij de kerk", "@gemeente", "=1+1", "-2", "\t=1", "{=1+1}", "gewoon"]


class Registry:
    exporters = {e.name: e for e in BUILTIN_EXPORTERS}


def text_frame():
    return pd.DataFrame({"opmerking": pd.array(TEXTS, dtype="string[pyarrow]"),
                         "keuze": pd.Categorical(["=A1", "+x"] * (len(TEXTS) // 2), categories=["=A1", "+x"])})


def written(frame, fmt, survey=None, registry=Registry(), **options):
    buf = io.BytesIO()
    export(frame, survey, fmt, buf, registry=registry, **options)
    buf.seek(0)
    return buf


def test_plain_csv_gives_pandas_back_the_text_as_stored():
    back = pd.read_csv(written(text_frame(), "csv"), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["opmerking"].tolist() == TEXTS
    assert back["keuze"].tolist() == ["=A1", "+x"] * (len(TEXTS) // 2)


def test_plain_csv_with_labels_keeps_text_as_stored_too():
    f = text_frame()
    f.attrs["labels"] = {"keuze": {"=A1": "=A1 label", "+x": "+x label"}}
    back = pd.read_csv(written(f, "csv", labels=True), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["opmerking"].tolist() == TEXTS
    assert back["keuze"].tolist()[:2] == ["=A1 label", "+x label"]


def test_excel_dialect_still_neutralises_what_excel_would_run():
    back = pd.read_csv(written(text_frame(), "csv", dialect="excel-nl"), sep=";", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    assert back["opmerking"].tolist() == ["'+31 6 12345678", "'- meer bankjes bij de kerk", "'@gemeente", "'=1+1",
                                          "-2", "'\t=1", "'{=1+1}", "gewoon"]
    assert back["keuze"].tolist()[:2] == ["'=A1", "'+x"]


# --- ordered choice lists ------------------------------------------------------------------------------------

# Molenwaard's choice lists that go from low to high (its survey file says ``ordered = true``), and the
# ones that do not (no order, or an order from high to low that the file does not claim).
ORDERED = {"tijd": ["geen", "soms", "maand", "vaak"], "leeftijd": ["15-25", "25-45", "45-65", "65+"],
           "betrokken_nu": ["weinig", "volgen", "mening", "ideeen", "samen", "zelf"],
           "betrokken_gewenst": ["op_de_hoogte", "mening", "ideeen", "samen", "beslissen", "zelf"]}
UNORDERED = ("geslacht", "initiatief", "kent_dorpsoverleg", "area")


def test_ordered_choices_are_ordered_in_the_frame(molenwaard):  # noqa: F811
    app, reg, survey = molenwaard
    f = response_frame(app.config["DATABASE_URL"], survey, registry=reg)
    for col, categories in ORDERED.items():
        assert f[col].cat.ordered, col
        assert list(f[col].cat.categories) == categories, col
    for col in UNORDERED:
        assert not f[col].cat.ordered, col


def test_ordered_choices_stay_ordered_in_parquet_and_spss(molenwaard, tmp_path):  # noqa: F811
    app, reg, survey = molenwaard
    f = response_frame(app.config["DATABASE_URL"], survey, registry=reg)
    table = pq.read_table(written(f, "parquet", survey, reg))
    for col, categories in ORDERED.items():
        field = table.schema.field(col).type
        assert field.ordered, col
        assert table.column(col).combine_chunks().dictionary.to_pylist() == categories, col
    assert not table.schema.field("geslacht").type.ordered

    path = tmp_path / "molenwaard.sav"
    export(f, survey, "sav", path, registry=reg)
    data, meta = pyreadstat.read_sav(str(path))
    for col, categories in ORDERED.items():
        assert meta.variable_measure[col] == "ordinal", col
        codes = meta.variable_value_labels[col]
        assert [codes[k] for k in sorted(k for k in codes if k > 0)] == [f.attrs["labels"][col][c] for c in categories]
    assert meta.variable_measure["geslacht"] == "nominal"
    # a respondent's age band comes back as its place in the order
    stored = f["leeftijd"].cat.codes.to_numpy() + 1.0
    assert [v for v in data["leeftijd"].tolist() if v > 0] == [v for v in stored.tolist() if v > 0]


# --- reading in chunks changes nothing ----------------------------------------------------------------------

def files(frame, survey, reg, tmp_path, tag):
    """Every built-in export of ``frame`` as bytes (xlsx and sav carry a time or a name that may differ
    between two writes, so they are compared as read back)."""
    out = {fmt: written(frame, fmt, survey, reg).getvalue() for fmt in ("csv", "json", "parquet")}
    path = tmp_path / f"{tag}.sav"
    export(frame, survey, "sav", path, registry=reg)
    out["sav"] = pyreadstat.read_sav(str(path), user_missing=True)[0]
    out["xlsx"] = pd.read_excel(written(frame, "xlsx", survey, reg), sheet_name=None)
    return out


def test_streamed_frame_and_exports_equal_one_read(filled, tmp_path, monkeypatch):  # noqa: F811
    from ladder.analysis import frame as frame_module
    app, url, reg, survey = filled
    whole = response_frame(url, survey, registry=reg, chunksize=10_000)  # every row in one chunk
    expected = files(whole, survey, reg, tmp_path, "whole")
    streamed = response_frame(url, survey, registry=reg, chunksize=5)  # 12 rows: chunks of 5, 5 and 2
    pd.testing.assert_frame_equal(streamed, whole, check_exact=True)
    reserve = frame_module._Col.reserve
    for counted in (lambda n: 3, lambda n: n + 7):  # responses come in, or are withdrawn, while reading
        monkeypatch.setattr(frame_module._Col, "reserve", lambda self, n, c=counted: reserve(self, c(n)))
        moved = response_frame(url, survey, registry=reg, chunksize=5)
        pd.testing.assert_frame_equal(moved, whole, check_exact=True)
    got = files(streamed, survey, reg, tmp_path, "streamed")
    for fmt in ("csv", "json", "parquet"):
        assert got[fmt] == expected[fmt], fmt
    pd.testing.assert_frame_equal(got["sav"], expected["sav"])
    for sheet, table in expected["xlsx"].items():
        pd.testing.assert_frame_equal(got["xlsx"][sheet], table)
