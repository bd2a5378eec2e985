"""``ladder export-xlsform`` writes a label that starts with "=" as text, never as a live formula (issue 24)."""
import zipfile

from openpyxl import load_workbook

from ladder.xlsform.exporting import export_xlsform
from ladder.xlsform.importing import import_xlsform
from test_xlsform import REGISTRY

LINK = '=HYPERLINK("https://example.org/?q="&A1,"Klik hier")'


def test_a_label_that_looks_like_a_formula_is_written_as_text_and_read_back_the_same(tmp_path):
    definition = dict(REGISTRY.surveys["molenwaard-dorpsoverleg"].definition)
    pages = [dict(p) for p in definition["pages"]]
    pages[0] = {**pages[0], "questions": [{**pages[0]["questions"][0], "label": LINK}, *pages[0]["questions"][1:]]}
    definition["pages"] = pages
    path = tmp_path / "form.xlsx"
    export_xlsform(definition, path)
    with zipfile.ZipFile(path) as archive:
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    sheet = load_workbook(path)["survey"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == LINK]
    assert cells and all(c.data_type == "s" for c in cells)
    imported = import_xlsform(path)
    assert imported.data["pages"][0]["questions"][0]["label"] in (LINK, {"nl": LINK})
