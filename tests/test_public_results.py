"""Public results (issues 12 and 19): charts readable at 320 px, every area listed, numbers that agree everywhere."""
import re
from html import unescape

import pytest

from conftest import make_app
from report_back_seed import publish, seed
from test_staff import signed_in

BUNDLED = ["haarlemmermeer-rollen-dorps-en-wijkraden", "molenwaard-dorpsoverleg", "rotterdam-participatiekompas",
           "rotterdam-buurt-bestuurt", "sudwest-fryslan-belangen", "zwijndrecht-dorpsraad-heerjansdam"]


@pytest.fixture
def seeded(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path)
    seed(app, "rotterdam-buurt-bestuurt", 240)
    publish(app, "rotterdam-buurt-bestuurt")
    return app


def test_svg_bars_print_counts_use_no_style_attributes_and_text_of_at_least_12_px():
    from ladder.analysis.charts import bar_rows_svg
    svg = bar_rows_svg([("Groen", 12.0, "12"), ("Verkeer <auto>", None, "verborgen"), ("Afval", 3.0, "3")], "Titel")
    assert not re.search(r"\sstyle=", svg)
    assert ">12<" in svg and ">3<" in svg and "verborgen" in svg
    assert "&lt;auto&gt;" in svg  # labels are escaped
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    assert sizes and min(sizes) >= 12
    assert "viewBox" not in svg  # text is never scaled down on a narrow screen


def test_results_page_shows_each_public_question_with_a_chart_and_never_free_text(seeded):
    html = seeded.test_client().get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)
    assert html.count('<svg class="bars"') >= 3
    assert not re.search(r"\sstyle=", html)
    assert "Meer groen in de straat." not in html  # the seeded free text
    # uncertainty in words a resident reads, never statistical terms or raw column names
    assert "waartussen het deel waarschijnlijk ligt" in html
    assert re.search(r'<span class="range"><span class="visually-hidden">waarschijnlijk tussen </span>\d+%–\d+%</span>',
                     html)
    for term in ("95%-interval", "Borda", "Punten per persoon", ">ci_low<", ">se<"):
        assert term not in html, term
    assert html.count('class="table-scroll" role="region"') >= 3


def test_every_area_and_every_rung_is_listed_none_merged_none_dropped(seeded):
    published = seeded.test_client().get("/r/rotterdam-buurt-bestuurt.json").get_json()
    with seeded.app_context():
        from ladder.registry import registry
        survey = registry().survey("rotterdam-buurt-bestuurt")
        codes = [a.code for a in survey.areas]
        rungs = [r.id for r in registry().ladder_of(survey).rungs]
    tables = {t["id"]: t for t in published["tables"]}
    assert [r["id"] for r in tables["areas"]["rows"]][:len(codes)] == codes
    for aspect in survey.aspects:
        assert [r["id"] for r in tables[f"ladder:{aspect}"]["rows"]] == rungs
        by_area = tables[f"ladder-by-area:{aspect}"]
        assert [r["id"] for r in by_area["rows"]][:len(codes)] == codes
        assert all(set(rungs) <= set(r["cells"]) for r in by_area["rows"])
    html = seeded.test_client().get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)
    assert "tellen we mee bij het grotere gebied" not in html


def test_results_stay_sealed_until_the_survey_closes_unless_staff_choose_otherwise(sqlite_url, tmp_path):
    from ladder import db, lifecycle, report_back
    from ladder.registry import registry
    app = make_app(sqlite_url, tmp_path)
    seed(app, "rotterdam-buurt-bestuurt", 30)
    publish(app, "rotterdam-buurt-bestuurt", close=False)
    client = app.test_client()
    assert "nog niet bekendgemaakt" in client.get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)
    assert client.get("/r/rotterdam-buurt-bestuurt.json").status_code == 404
    with app.test_request_context():
        survey = registry().survey("rotterdam-buurt-bestuurt")
        report_back.save_settings(survey, None, False)  # staff choose to show results while it is open
        db.session().commit()
    assert "Wat antwoordden inwoners?" in client.get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)
    with app.test_request_context():
        survey = registry().survey("rotterdam-buurt-bestuurt")
        report_back.save_settings(survey, None, True)
        lifecycle.editable_row(survey).status = "closed"
        db.session().commit()
    assert "Wat antwoordden inwoners?" in client.get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)


