"""XLSForm uploads that are damaged or unpack to too much (issue 24): a 422 with a message, bounded in size
and CPU, never a 500 or a worker held until its timeout."""
import io
import re
import time
import zipfile

import pytest

from conftest import make_app
from ladder.xlsform.importing import MAX_UNPACKED, XLSFormError, XLSFormTooLarge, import_xlsform
from test_resident import token
from test_staff import signed_in
from test_xlsform import CHOICES, SURVEY, workbook


def _rewritten(tmp_path, name, change, sheet="xl/worksheets/sheet1.xml"):
    base = workbook(tmp_path / "base.xlsx", SURVEY, CHOICES)
    out = tmp_path / name
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, change(data) if info.filename == sheet else data)
    return out


def truncated(tmp_path):
    return _rewritten(tmp_path, "truncated.xlsx", lambda xml: xml[: len(xml) // 2])


def unpacks_large(tmp_path):
    """Some 100 KB that unpack to 40 MB of XML: one cell repeated in rows pyxform reads."""
    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
    return _rewritten(tmp_path, "large.xlsx", lambda xml: xml.replace(b"</sheetData>", row * 40_000 + b"</sheetData>"))


def far_ladder_sheet(tmp_path):
    """A ``ladder`` sheet that claims a million rows of 16384 columns: ladder's own reader must not fill them in."""
    path = workbook(tmp_path / "far-base.xlsx", SURVEY, CHOICES, ladder=[("question", "choice", "rung"),
                                                                        ("kent", "ja", "raadplegen")])
    out = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = re.sub(rb'<dimension ref="[^"]*" */>', b'<dimension ref="A1:XFD1048576"/>', data)
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x'
                                    b"</t></is></c></row></sheetData>")
            dst.writestr(info.filename, data)
    return out


def test_a_truncated_sheet_is_an_xlsform_error(tmp_path):
    with pytest.raises(XLSFormError):
        import_xlsform(truncated(tmp_path))


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_parsing(tmp_path):
    path = unpacks_large(tmp_path)
    assert path.stat().st_size < 1024 * 1024  # under the upload limit
    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > MAX_UNPACKED
    started = time.process_time()
    with pytest.raises(XLSFormTooLarge):
        import_xlsform(path)
    assert time.process_time() - started < 0.5


def test_a_sheet_claiming_a_million_rows_reads_quickly(tmp_path):
    started = time.process_time()
    import_xlsform(far_ladder_sheet(tmp_path))
    assert time.process_time() - started < 5


@pytest.mark.parametrize("make, message", [
    (truncated, "Dit bestand is geen XLSForm dat we kunnen lezen."),
    (unpacks_large, "Dit bestand is te groot om als formulier in te lezen."),
])
def test_a_damaged_or_too_large_upload_is_a_422_with_a_message(tmp_path, sqlite_url, make, message):
    app = make_app(sqlite_url, tmp_path)
    editor = signed_in(app, "editor")
    page = editor.get("/beheer/xlsform")
    response = editor.post("/beheer/xlsform", data={
        "csrf_token": token(page.data), "municipality": "Testgemeente",
        "form_file": (io.BytesIO(make(tmp_path).read_bytes()), "form.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_an_upload_over_the_size_limit_is_a_413(tmp_path, sqlite_url):
    app = make_app(sqlite_url, tmp_path)
    editor = signed_in(app, "editor")
    page = editor.get("/beheer/xlsform")
    response = editor.post("/beheer/xlsform", data={
        "csrf_token": token(page.data), "municipality": "Testgemeente",
        "form_file": (io.BytesIO(b"PK" + b"\0" * 2 * 1024 * 1024), "form.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 413
