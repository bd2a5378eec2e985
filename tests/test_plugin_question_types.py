"""A plugin's own question types, unlike any built-in one, through every channel: API, form, check page,
exports with labels, the dashboard and the public results page, and the browser (keyboard, axe)."""
import csv
import io
import re

import pytest
from sqlalchemy import select

from conftest import make_app
from ladder import db
from ladder.models import Response
from test_resident import token
from report_back_seed import set_status
from test_staff import signed_in

SLUG = "buurtdorp-speeltuin"
API = f"/api/v1/surveys/{SLUG}/responses"


@pytest.fixture
def app(database_url, tmp_path):
    return make_app(database_url, tmp_path, EXTRA_PLUGINS=["fake_municipality", "buurtdorp"], RESULTS_MIN_COUNT=2)


def stored(app):
    with app.app_context():
        return [(r.answers, r.placements) for r in db.session().scalars(select(Response).order_by(Response.id))]


def test_api_publishes_each_types_own_schema_and_enforces_it(app):
    client = app.test_client()
    survey = client.get(f"/api/v1/surveys/{SLUG}").get_json()
    schemas = {q["id"]: q["schema"] for p in survey["pages"] for q in p["questions"]}
    assert schemas["speeltuin"] == {"type": "string", "enum": ["ja", "nee", "weet_niet"]}
    assert schemas["postcode"]["pattern"].startswith("^([1-9][0-9]{3})")
    bad = client.post(API, json={"answers": {"speeltuin": "misschien", "postcode": "12345"}})
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == {"speeltuin": "Kies ja, nee of weet ik niet.",
                                        "postcode": "Vul een postcode in, bijvoorbeeld 1234 AB."}
    assert stored(app) == []
    good = client.post(API, json={"answers": {"speeltuin": "weet_niet", "postcode": "1234ab"}})
    assert good.status_code == 201
    assert stored(app) == [({"speeltuin": "weet_niet", "postcode": "1234 AB"},
                            [{"aspect": "steun", "rung": "informeren", "reasons": ["Zo antwoordde u over de speeltuin."]}])]


def test_form_renders_the_types_own_templates_and_applies_the_same_rules(app):
    client = app.test_client()
    start = client.get(f"/s/{SLUG}")
    begun = client.post(f"/s/{SLUG}", data={"csrf_token": token(start.data), "action": "start"})
    page_url = begun.headers["Location"]
    page = client.get(page_url)
    html = page.get_data(as_text=True)
    assert 'data-widget="yes-no-unsure"' in html  # the plugin's own widget, not a text input
    assert re.search(r'<input type="radio" id="q-speeltuin-3" name="speeltuin" value="weet_niet"', html)
    assert 'autocomplete="postal-code"' in html
    wrong = client.post(page_url, data={"csrf_token": token(page.data), "speeltuin": "misschien",
                                        "postcode": "AB 1234", "action": "volgende"})
    assert wrong.status_code == 422
    assert "Kies ja, nee of weet ik niet." in wrong.get_data(as_text=True)
    assert "Vul een postcode in, bijvoorbeeld 1234 AB." in wrong.get_data(as_text=True)
    done = client.post(page_url, data={"csrf_token": token(page.data), "speeltuin": "ja", "postcode": "2987 ab",
                                       "action": "volgende"})
    check = client.get(done.headers["Location"])
    text = check.get_data(as_text=True)
    assert re.search(r"<dd>Ja</dd>", text) and "<dd>2987 AB</dd>" in text  # the type's own answer text
    sent = client.post(done.headers["Location"], data={"csrf_token": token(check.data)})
    assert sent.status_code == 302
    by_api = app.test_client().post(API, json={"answers": {"speeltuin": "ja", "postcode": "2987 AB"}})
    assert by_api.status_code == 201
    (form_answers, form_placements), (api_answers, api_placements) = stored(app)
    assert form_answers == api_answers and form_placements == api_placements


