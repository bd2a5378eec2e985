"""The dashboard at a glance (issue 12): top numbers, cards, filters, downloads in words, confirm pages."""
import re

import pytest

from conftest import make_app
from test_resident import token
from test_staff import MINE, VALID, signed_in


def answer(client, area, channel_answers=1):
    body = {**VALID, "woonplaats": area}
    assert client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": body}).status_code == 201


@pytest.fixture
def app(sqlite_url, tmp_path):
    return make_app(sqlite_url, tmp_path)


@pytest.fixture
def editor(app):
    return signed_in(app, "editor")


def test_the_top_says_responses_and_completion_and_each_question_has_a_card(app, editor):
    client = app.test_client()
    for area in ("testdorp", "testdorp", "proefwijk"):
        answer(client, area)
    html = editor.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    assert re.search(r'glance__number">3<', html)
    assert html.count('<section class="summary card"') >= 3
    assert '<nav class="page-nav"' in html
    assert not re.search(r"\sstyle=", html)
    assert "ladder rescore" not in html


def test_the_area_filter_keeps_that_area_only(app, editor):
    client = app.test_client()
    for area in ("testdorp", "testdorp", "proefwijk"):
        answer(client, area)
    html = editor.get(f"/beheer/s/{MINE}?gebied=proefwijk").get_data(as_text=True)
    assert "Gefilterd: 1 van de 3 antwoorden." in html
    unknown = editor.get(f"/beheer/s/{MINE}?gebied=nergens&kanaal=post").get_data(as_text=True)
    assert "Gefilterd" not in unknown  # an unknown filter value is ignored, not an error


def test_the_channel_filter_counts_online_answers(app, editor):
    client = app.test_client()
    answer(client, "testdorp")
    online = editor.get(f"/beheer/s/{MINE}?kanaal=online").get_data(as_text=True)
    paper = editor.get(f"/beheer/s/{MINE}?kanaal=paper").get_data(as_text=True)
    assert "Gefilterd: 1 van de 1 antwoorden." in online
    assert "Gefilterd: 0 van de 1 antwoorden." in paper


def test_downloads_are_buttons_with_words(editor):
    html = editor.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    for words in ("Excel", "SPSS", "CSV", "Rapport (HTML)", "Participatieverslag"):
        assert words in html, words
    assert ">Antwoorden als PARQUET<" not in html


def test_destructive_actions_live_on_their_own_confirm_pages(editor):
    html = editor.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    assert "Alles verwijderen</button>" not in html and "Intrekken</button>" not in html
    assert "Alles verwijderen</button>" in editor.get(f"/beheer/s/{MINE}/verwijderen/bevestigen").get_data(as_text=True)
    assert "Intrekken</button>" in editor.get(f"/beheer/s/{MINE}/intrekken/bevestigen").get_data(as_text=True)


def test_bereken_opnieuw_places_pending_responses(app, editor):
    from ladder import db
    from ladder.models import Response
    answer(app.test_client(), "testdorp")
    with app.app_context():
        row = db.session().query(Response).one()
        row.placement_status, row.placements = "pending", []
        db.session().commit()
    html = editor.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    assert "Bereken opnieuw" in html
    done = editor.post(f"/beheer/s/{MINE}/opnieuw-berekenen", data={"csrf_token": token(html.encode())})
    assert done.status_code == 302
    with app.app_context():
        assert db.session().query(Response).one().placement_status == "placed"


def test_times_are_in_the_netherlands():
    from datetime import datetime, timezone
    from ladder.web.views.staff_report import local_time
    assert local_time(datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)) == "01-07-2026 14:00"  # summer: UTC+2
    assert local_time(datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)) == "01-01-2026 13:00"  # winter: UTC+1


def test_the_report_downloads(editor):
    response = editor.get(f"/beheer/s/{MINE}/rapport")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]


def test_representativeness_on_top_when_the_installation_has_population_figures(sqlite_url, tmp_path):
    from pathlib import Path

    from report_back_seed import seed
    slug = "molenwaard-dorpsoverleg"
    margins = Path(__file__).parents[1] / "plugins/molenwaard/ladder_molenwaard/data/sample_margins.csv"
    app = make_app(sqlite_url, tmp_path, SURVEY_MARGINS={slug: str(margins)})
    seed(app, slug, 120)
    admin = signed_in(app, "admin", None)
    html = admin.get(f"/beheer/s/{slug}").get_data(as_text=True)
    index = re.search(r'glance__number">(\d+)</span> <span class="glance__label">representativiteit', html)
    assert index and 0 < int(index.group(1)) <= 100
    verslag = admin.get(f"/beheer/s/{slug}/participatieverslag").get_data(as_text=True)
    assert f"Representativiteit tegenover de inwoners (CBS): {index.group(1)} op 100" in verslag


def test_home_says_which_surveys_have_public_results(app, editor):
    home = editor.get("/beheer/").get_data(as_text=True)
    assert "nog niet openbaar" in home and f'href="/r/{MINE}"' not in home
    page = editor.get(f"/beheer/s/{MINE}/uitkomsten")
    editor.post(f"/beheer/s/{MINE}/uitkomsten", data={"csrf_token": token(page.data), "results_text": "Dank.",
                                                     "next_rung": "raadplegen"})
    assert f'href="/r/{MINE}"' in editor.get("/beheer/").get_data(as_text=True)


def test_staff_pages_are_named_in_the_staff_voice_and_resident_pages_in_the_residents(app, editor):
    # issue 23: the site name on staff pages spoke to a resident ("Inspraak in uw kern, wijk of buurt")
    def site_name(html):
        return re.search(r'class="site-name" href="([^"]+)">([^<]+)<', html).groups()
    for path in ("/beheer/", f"/beheer/s/{MINE}", "/beheer/inloggen"):
        href, name = site_name(editor.get(path).get_data(as_text=True))
        assert name == "Inspraak: beheer voor medewerkers" and href == "/beheer/", path
    assert site_name(app.test_client().get("/").get_data(as_text=True)) == ("/", "Inspraak in uw kern, wijk of buurt")
