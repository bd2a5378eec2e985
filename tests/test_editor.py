"""The survey editor (issue 21): an editor builds, previews and publishes a survey with plain form posts; only their
own municipality's surveys; every change needs the CSRF token; bad input changes nothing and is never a 500."""
import io

import pandas as pd
import pytest
from sqlalchemy import func, select

from ladder import db
from ladder.models import SurveyVersion
from ladder.testing import submit_form
from test_resident import token
from test_staff import signed_in

BASE = "/beheer/vragenlijsten"
SLUG = "speeltuin"


def post(client, path, data=None, page=None, **kwargs):
    """POST ``data`` to ``path`` with the CSRF token of ``page`` (default: the editor's list)."""
    html = client.get(page or f"{BASE}/").data
    return client.post(path, data={"csrf_token": token(html), **(data or {})}, **kwargs)


def stored(app, slug=SLUG):
    with app.app_context():
        return db.session().scalars(select(SurveyVersion).where(SurveyVersion.slug == slug)
                                    .order_by(SurveyVersion.number)).all()


def build(client, app):
    """Build a three-page survey with a condition, choices, areas, a placement table and Frisian texts."""
    assert post(client, f"{BASE}/nieuw", {"slug": SLUG, "title": "De speeltuin",
                                          "municipality": "Testgemeente"}).status_code == 302
    over = f"{BASE}/{SLUG}"
    for page_id, title in (("wonen", "Waar u woont"), ("speeltuin", "De speeltuin"), ("wensen", "Uw wensen")):
        assert post(client, f"{over}/paginas", {"page_id": page_id, "title": title}, page=over).status_code == 302
    assert post(client, f"{over}/gebieden", {"areas": "noord;Noord;wijk\nzuid;Zuid;wijk"},
                page=f"{over}/gebieden").status_code == 302
    questions = [
        (0, {"type": "area", "qid": "woonplaats", "label:nl": "Waar woont u?", "label:fy": "Wêr wennet jo?"}),
        (1, {"type": "single_choice", "qid": "bezoek", "label:nl": "Gaat u naar de speeltuin?",
             "label:fy": "Geane jo nei de boartersplak?", "choices": "ja = Ja\nnee = Nee"}),
        (2, {"type": "long_text", "qid": "wens", "label:nl": "Wat wilt u er nog bij?",
             "label:fy": "Wat wolle jo der noch by?", "if_question": "bezoek", "if_operator": "equals", "if_value": "ja",
             "option:max_length": "500"}),
    ]
    for page, fields in questions:
        url = f"{over}/paginas/{page}/vragen/nieuw"
        made = post(client, url, {"action": "opslaan", "required": "1", **fields}, page=url)
        assert made.status_code == 302, made.get_data(as_text=True)
    assert post(client, f"{over}/plaatsing", {
        "rung": "raadplegen", "promise": "Wij vragen uw mening over de speeltuin.", "aspects": "gewenst = Wat u wilt",
        "placement": "bezoek;ja;gewenst;adviseren\nbezoek;nee;gewenst;raadplegen", "rung_function": ""},
        page=f"{over}/plaatsing").status_code == 302
    texts = client.get(f"{over}/teksten")
    fy = {"title:fy": "De boartersplak", "intro:nl": "Wij vernieuwen de speeltuin.", "intro:fy": "Wy fernije it plak.",
          "purpose:nl": "Om te weten wat u wilt.", "purpose:fy": "Om te witten wat jo wolle.",
          "retention:nl": "Een jaar.", "retention:fy": "In jier.", "aspects.gewenst:fy": "Wat jo wolle",
          "offer.promise:fy": "Wy freegje jo miening.", "areas.0.name:fy": "Noard", "areas.1.name:fy": "Súd",
          "pages.0.title:fy": "Wêr jo wenje", "pages.1.title:fy": "De boartersplak", "pages.2.title:fy": "Jo winsken",
          "pages.1.questions.0.choices.0.label:fy": "Ja", "pages.1.questions.0.choices.1.label:fy": "Nee"}
    current = _text_inputs(texts.get_data(as_text=True))
    assert post(client, f"{over}/teksten", {**current, **fy, "locales": ["fy"]}, page=f"{over}/teksten").status_code == 302


