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