SECTION = re.compile(r'<section class="summary card"[^>]*>\s*<h3 id="question-\d+">(.*?)</h3>(.*?)</section>', re.S)
ROW = re.compile(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", re.S)
CELL = re.compile(r"<td class=\"num\">(.*?)</td>", re.S)


def number_in(cell: str):
    """The count in a page's cell ("1.234", "verborgen") as the JSON has it."""
    text = re.sub(r"<[^>]+>", "", cell).strip()
    return None if text == "verborgen" else int(text.replace(".", ""))


def area_rows(html, caption):
    part = html.split(caption, 1)[1].split("</table>", 1)[0]
    return {unescape(th.strip()): [c.strip() for c in CELL.findall(cells)] for th, cells in ROW.findall(part)}


@pytest.mark.parametrize("slug", BUNDLED)
def test_the_page_its_json_the_verslag_and_ladder_summary_agree_number_for_number(sqlite_url, tmp_path, slug):
    import json
    app = make_app(sqlite_url, tmp_path)
    assert seed(app, slug, 200) == 200
    publish(app, slug)
    client = app.test_client()
    public = client.get(f"/r/{slug}").get_data(as_text=True)
    data = client.get(f"/r/{slug}.json").get_json()
    tables = {t["id"]: t for t in data["tables"]}
    staff = signed_in(app, "admin", None)
    verslag = staff.get(f"/beheer/s/{slug}/participatieverslag").get_data(as_text=True)
    printed = app.test_cli_runner().invoke(args=["summary", slug, "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == data  # ladder summary prints the publication itself
    assert abs(data["responses"] - 200) <= 3
    assert f"In totaal: {data['responses']} antwoorden" in public
    assert f"In totaal {data['responses']} antwoorden" in verslag
    # the page: every question's table, row by row, in the JSON's order
    compared = 0
    cards = SECTION.findall(public)
    questions = [t for t in data["tables"] if t["kind"] in ("question", "ranking")]
    assert len(cards) == len(questions)
    for (label, body), table in zip(cards, questions):
        rows = ROW.findall(body)
        column = "points" if table["kind"] == "ranking" else "count"
        expected = [r["cells"][column] for r in table["rows"]]
        if table["kind"] != "ranking":
            expected.append(table["total"]["cells"]["count"])  # the total row: who answered
        assert [number_in(CELL.findall(cells)[0]) for _, cells in rows] == expected
        compared += len(rows)
    assert compared > 0
    # the areas: page, verslag and JSON
    areas = {r["label"]["nl"] if isinstance(r["label"], dict) else r["label"]: r["cells"]["count"]
             for r in tables["areas"]["rows"]}
    for html in (public, verslag):
        shown = {name: number_in(cells[0]) for name, cells in area_rows(html, "Antwoorden per gebied</caption>").items()}
        assert {k: v for k, v in shown.items() if k in areas} == areas
    # every whole-survey ladder: the page's table is the JSON's
    for aspect_table in (t for t in data["tables"] if t["kind"] == "ladder"):
        caption = aspect_table["title"]["nl"] + ": aantal per trede</caption>"
        shown = [number_in(cells[0]) for cells in area_rows(public, caption).values()]
        assert shown == [r["cells"]["count"] for r in aspect_table["rows"]] + [aspect_table["total"]["cells"]["count"]]


def test_with_150_responses_to_molenwaard_every_rung_of_the_whole_survey_ladder_has_a_number(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path)
    assert seed(app, "molenwaard-dorpsoverleg", 150) == 150
    publish(app, "molenwaard-dorpsoverleg")
    data = app.test_client().get("/r/molenwaard-dorpsoverleg.json").get_json()
    ladders = [t for t in data["tables"] if t["kind"] == "ladder"]
    assert len(ladders) == 2  # "Hoe u nu meedoet", "Hoe u wilt meedoen"
    for table in ladders:
        assert all(r["cells"]["count"] is not None for r in table["rows"]), table["id"]
        assert table["total"]["cells"]["count"] is not None
    html = app.test_client().get("/r/molenwaard-dorpsoverleg").get_data(as_text=True)
    for table in ladders:  # the page's whole-survey table (the per-area table below it may hide a small area's cell)
        part = html.split(table["title"]["nl"] + ": aantal per trede</caption>", 1)[1].split("</table>", 1)[0]
        assert "verborgen" not in part


def test_long_labels_wrap_instead_of_running_off_a_phone():
    from ladder.analysis.charts import LABEL_CHARS, bar_rows_svg
    label = "Ik wil meedenken over plannen en ook zelf een voorstel kunnen doen voor mijn buurt"
    svg = bar_rows_svg([(label, 5.0, "5"), ("Kort", 2.0, "2")], "Titel")
    lines = re.findall(r'<text x="0" y="\d+" font-size="14" fill="#1b1b1b">([^<]+)</text>', svg)
    assert " ".join(lines[:-1]) == label and len(lines) > 2
    assert max(len(line) for line in lines) <= LABEL_CHARS
    assert lines[-1] == "Kort"


def test_r_and_the_dashboard_on_both_databases(database_url, tmp_path):
    slug = "rotterdam-buurt-bestuurt"
    app = make_app(database_url, tmp_path)
    assert seed(app, slug, 120) == 120
    publish(app, slug)
    client = app.test_client()
    data = client.get(f"/r/{slug}.json").get_json()
    assert abs(data["responses"] - 120) <= 3
    assert f"In totaal: {data['responses']} antwoorden." in client.get(f"/r/{slug}").get_data(as_text=True)
    staff = signed_in(app, "admin", None)
    assert re.search(r'glance__number">120<', staff.get(f"/beheer/s/{slug}").get_data(as_text=True))
    filtered = staff.get(f"/beheer/s/{slug}?kanaal=online").get_data(as_text=True)
    assert "Gefilterd: 120 van de 120 antwoorden." in filtered