def test_exports_carry_the_types_columns_and_labels(app, tmp_path):
    client = app.test_client()
    for answer, postcode in (("ja", "1234 AB"), ("nee", "1234 CD"), ("weet_niet", None)):
        answers = {"speeltuin": answer, **({"postcode": postcode} if postcode else {})}
        assert client.post(API, json={"answers": answers}).status_code == 201
    runner = app.test_cli_runner()
    out = tmp_path / "antwoorden.csv"
    assert runner.invoke(args=["export", SLUG, "--format", "csv", "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["speeltuin"], r["postcode_pc4"]) for r in rows] == [("ja", "1234"), ("nee", "1234"), ("weet_niet", "")]
    assert "postcode" not in rows[0]  # the full postcode never leaves the database

    import openpyxl
    xlsx = tmp_path / "antwoorden.xlsx"
    assert runner.invoke(args=["export", SLUG, "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    book = openpyxl.load_workbook(xlsx)
    codes = [r for r in book["codebook"].iter_rows(values_only=True) if r[0] == "speeltuin"]
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in codes] == [
        ("speeltuin", "yes_no_unsure", "Wilt u een speeltuin bij het dorpshuis?", v, lab)
        for v, lab in (("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Weet ik niet"))]

    import pyreadstat
    sav = tmp_path / "antwoorden.sav"
    assert runner.invoke(args=["export", SLUG, "--format", "sav", "-o", str(sav)]).exit_code == 0
    data, meta = pyreadstat.read_sav(str(sav))
    assert {k: v for k, v in meta.variable_value_labels["speeltuin"].items() if k > 0} == {
        1.0: "Ja", 2.0: "Nee", 3.0: "Weet ik niet"}  # (and the user-missing codes -1 and -2, issue 15)
    assert list(data["speeltuin"]) == [1.0, 2.0, 3.0]
    assert meta.column_names_to_labels["postcode_pc4"] == "Wat is uw postcode? (cijfers)"


def test_dashboard_and_public_page_show_the_types_own_summary(app):
    client = app.test_client()
    for answer in ("ja", "ja", "ja", "nee", "nee", "weet_niet"):
        assert client.post(API, json={"answers": {"speeltuin": answer, "postcode": "1234 AB"}}).status_code == 201
    editor = signed_in(app, "editor", "Buurtgemeente")
    dashboard = editor.get(f"/beheer/s/{SLUG}").get_data(as_text=True)
    assert re.search(r'<th scope="row">Ja</th><td class="num">3</td>', dashboard)
    assert re.search(r'<th scope="row">1234</th><td class="num">6</td>', dashboard)  # the postcode summary
    set_status(app, SLUG, "closed")
    form = editor.get(f"/beheer/s/{SLUG}/uitkomsten")
    assert editor.post(f"/beheer/s/{SLUG}/uitkomsten", data={
        "csrf_token": token(form.data), "results_text": "Er komt een speeltuin.", "next_rung": "coproduceren"}
    ).status_code == 302
    public = client.get(f"/r/{SLUG}").get_data(as_text=True)
    # the type's own column and labels, published like every question (the publication's table, as its JSON)
    table = next(t for t in client.get(f"/r/{SLUG}.json").get_json()["tables"] if t["id"] == "question:speeltuin")
    published = {r["label"]["nl"] if isinstance(r["label"], dict) else r["label"]: r["cells"]["count"]
                 for r in table["rows"]}
    assert set(published) == {"Ja", "Nee", "Weet ik niet"}
    # The counts are published with the survey's own random noise, so a run may hide some or all of them: the
    # page says "verborgen" exactly where the JSON has no count.
    shown = dict(re.findall(r'<th scope="row">(Ja|Nee|Weet ik niet)</th><td class="num">([0-9]+|verborgen)</td>',
                            public))
    assert {k: None if v == "verborgen" else int(v) for k, v in shown.items()} == published


@pytest.mark.browser
def test_plugin_types_in_the_browser_by_keyboard_with_axe(new_context, tmp_path, browser):
    from browser_support import LiveServer, axe_violations, describe_violations, press_and_load
    app = make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path, EXTRA_PLUGINS=["fake_municipality", "buurtdorp"])
    server = LiveServer(app).start()
    try:
        page = new_context().new_page()
        page.goto(server.url(f"/s/{SLUG}"))
        page.keyboard.press("Tab")
        page.focus("button[type=submit]")
        press_and_load(page)
        assert "/vraag/" in page.url
        assert not axe_violations(page), describe_violations(axe_violations(page))
        page.focus("#q-speeltuin")
        page.keyboard.press("ArrowRight")  # to "Nee", checking it
        page.keyboard.press("ArrowRight")  # to "Weet ik niet"
        page.keyboard.press("Tab")
        page.keyboard.type("1234ab")
        press_and_load(page)  # Enter in the text field sends the form: "volgende"
        assert page.url.endswith("/controleren")
        assert not axe_violations(page), describe_violations(axe_violations(page))
        assert "Weet ik niet" in page.inner_text("main") and "1234 AB" in page.inner_text("main")
        page.focus("form button[type=submit]")
        press_and_load(page)
        assert not axe_violations(page), describe_violations(axe_violations(page))
    finally:
        server.stop()
    assert stored(app)[0][0] == {"speeltuin": "weet_niet", "postcode": "1234 AB"}


def test_a_plugin_type_prints_as_it_says_and_exports_to_xlsform_and_back(sqlite_url, tmp_path):
    from ladder.paper import paper_questions
    from ladder.xlsform.exporting import export_xlsform
    from ladder.xlsform.importing import import_xlsform
    app = make_app(sqlite_url, tmp_path, EXTRA_PLUGINS=["buurtdorp"])
    registry = app.extensions["ladder"]
    survey = registry.survey(SLUG)
    with app.test_request_context():
        printed = {item.question.id: item for _page, _if, items in paper_questions(survey, registry) for item in items}
    assert (printed["speeltuin"].layout, printed["speeltuin"].boxes, printed["speeltuin"].note) == \
        ("one", [("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Weet ik niet")], "Kruis één hokje aan.")
    assert (printed["postcode"].layout, printed["postcode"].boxes) == ("lines", [])  # the default
    export_xlsform(survey.definition, tmp_path / "form.xlsx", types=registry.question_types)
    imported = import_xlsform(tmp_path / "form.xlsx")
    assert imported.unsupported == []
    assert [(q["id"], q["type"]) for p in imported.data["pages"] for q in p["questions"]] == \
        [("speeltuin", "yes_no_unsure"), ("postcode", "postcode")]
