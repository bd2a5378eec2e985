"""Public results per question (issue 12): charts readable at 320 px, small areas merged, numbers that agree."""
import re
from types import SimpleNamespace

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


def test_merge_small_areas_moves_them_into_their_parent_until_the_threshold_is_reached():
    from ladder.outcomes import merge_small_areas
    areas = [SimpleNamespace(code="stad", parent=None), SimpleNamespace(code="wijk", parent="stad"),
             SimpleNamespace(code="buurt-a", parent="wijk"), SimpleNamespace(code="buurt-b", parent="wijk"),
             SimpleNamespace(code="dorp", parent=None)]
    survey = SimpleNamespace(areas=areas)
    # buurt-a (2) and buurt-b (1) are small: into wijk (0 of its own) gives 3, still small: into stad (9) = 12
    assert merge_small_areas({"buurt-a": 2, "buurt-b": 1, "stad": 9, "dorp": 3}, survey, 5) == \
        {"buurt-a": "stad", "buurt-b": "stad"}
    # dorp has no parent: it stays (and is hidden by disclosure control); big areas never move
    assert merge_small_areas({"buurt-a": 7, "dorp": 3}, survey, 5) == {}


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
    assert "Borda" in html
    assert html.count('<svg class="bars"') >= 3
    assert not re.search(r"\sstyle=", html)
    assert "Meer groen in de straat." not in html  # the seeded free text
    # the summaries' 95 % intervals (issue 15) as one column in words, never the raw column names
    assert "95%-interval</th>" in html and re.search(r'<td class="num">\d+%–\d+%</td>', html)
    assert ">ci_low<" not in html and ">se<" not in html
    assert html.count('class="table-scroll" role="region"') >= 3


def test_results_page_says_which_small_areas_were_merged(seeded):
    html = seeded.test_client().get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)
    assert "tellen we mee bij het grotere gebied" in html


def test_results_stay_sealed_until_the_survey_closes_when_staff_ask(seeded):
    from ladder import db, lifecycle, report_back
    from ladder.views import registry
    with seeded.test_request_context():
        survey = registry().survey("rotterdam-buurt-bestuurt")
        report_back.save_settings(survey, None, True)
        db.session().commit()
    client = seeded.test_client()
    assert "nog niet bekendgemaakt" in client.get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)
    with seeded.test_request_context():
        survey = registry().survey("rotterdam-buurt-bestuurt")
        lifecycle.editable_row(survey).status = "closed"
        db.session().commit()
    assert "Wat antwoordden inwoners?" in client.get("/r/rotterdam-buurt-bestuurt").get_data(as_text=True)


SECTION = re.compile(r'<section class="summary card"[^>]*>\s*<h3 id="question-\d+">(.*?)</h3>(.*?)</section>', re.S)
ROW = re.compile(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", re.S)
CELL = re.compile(r"<td class=\"num\">(.*?)</td>", re.S)


def cards(html):
    """Question label -> {row label: [cell texts]} of every question card on a page."""
    out = {}
    for label, body in SECTION.findall(html):
        out[label.strip()] = {th.strip(): [c.strip() for c in CELL.findall(cells)] for th, cells in ROW.findall(body)}
    return out


def area_rows(html, caption):
    part = html.split(caption, 1)[1].split("</table>", 1)[0]
    return {th.strip(): [c.strip() for c in CELL.findall(cells)] for th, cells in ROW.findall(part)}


@pytest.mark.parametrize("slug", BUNDLED)
def test_numbers_on_r_the_dashboard_and_the_verslag_agree(sqlite_url, tmp_path, slug):
    app = make_app(sqlite_url, tmp_path)
    assert seed(app, slug, 200) == 200
    publish(app, slug)
    public = app.test_client().get(f"/r/{slug}").get_data(as_text=True)
    staff = signed_in(app, "admin", None)
    dashboard = staff.get(f"/beheer/s/{slug}").get_data(as_text=True)
    verslag = staff.get(f"/beheer/s/{slug}/participatieverslag").get_data(as_text=True)
    assert re.search(r"In totaal: 200 antwoorden", public)
    assert re.search(r'glance__number">200<', dashboard)
    assert "In totaal 200 antwoorden" in verslag
    published, exact = cards(public), cards(dashboard)
    assert published, "no question on /r/"
    compared = 0
    for label, rows in published.items():
        assert label in exact, label
        for row, cells in rows.items():
            for shown, real in zip(cells, exact[label][row]):
                if shown not in ("verborgen", "–"):
                    assert shown == real, (label, row)
                    compared += 1
    assert compared > 0
    # `ladder summary` (exact, --threshold 0) counts the same as the dashboard's cards
    import json
    printed = app.test_cli_runner().invoke(args=["summary", slug, "--format", "json", "--threshold", "0"])
    assert printed.exit_code == 0, printed.output
    summaries = json.loads(printed.output)
    assert summaries["responses"] == 200
    with app.app_context():
        from ladder.text import pick
        from ladder.views import registry
        labels = {q.id: pick(q.label) for q in registry().survey(slug).questions}
    agreed = 0
    for name, column, heading in (("crosstab-area", "count", "Aantal"), ("ranking-borda", "points", "Punten")):
        totals: dict[str, int] = {}
        for row in summaries["summaries"].get(name, []):
            totals[row["question"]] = totals.get(row["question"], 0) + int(row[column])
        for qid, total in totals.items():
            card = exact.get(labels[qid])
            if card is None:  # the area question: its own table per area
                continue
            headings = re.findall(r"<th scope=\"col\"[^>]*>([^<]+)</th>",
                                  dashboard.split(f">{labels[qid]}<", 1)[1].split("</thead>", 1)[0])
            if heading not in headings:  # a ranking in the crosstab (its first place): compared by Borda
                continue
            position = headings.index(heading) - 1
            assert sum(int(cells[position].replace(".", "")) for cells in card.values()) == total, (qid, name)
            agreed += 1
    assert agreed > 0
    # the verslag's table of areas is the public page's, cell for cell
    assert area_rows(verslag, "Antwoorden per gebied</caption>") == area_rows(public, "Antwoorden per gebied</caption>")


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
    public = app.test_client().get(f"/r/{slug}").get_data(as_text=True)
    assert "In totaal: 120 antwoorden." in public and "tellen we mee bij het grotere gebied" in public
    staff = signed_in(app, "admin", None)
    assert re.search(r'glance__number">120<', staff.get(f"/beheer/s/{slug}").get_data(as_text=True))
    filtered = staff.get(f"/beheer/s/{slug}?kanaal=online").get_data(as_text=True)
    assert "Gefilterd: 120 van de 120 antwoorden." in filtered