def _text_inputs(html):
    """The text inputs' current values, as a browser would post them back."""
    import re
    from html import unescape
    values = {unescape(n): unescape(v) for n, v in re.findall(r'<input class="input" id="[^"]*" name="([^"]+)" type="text" value="([^"]*)"', html)}
    values.update({unescape(n): unescape(v) for n, v in re.findall(r'<textarea class="textarea" id="[^"]*" name="([^"]+)"[^>]*>([^<]*)</textarea>', html)})
    return values


def test_an_editor_builds_previews_and_publishes_a_survey_that_residents_then_answer(app):
    client = signed_in(app, "editor")
    build(client, app)
    over = client.get(f"{BASE}/{SLUG}").get_data(as_text=True)
    assert "Nog niet te publiceren" not in over, over
    assert "teksten missen nog een vertaling" not in over
    preview = client.get(f"{BASE}/{SLUG}/voorbeeld/1/speeltuin?lang=fy")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Foarbyld fan ferzje 1" in html and "Geane jo nei de boartersplak?" in html
    assert app.test_client().get(f"/s/{SLUG}").status_code == 404  # not yet for residents
    assert post(client, f"{BASE}/{SLUG}/publiceren", page=f"{BASE}/{SLUG}").status_code == 302
    (row,) = stored(app)
    assert row.status == "published" and row.version.startswith("v1-")

    resident = app.test_client()
    done = submit_form(resident, SLUG, {"wonen": {"woonplaats": "noord"}, "speeltuin": {"bezoek": "ja"},
                                        "wensen": {"wens": "Een schommel"}}, locale="fy")
    assert done["survey_version"] == row.version
    assert done["placements"][0]["rung"] == "adviseren"
    csv = client.get(f"/beheer/s/{SLUG}/export/csv")  # the export names the version
    assert csv.status_code == 200
    assert list(pd.read_csv(io.BytesIO(csv.data), sep=";")["survey_version"]) == [row.version]


def test_a_published_version_cannot_be_edited_and_a_new_version_can(app):
    client = signed_in(app, "editor")
    build(client, app)
    post(client, f"{BASE}/{SLUG}/publiceren", page=f"{BASE}/{SLUG}")
    refused = post(client, f"{BASE}/{SLUG}/paginas", {"page_id": "extra", "title": "Extra"}, page=f"{BASE}/{SLUG}")
    assert refused.status_code == 409
    assert [len(r.definition["pages"]) for r in stored(app)] == [3]
    assert post(client, f"{BASE}/{SLUG}/nieuwe-versie", page=f"{BASE}/{SLUG}").status_code == 302
    assert post(client, f"{BASE}/{SLUG}/paginas", {"page_id": "extra", "title": "Extra"},
                page=f"{BASE}/{SLUG}").status_code == 302
    assert [(r.number, r.status, len(r.definition["pages"])) for r in stored(app)] == [(1, "published", 3),
                                                                                       (2, "draft", 4)]


def test_other_municipalities_and_analysts_cannot_see_or_change_a_survey(app):
    build(signed_in(app, "editor"), app)
    other = signed_in(app, "editor", "Andergemeente")
    assert other.get(f"{BASE}/{SLUG}").status_code == 404
    assert SLUG not in other.get(f"{BASE}/").get_data(as_text=True)
    assert post(other, f"{BASE}/{SLUG}/publiceren").status_code == 404
    assert post(other, f"{BASE}/{SLUG}/paginas", {"page_id": "x", "title": "X"}).status_code == 404
    assert post(other, f"{BASE}/nieuw", {"slug": "stiekem", "title": "X", "municipality": "Testgemeente"}).status_code == 403
    assert signed_in(app, "analyst").get(f"{BASE}/").status_code == 403
    assert [r.status for r in stored(app)] == ["draft"] and stored(app, "stiekem") == []


