"""Nothing a resident sends can break a survey (issue 9): each finding, on SQLite and PostgreSQL."""
import io
import json
import re
import zipfile

import pytest
from sqlalchemy import func, select, text

from ladder import db
from ladder.models import Response
from test_resident import start, token
from test_staff import signed_in

SLUG = "testdorp-inspraak"
URL = f"/api/v1/surveys/{SLUG}/responses"
VALID = {"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4,
         "thema": ["groen"], "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}
TEXT_ERROR = "Gebruik alleen gewone tekens: deze tekst bevat een onzichtbaar of ongeldig teken."


def stored(app):
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize("bad", ["x\ud800y", "a\u0000b", "bel\u0007", "\u009b[31m"])
def test_text_with_a_lone_surrogate_or_control_character_is_a_422_naming_the_question(app, client, bad):
    response = client.post(URL, json={"answers": {**VALID, "opmerking": bad}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"opmerking": TEXT_ERROR}
    assert stored(app) == 0


def test_text_is_stored_in_one_unicode_form_with_lf_line_breaks(app, client):
    decomposed = "Cafe\u0301 aan het plein\r\nen een bankje"
    assert client.post(URL, json={"answers": {**VALID, "opmerking": decomposed}}).status_code == 201
    with app.app_context():
        answers = db.session().scalars(select(Response.answers)).one()
    assert answers["opmerking"] == "Café aan het plein\nen een bankje"


@pytest.mark.parametrize("question,value", [
    ("betrokken", ["soms"]), ("betrokken", {"a": 1}), ("woonplaats", ["testdorp"]), ("woonplaats", {"x": 1}),
    ("gewenst", 1e309), ("gewenst", "Infinity"), ("gewenst", "²"), ("gewenst", True), ("kosten", "1e309"),
    ("kosten", "١٢"), ("prioriteiten", ["aed", 3]), ("thema", "groen"),
])
def test_a_malformed_answer_is_a_422_not_a_500(app, client, question, value):
    body = json.dumps({"answers": {**VALID, question: value}}, allow_nan=True)
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert question in response.get_json()["errors"]
    assert stored(app) == 0


def test_a_ranking_position_in_superscript_through_the_form_is_a_422(app, client):
    start(client)
    for page, data in (("over-u", {"woonplaats": "testdorp", "betrokken": "soms"}),
                       ("inspraak", {"huidig": "raadplegen", "gewenst": "4", "thema": ["groen"]})):
        form = client.get(f"/s/{SLUG}/vraag/{page}")
        assert client.post(f"/s/{SLUG}/vraag/{page}",
                           data={**data, "csrf_token": token(form.data), "action": "volgende"}).status_code == 302
    form = client.get(f"/s/{SLUG}/vraag/initiatief")
    response = client.post(f"/s/{SLUG}/vraag/initiatief", data={
        "csrf_token": token(form.data), "kosten": "1500", "prioriteiten": ["²", "1", ""], "action": "volgende"})
    assert response.status_code == 422
    assert "Geef ‘Bankjes’ een van de plaatsen 1 tot en met 2." in response.get_data(as_text=True)  # names the row


def test_nul_through_the_html_form_is_refused_and_nothing_is_stored(app, client):
    start(client)
    form = client.get(f"/s/{SLUG}/vraag/over-u")
    response = client.post(f"/s/{SLUG}/vraag/over-u", data={
        "csrf_token": token(form.data), "woonplaats": "testdorp", "betrokken": "soms\x00", "action": "volgende"})
    assert response.status_code == 422


def test_json_nested_a_thousand_deep_is_a_400(app, client):
    body = '{"answers": ' + "[" * 1000 + "]" * 1000 + "}"
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "Deze JSON is te diep genest."
    shallow = client.post(URL, data=json.dumps({"answers": VALID, "extra": [[[["ok"]]]]}),
                          content_type="application/json")
    assert shallow.status_code == 201


def _insert_raw_bad_row(app):
    """A row as an older version could store it: text with a lone surrogate and a NUL, unchecked."""
    answers = json.dumps({**VALID, "opmerking": "x\ud800y", "toelichting": "a\u0000b"})  # ASCII escapes
    placements = json.dumps([{"aspect": "huidig", "rung": "raadplegen", "reasons": []}])
    with app.app_context():
        s = db.session()
        s.execute(text(
            "INSERT INTO responses (survey_slug, survey_version, locale, channel, area, answers, placements, advice,"
            " placement_status, receipt_hash, created_at) VALUES (:slug, 'v', 'nl', 'api', 'testdorp', :answers,"
            " :placements, '[]', 'placed', :receipt, CURRENT_TIMESTAMP)"),
            {"slug": SLUG, "answers": answers, "placements": placements, "receipt": "0" * 64})
        s.commit()


def test_an_old_bad_row_does_not_break_dashboard_exports_results_or_report(app, client, tmp_path):
    assert client.post(URL, json={"answers": VALID}).status_code == 201
    _insert_raw_bad_row(app)
    editor = signed_in(app, "editor", "Testgemeente")
    assert editor.get(f"/beheer/s/{SLUG}").status_code == 200
    for fmt in ("csv", "xlsx", "json", "parquet", "sav"):
        download = editor.get(f"/beheer/s/{SLUG}/export/{fmt}")
        assert download.status_code == 200, fmt
    csv_text = editor.get(f"/beheer/s/{SLUG}/export/csv").data.decode("utf-8-sig")
    assert re.search("x\ufffd+y", csv_text)  # the bad character replaced, the rest of the answer kept
    form = editor.get(f"/beheer/s/{SLUG}/uitkomsten")
    assert editor.post(f"/beheer/s/{SLUG}/uitkomsten", data={
        "csrf_token": token(form.data), "results_text": "Dank u.", "next_rung": "coproduceren"}).status_code == 302
    assert client.get(f"/r/{SLUG}").status_code == 200
    runner = app.test_cli_runner()
    for args in (["export", SLUG, "--format", "xlsx", "-o", str(tmp_path / "a.xlsx")],
                 ["report", SLUG, "-o", str(tmp_path / "r.html")], ["summary", SLUG]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)


FORMULAS = ['{=HYPERLINK("http://example.org/x","x")}', "=1+1", "http://example.org/", "mailto:a@example.org",
            "external:\\\\host\\share", "@SUM(A1)", "+31 6 12345678"]


def test_xlsx_export_carries_no_formula_and_no_link_from_an_answer(app, client):
    for value in FORMULAS:
        assert client.post(URL, json={"answers": {**VALID, "opmerking": value}}).status_code == 201
    editor = signed_in(app, "editor", "Testgemeente")
    data = editor.get(f"/beheer/s/{SLUG}/export/xlsx").data
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = {name: book.read(name).decode() for name in book.namelist() if name.startswith("xl/worksheets/")}
        assert not [n for n in book.namelist() if "hyperlink" in n.lower() or n.endswith(".rels") and "worksheets" in n
                    and "hyperlink" in book.read(n).decode()]
    for name, xml in sheets.items():
        assert "<f>" not in xml and "<f " not in xml, name
        assert "<hyperlink" not in xml, name
    import openpyxl
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["antwoorden"].iter_rows(values_only=True))
    column = rows[0].index("opmerking")
    assert [r[column] for r in rows[1:]] == FORMULAS  # the text itself, unchanged


def test_csv_export_defuses_what_a_spreadsheet_would_run(app, client):
    for value in ["{=1+1}", "=1+1", "@A1", "+1+1", "-1+1"]:
        assert client.post(URL, json={"answers": {**VALID, "opmerking": value}}).status_code == 201
    editor = signed_in(app, "editor", "Testgemeente")
    text_ = editor.get(f"/beheer/s/{SLUG}/export/csv").data.decode("utf-8-sig")
    # staff open the download in Dutch Excel: the excel-nl dialect, which neutralises formulas
    column = text_.splitlines()[0].split(";").index("opmerking")
    assert [line.split(";")[column] for line in text_.splitlines()[1:]] == ["'{=1+1}", "'=1+1", "'@A1", "'+1+1", "'-1+1"]
