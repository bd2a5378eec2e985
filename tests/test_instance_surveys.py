"""Survey files in the instance's survey folder are served without a plugin (issue 14); a broken file is
reported like a broken plugin and the rest keeps working."""
import json

from conftest import make_app
from ladder.testing import submit_api

GOOD = '''
slug = "dorpshuis-enquete"
municipality = "Testgemeente"
title = "Het dorpshuis"
intro = "Vragen over het dorpshuis."
purpose = "Om het dorpshuis te verbeteren."
retention = "Een jaar."

[[pages]]
id = "vragen"
title = "Vragen"

[[pages.questions]]
id = "meedoen"
type = "single_choice"
label = "Wilt u meehelpen?"
choices = [ { value = "ja", label = "Ja" }, { value = "nee", label = "Nee" } ]

[[placement]]
question = "meedoen"
choice = "ja"
aspect = "gewenst"
rung = "coproduceren"

[[placement]]
question = "meedoen"
choice = "nee"
aspect = "gewenst"
rung = "informeren"
'''


def app_with(tmp_path, sqlite_url, files, **config):
    folder = tmp_path / "instance" / "surveys"
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return make_app(sqlite_url, tmp_path, **config)


def test_a_survey_file_in_the_folder_is_served_and_placed_from_its_mapping(tmp_path, sqlite_url):
    app = app_with(tmp_path, sqlite_url, {"dorpshuis.toml": GOOD})
    survey = app.extensions["ladder"].survey("dorpshuis-enquete")
    assert survey is not None and survey.municipality == "Testgemeente"
    client = app.test_client()
    assert client.get("/s/dorpshuis-enquete").status_code == 200
    body = submit_api(client, "dorpshuis-enquete", {"meedoen": "ja"})
    assert [(p["aspect"], p["rung"]) for p in body["placements"]] == [("gewenst", "coproduceren")]


def test_a_broken_file_is_reported_like_a_broken_plugin_and_the_rest_still_works(tmp_path, sqlite_url):
    broken = GOOD.replace('slug = "dorpshuis-enquete"', 'slug = "kapot"').replace('type = "single_choice"',
                                                                                   'type = "kleur"')
    app = app_with(tmp_path, sqlite_url, {"dorpshuis.toml": GOOD, "kapot.toml": broken, "leeg.toml": "slug = ["})
    reg = app.extensions["ladder"]
    assert "dorpshuis-enquete" in reg.surveys and "kapot" not in reg.surveys
    result = app.test_cli_runner().invoke(args=["plugins", "--json"])
    assert result.exit_code == 1
    plugins = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}
    assert plugins["instance:dorpshuis.toml"]["status"] == "loaded"
    assert plugins["instance:kapot.toml"]["status"] == "failed" and "kleur" in plugins["instance:kapot.toml"]["error"]
    assert plugins["instance:leeg.toml"]["status"] == "failed" and "TOML" in plugins["instance:leeg.toml"]["error"]


def test_a_placement_row_naming_an_unknown_question_is_refused(tmp_path, sqlite_url):
    bad = GOOD.replace('question = "meedoen"\nchoice = "nee"', 'question = "bestaatniet"\nchoice = "nee"')
    app = app_with(tmp_path, sqlite_url, {"dorpshuis.toml": bad})
    assert app.extensions["ladder"].survey("dorpshuis-enquete") is None
    info = app.extensions["ladder"].plugins["instance:dorpshuis.toml"]
    assert info.status == "failed" and "bestaatniet" in info.error


def test_an_imported_xlsform_with_a_ladder_sheet_is_served(tmp_path, sqlite_url):
    from test_xlsform import CHOICES, SURVEY, workbook
    form = workbook(tmp_path / "form.xlsx", SURVEY, CHOICES, settings=[("form_title", "form_id"), ("Inspraak", "inspraak")],
                    ladder=[("question", "choice", "aspect", "rung"), ("kent", "ja", "huidig", "raadplegen")])
    folder = tmp_path / "instance" / "surveys"
    folder.mkdir(parents=True)
    runner = make_app(sqlite_url, tmp_path / "tool").test_cli_runner()
    done = runner.invoke(args=["import-xlsform", str(form), "-o", str(folder / "inspraak.toml"),
                               "--municipality", "Testgemeente"])
    assert done.exit_code == 0, done.output
    app = make_app(sqlite_url, tmp_path)
    survey = app.extensions["ladder"].survey("inspraak")
    assert survey is not None
    answers = {"kent": "ja", "themas": ["groen"], "cijfer": 7, "volgorde": ["groen", "verkeer", "spelen"]}
    body = submit_api(app.test_client(), "inspraak", answers)
    assert [(p["aspect"], p["rung"]) for p in body["placements"]] == [("huidig", "raadplegen")]