def test_every_change_needs_the_csrf_token(app):
    client = signed_in(app, "editor")
    build(client, app)
    before = stored(app)[0].definition
    for path, data in ((f"{BASE}/nieuw", {"slug": "zonder", "title": "Zonder"}),
                       (f"{BASE}/{SLUG}/paginas", {"page_id": "x", "title": "X"}),
                       (f"{BASE}/{SLUG}/publiceren", {}),
                       (f"{BASE}/{SLUG}/teksten", {"title:nl": "Anders"})):
        assert client.post(path, data=data).status_code == 400, path
    assert stored(app)[0].definition == before and stored(app)[0].status == "draft" and stored(app, "zonder") == []


@pytest.mark.parametrize("fields, message", [
    ({"slug": "Met Spaties", "title": "X"}, "kleine letters"),
    ({"slug": "testdorp-inspraak", "title": "X"}, "Er is al een vragenlijst met de naam testdorp-inspraak"),
    ({"slug": "goed", "title": " "}, "Geef de vragenlijst een titel"),
])
def test_a_bad_new_survey_is_refused_with_a_message(app, fields, message):
    client = signed_in(app, "editor")
    answer = post(client, f"{BASE}/nieuw", {**fields, "municipality": "Testgemeente"}, follow_redirects=True)
    assert answer.status_code == 200 and message in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(SurveyVersion)) == 0


def test_an_unfinished_survey_is_not_published_and_says_why(app):
    client = signed_in(app, "editor")
    post(client, f"{BASE}/nieuw", {"slug": SLUG, "title": "Half", "municipality": "Testgemeente"})
    answer = post(client, f"{BASE}/{SLUG}/publiceren", page=f"{BASE}/{SLUG}", follow_redirects=True)
    assert "Nog niet te publiceren" in answer.get_data(as_text=True)
    assert "needs at least one [[pages]] table" in answer.get_data(as_text=True)
    assert stored(app)[0].status == "draft"


def test_bad_question_input_changes_nothing(app):
    client = signed_in(app, "editor")
    build(client, app)
    before = stored(app)[0].definition
    url = f"{BASE}/{SLUG}/paginas/1/vragen/nieuw"
    for fields, message in (({"qid": "bezoek", "label:nl": "Nog eens"}, "Er is al een vraag bezoek"),
                            ({"qid": "Fout Id", "label:nl": "X"}, "kleine letters"),
                            ({"qid": "nieuw", "label:nl": "X", "choices": "zonder tekst ="}, "waarde = tekst"),
                            ({"qid": "nieuw", "label:nl": "X", "choices": "a = A", "if_question": "woonplaats",
                              "if_operator": "equals", "if_value": ""}, "Vul de waarde")):
        answer = post(client, url, {"action": "opslaan", "type": "single_choice", **fields}, page=url,
                      follow_redirects=True)
        assert answer.status_code == 200 and message in answer.get_data(as_text=True), message
    assert stored(app)[0].definition == before


def test_findings_of_the_check_and_lint_are_shown(app):
    client = signed_in(app, "editor")
    build(client, app)
    url = f"{BASE}/{SLUG}/teksten"
    current = _text_inputs(client.get(url).get_data(as_text=True))
    post(client, url, {**current, "pages.2.title:fy": "", "locales": ["fy"]}, page=url)
    html = client.get(f"{BASE}/{SLUG}").get_data(as_text=True)
    assert "pages.wensen.title.fy" in html and "no &#39;fy&#39; text" in html
    assert "1 teksten missen nog een vertaling" in html


