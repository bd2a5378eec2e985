"""Issue 15: exports that open right. Read back with pandas, openpyxl and pyreadstat.

The review found 204 legitimate answers with a literal apostrophe ("-2" became "'-2"), a CSV that Dutch
Excel opens as one column, XLSX cells with codes only and no frozen header or filter, a scale read back
from Parquet as float64, and SPSS codes shown as 1.00 with "not shown" and "left empty" both
system-missing.
"""
import io
import json
from datetime import date, datetime

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from test_analysis import SLUG, filled, frame  # noqa: F401  (fixtures)
from test_analysis_report import MOLENWAARD, molenwaard, sample_margins  # noqa: F401  (fixture)

from ladder.__main__ import main
from ladder.analysis import export
from ladder.analysis.exporters import needs_defusing, read_parquet

TEXTS = ["-2", "+31 6 12345678", "- meer bankjes", "=1+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "+3,5", "-0.5",
         "gewoon tekst", "\t=1", "-", "", "{=1+1}", "{accolades}"]
# what a spreadsheet would evaluate (see the comment above needs_defusing in ladder/analysis/exporters.py)
EVALUATED = {"+31 6 12345678", "- meer bankjes", "=1+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "\t=1", "{=1+1}"}


def test_only_what_a_spreadsheet_would_evaluate_is_neutralised():
    assert {t for t in TEXTS if needs_defusing(t)} == EVALUATED


def small_frame():
    """A frame shaped like ladder's, with the cases of the finding in a text column."""
    n = len(TEXTS)
    f = pd.DataFrame({
        "area": pd.Categorical(["a"] * n, categories=["a", "b"]),
        "betrokken": pd.Categorical((["nooit", "soms", "vaak"] * n)[:n], categories=["nooit", "soms", "vaak"]),
        "tevreden": pd.Categorical(([1, 5, None, 3] * n)[:n], categories=[1, 2, 3, 4, 5], ordered=True),
        "thema__groen": pd.array(([True, False, None] * n)[:n], dtype="boolean"),
        "opmerking": pd.array(TEXTS, dtype="string[pyarrow]"),
        "weight": [1.5, 0.5] * (n // 2),
        "created_at": pd.to_datetime(["2026-03-01 12:34:56.789", "2026-07-01 12:00:00"] * (n // 2), utc=True, format="ISO8601"),
    })
    f.attrs.update(labels={"area": {"a": "Gebied A", "b": "Gebied B"},
                           "betrokken": {"nooit": "Nooit", "soms": "Soms", "vaak": "Vaak"},
                           "tevreden": {1: "1 helemaal niet", 5: "5 helemaal wel"},
                           "thema__groen": {True: "gekozen", False: "niet gekozen"}},
                   questions={"betrokken": ["betrokken"], "tevreden": ["tevreden"], "thema": ["thema__groen"],
                              "opmerking": ["opmerking"]},
                   codebook=[{"column": "betrokken", "question": "betrokken", "type": "single_choice",
                              "label": "Hoe vaak?", "value": v, "value_label": v.title()}
                             for v in ("nooit", "soms", "vaak")])
    return f


class Registry:
    from ladder.default_plugins.analysis import BUILTIN_EXPORTERS
    exporters = {e.name: e for e in BUILTIN_EXPORTERS}


def written(f, fmt, **options):
    buf = io.BytesIO()
    export(f, None, fmt, buf, registry=Registry(), **options)
    buf.seek(0)
    return buf


def test_csv_default_stays_analyst_friendly_and_keeps_plain_numbers():
    back = pd.read_csv(written(small_frame(), "csv"), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(back.columns) == list(small_frame().columns)
    assert back["opmerking"].tolist() == TEXTS  # as stored: neutralising is for the Excel dialect only
    assert back["thema__groen"].tolist()[:3] == ["True", "False", ""]
    assert back["weight"].tolist()[:2] == ["1.5", "0.5"]
    assert back["created_at"].tolist()[:2] == ["2026-03-01 12:34:56.789", "2026-07-01 12:00:00.000"]  # UTC


def test_csv_excel_nl_dialect():
    raw = written(small_frame(), "csv", dialect="excel-nl").read().decode("utf-8-sig")
    header = raw.splitlines()[0]
    assert header.split(";") == list(small_frame().columns)
    back = pd.read_csv(io.StringIO(raw), sep=";", dtype=str, keep_default_na=False)
    assert back["weight"].tolist()[:2] == ["1,5", "0,5"]  # decimal comma
    assert back["thema__groen"].tolist()[:3] == ["ja", "nee", ""]
    # local time (winter UTC+1, summer UTC+2) to the second, no offset, no microseconds
    assert back["created_at"].tolist()[:2] == ["2026-03-01 13:34:56", "2026-07-01 14:00:00"]
    got = dict(zip(TEXTS, back["opmerking"]))
    for text in TEXTS:  # only what Excel would evaluate gets an apostrophe; a plain number does not
        assert got[text] == ("'" + text if text in EVALUATED else text), text


def test_csv_days_stay_dates_in_both_dialects():
    f = small_frame()
    f["created_at"] = pd.to_datetime(["2026-03-01", "2026-07-01"] * (len(f) // 2), utc=True)
    for dialect, sep in (("default", ","), ("excel-nl", ";")):
        back = pd.read_csv(written(f, "csv", dialect=dialect), sep=sep, dtype=str, encoding="utf-8-sig")
        assert back["created_at"].tolist()[:2] == ["2026-03-01", "2026-07-01"], dialect


def test_labels_or_codes_by_option():
    codes = pd.read_csv(written(small_frame(), "csv"), dtype=str, encoding="utf-8-sig")
    labels = pd.read_csv(written(small_frame(), "csv", labels=True), dtype=str, encoding="utf-8-sig")
    assert codes["betrokken"].tolist()[:3] == ["nooit", "soms", "vaak"]
    assert labels["betrokken"].tolist()[:3] == ["Nooit", "Soms", "Vaak"]
    assert labels["area"].iloc[0] == "Gebied A" and labels["thema__groen"].iloc[0] == "gekozen"
    with pytest.raises(ValueError, match="takes no option 'dialect'"):
        written(small_frame(), "xlsx", dialect="excel-nl")
    with pytest.raises(ValueError, match="unknown dialect"):
        written(small_frame(), "csv", dialect="excel-de")


def test_xlsx_text_is_text_never_a_formula_with_frozen_filtered_header():
    book = openpyxl.load_workbook(written(small_frame(), "xlsx"))
    ws = book["antwoorden"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in ws[1]]
    col = header.index("opmerking") + 1
    for row, text in enumerate(TEXTS, start=2):
        cell = ws.cell(row, col)
        if text:
            assert cell.value == text and cell.data_type == "s", text  # no apostrophe, no formula
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    # numbers as numbers, booleans as booleans, times as times
    assert ws.cell(2, header.index("weight") + 1).value == 1.5
    assert ws.cell(2, header.index("tevreden") + 1).value == 1
    assert ws.cell(2, header.index("thema__groen") + 1).value is True
    assert isinstance(ws.cell(2, header.index("created_at") + 1).value, datetime)
    # labels sheet and codes in the codebook
    labels = pd.read_excel(written(small_frame(), "xlsx"), sheet_name=None)
    assert set(labels) == {"antwoorden"}  # without a survey: the data only
    with_survey = io.BytesIO()
    export(small_frame(), object(), "xlsx", with_survey, registry=Registry(), labels=True)
    sheets = pd.read_excel(with_survey, sheet_name=None)
    assert set(sheets) == {"antwoorden", "labels", "codebook"}
    assert sheets["antwoorden"]["betrokken"].tolist()[:2] == ["Nooit", "Soms"]
    lab = sheets["labels"]
    assert lab[(lab["column"] == "betrokken") & (lab["value"] == "soms")]["label"].tolist() == ["Soms"]
    book2 = sheets["codebook"]
    assert book2[book2["column"] == "betrokken"]["value"].tolist() == ["nooit", "soms", "vaak"]
    ws = openpyxl.load_workbook(io.BytesIO(with_survey.getvalue()))["labels"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_parquet_keeps_scales_as_ordered_categoricals():
    buf = written(small_frame(), "parquet")
    back = pd.read_parquet(io.BytesIO(buf.getvalue()))
    assert isinstance(back["tevreden"].dtype, pd.CategoricalDtype) and back["tevreden"].cat.ordered
    assert list(back["tevreden"].cat.categories) == ["1", "2", "3", "4", "5"]
    exact = read_parquet(io.BytesIO(buf.getvalue()))
    assert list(exact["tevreden"].cat.categories) == [1, 2, 3, 4, 5] and exact["tevreden"].cat.ordered
    assert exact["tevreden"].tolist()[:2] == [1, 5]
    assert isinstance(exact["thema__groen"].dtype, pd.BooleanDtype)


def test_sav_formats_user_missing_and_measures(frame, filled, tmp_path):  # noqa: F811
    reg, survey = filled[2], filled[3]
    f = frame.copy()
    f.loc[0, "kosten"] = pd.NA  # r1 saw the question (betrokken = soms) and left it empty
    f["betrokken"] = f["betrokken"].cat.as_ordered()  # as `ordered = true` in the survey file gives
    path = tmp_path / "t.sav"
    export(f, survey, "sav", path, registry=reg)
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    # kosten is on a page shown only to who takes part "soms" or "vaak" (r3 is "nooit")
    assert data["kosten"].iloc[0] == -2 and data["kosten"].iloc[2] == -1 and data["kosten"].iloc[1] == 2000
    assert meta.variable_value_labels["kosten"] == {-1.0: "niet getoond (overgeslagen door de vragenlijst)",
                                                    -2.0: "leeg gelaten"}
    assert data["thema__groen"].iloc[0] == 1
    plain, _ = pyreadstat.read_sav(str(path))  # without user_missing both read as missing
    assert plain["kosten"].isna().tolist()[:3] == [True, False, True]
    formats = meta.original_variable_types
    assert formats["rung_huidig"] == "F1.0" and formats["gewenst"] == "F2.0" and formats["betrokken"] == "F2.0"
    assert formats["thema__groen"] == "F2.0" and formats["area"] == "F1.0"
    assert meta.variable_measure["betrokken"] == "ordinal" and meta.variable_measure["gewenst"] == "ordinal"
    assert meta.variable_measure["area"] == "nominal" and meta.variable_measure["rung_huidig"] == "ordinal"
    assert sorted(r["lo"] for r in meta.missing_ranges["kosten"]) == [-2.0, -1.0]  # declared user-missing


def test_csv_from_the_database_keeps_text_as_stored(frame, filled):  # noqa: F811
    reg, survey = filled[2], filled[3]
    f = frame.copy()
    f["toelichting"] = pd.array(["-2", "+31 6 12345678", "- meer bankjes"] + [None] * (len(f) - 3),
                                dtype="string[pyarrow]")
    buf = io.BytesIO()
    export(f, survey, "csv", buf, registry=reg)
    buf.seek(0)
    back = pd.read_csv(buf, dtype=str, encoding="utf-8-sig")
    assert back["toelichting"].tolist()[:3] == ["-2", "+31 6 12345678", "- meer bankjes"]
    assert back["opmerking"].iloc[2] == "=1+1"


def test_export_command_with_weights_and_options(molenwaard, runner, tmp_path):  # noqa: F811
    out = tmp_path / "m.csv"
    result = runner.invoke(main, ["export", MOLENWAARD, "-o", str(out), "--margins", str(sample_margins()),
                                  "--dialect", "excel-nl", "--labels"])
    assert result.exit_code == 0, result.output
    back = pd.read_csv(out, sep=";", dtype=str, encoding="utf-8-sig")
    assert back.columns[0] == "response_id" and "weight" in back.columns
    assert back["response_id"].is_unique and back["weight"].str.contains(",").any()
    for fmt in ("xlsx", "parquet", "sav", "json"):
        path = tmp_path / f"m.{fmt}"
        result = runner.invoke(main, ["export", MOLENWAARD, "--format", fmt, "-o", str(path),
                                      "--margins", str(sample_margins())])
        assert result.exit_code == 0, result.output
        if fmt == "parquet":
            assert {"response_id", "weight"} <= set(pd.read_parquet(path).columns)
        elif fmt == "xlsx":
            assert {"response_id", "weight"} <= set(pd.read_excel(path).columns)
        elif fmt == "sav":
            assert {"response_id", "weight"} <= set(pyreadstat.read_sav(str(path))[0].columns)
        else:
            assert {"response_id", "weight"} <= set(json.loads(path.read_text())[0])
    bad = runner.invoke(main, ["export", MOLENWAARD, "--format", "parquet", "--dialect", "excel-nl"])
    assert bad.exit_code != 0 and "--dialect does not apply" in bad.output
    plain = runner.invoke(main, ["export", MOLENWAARD, "-o", str(tmp_path / "p.csv")])
    assert plain.exit_code == 0
    assert "weight" not in pd.read_csv(tmp_path / "p.csv", encoding="utf-8-sig").columns


def test_date_only_days_are_dates_in_xlsx():
    f = small_frame()
    f["created_at"] = pd.to_datetime(["2026-03-01"] * len(f), utc=True)
    ws = openpyxl.load_workbook(written(f, "xlsx"))["antwoorden"]
    header = [c.value for c in ws[1]]
    value = ws.cell(2, header.index("created_at") + 1).value
    assert value.date() == date(2026, 3, 1) and ws.cell(2, header.index("created_at") + 1).number_format == "yyyy-mm-dd"