def test_an_editor_uploads_an_xlsform_sees_the_result_and_saves_it_for_the_next_start(tmp_path, sqlite_url):
    import io
    import re

    from sqlalchemy import select

    from ladder import db
    from ladder.models import AuditEntry
    from test_resident import token
    from test_staff import signed_in
    from test_xlsform import CHOICES, SURVEY, workbook
    form = workbook(tmp_path / "form.xlsx", SURVEY, CHOICES, settings=[("form_title", "form_id"),
                                                                        ("Inspraak", "inspraak")])
    app = make_app(sqlite_url, tmp_path)
    editor = signed_in(app, "editor")
    page = editor.get("/beheer/xlsform")
    assert page.status_code == 200
    shown = editor.post("/beheer/xlsform", data={
        "csrf_token": token(page.data), "municipality": "Andergemeente",  # not the editor's own: refused
        "form_file": (io.BytesIO(form.read_bytes()), "form.xlsx")}, content_type="multipart/form-data")
    assert shown.status_code == 422
    shown = editor.post("/beheer/xlsform", data={
        "csrf_token": token(page.data), "municipality": "Testgemeente",
        "form_file": (io.BytesIO(form.read_bytes()), "form.xlsx")}, content_type="multipart/form-data")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Kent u het plan?" in html
    assert not (tmp_path / "instance" / "surveys" / "inspraak.toml").exists()  # nothing saved yet
    signed = re.search(r'name="survey_file" type="hidden" value="([^"]+)"', html).group(1)
    tampered = editor.post("/beheer/xlsform/opslaan", data={"csrf_token": token(shown.data),
                                                           "survey_file": signed[:-2] + "xx"})
    assert tampered.status_code == 400
    saved = editor.post("/beheer/xlsform/opslaan", data={"csrf_token": token(shown.data), "survey_file": signed})
    assert saved.status_code == 302
    assert (tmp_path / "instance" / "surveys" / "inspraak.toml").exists()
    with app.app_context():
        assert db.session().scalar(select(AuditEntry.action).where(AuditEntry.action == "survey-file"))
    restarted = make_app(sqlite_url, tmp_path)
    assert restarted.extensions["ladder"].survey("inspraak").municipality == "Testgemeente"


def test_an_upload_with_unsupported_parts_is_not_offered_for_saving_and_analysts_cannot_upload(tmp_path, sqlite_url):
    import io

    from test_resident import token
    from test_staff import signed_in
    from test_xlsform import SURVEY, workbook
    rows = [SURVEY[0], ("text", "naam", "Naam", None, None, "yes", None, None, None, None),
            ("calculate", "som", None, None, None, None, None, None, None, None)]
    form = workbook(tmp_path / "f.xlsx", rows)
    app = make_app(sqlite_url, tmp_path)
    editor = signed_in(app, "editor")
    page = editor.get("/beheer/xlsform")
    shown = editor.post("/beheer/xlsform", data={"csrf_token": token(page.data), "municipality": "Testgemeente",
                                                 "form_file": (io.BytesIO(form.read_bytes()), "f.xlsx")},
                        content_type="multipart/form-data")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 422 and "calculations are not supported" in html and 'name="survey_file"' not in html
    not_xlsform = editor.post("/beheer/xlsform", data={"csrf_token": token(page.data), "municipality": "Testgemeente",
                                                       "form_file": (io.BytesIO(b"not a workbook"), "f.xlsx")},
                              content_type="multipart/form-data")
    assert not_xlsform.status_code == 422 and "geen XLSForm" in not_xlsform.get_data(as_text=True)
    assert signed_in(app, "analyst").get("/beheer/xlsform").status_code == 403