def test_a_toml_file_upload_becomes_a_draft_and_a_bad_file_is_refused(app):
    client = signed_in(app, "editor")
    toml = (b'slug = "uit-bestand"\nmunicipality = "Iets"\ntitle = "Uit een bestand"\nintro = "Hallo."\n'
            b'purpose = "Doel."\nretention = "Een jaar."\n[[pages]]\nid = "een"\ntitle = "Een"\n'
            b'[[pages.questions]]\nid = "vraag"\ntype = "short_text"\nlabel = "Wat vindt u?"\n')
    done = post(client, f"{BASE}/inlezen", {"survey_file": (io.BytesIO(toml), "lijst.toml"),
                                            "municipality": "Testgemeente"}, content_type="multipart/form-data")
    assert done.status_code == 302
    (row,) = stored(app, "uit-bestand")
    assert (row.status, row.municipality) == ("draft", "Testgemeente")  # the editor's municipality, not the file's
    bad = post(client, f"{BASE}/inlezen", {"survey_file": (io.BytesIO(b"slug = ["), "kapot.toml"),
                                           "municipality": "Testgemeente"}, content_type="multipart/form-data",
               follow_redirects=True)
    assert bad.status_code == 200 and "geen geldig vragenlijstbestand" in bad.get_data(as_text=True)


def test_a_copy_of_a_plugin_survey_is_a_draft_with_its_rung_function(app):
    client = signed_in(app, "editor")
    assert post(client, f"{BASE}/kopie", {"source": "testdorp-inspraak", "slug": "testdorp-2"}).status_code == 302
    (row,) = stored(app, "testdorp-2")
    assert row.definition["rung_function"] == "testdorp-inspraak" and row.status == "draft"
    html = client.get(f"{BASE}/testdorp-2").get_data(as_text=True)
    assert "Nog niet te publiceren" not in html and "functie testdorp-inspraak" in html


def test_a_file_that_is_not_a_whole_survey_is_refused_and_nothing_is_stored(app):
    client = signed_in(app, "editor")
    toml = b'slug = "half"\ntitle = "Half"\npages = [1]\n'
    answer = post(client, f"{BASE}/inlezen", {"survey_file": (io.BytesIO(toml), "half.toml"),
                                              "municipality": "Testgemeente"}, content_type="multipart/form-data",
                  follow_redirects=True)
    assert answer.status_code == 200 and "geen geldig vragenlijstbestand" in answer.get_data(as_text=True)
    assert stored(app, "half") == []


def test_moving_or_removing_what_is_not_there_is_a_404_and_changes_nothing(app):
    client = signed_in(app, "editor")
    build(client, app)
    before = stored(app)[0].definition
    for fields in ({"page": "7", "action": "verwijderen"}, {"page": "1", "question": "5", "action": "verwijderen"},
                   {"page": "-1", "action": "omhoog"}):
        assert post(client, f"{BASE}/{SLUG}/volgorde", fields, page=f"{BASE}/{SLUG}").status_code == 404, fields
    assert post(client, f"{BASE}/{SLUG}/volgorde", {"page": "x", "action": "omhoog"}).status_code == 400
    assert stored(app)[0].definition == before


def test_a_combined_condition_from_a_file_is_kept_when_the_page_is_saved(app):
    client = signed_in(app, "editor")
    build(client, app)
    combined = {"any": [{"question": "bezoek", "equals": "ja"}, {"question": "woonplaats", "equals": "noord"}]}
    with app.app_context():
        from ladder import stored_surveys
        row = stored_surveys.versions(SLUG)[0]
        data = dict(row.definition)
        data["pages"] = [dict(p) for p in data["pages"]]
        data["pages"][2]["show_if"] = combined
        stored_surveys.save(row, data)
        db.session().commit()
    url = f"{BASE}/{SLUG}/paginas/2"
    assert "samengestelde voorwaarde" in client.get(url).get_data(as_text=True)
    assert post(client, url, {"title": "Uw wensen nu", "if_question": ""}, page=url).status_code == 302
    page = stored(app)[0].definition["pages"][2]
    assert (page["title"]["nl"], page["show_if"]) == ("Uw wensen nu", combined)
