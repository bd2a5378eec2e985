"""Staff key in paper forms and assisted answers (issue 14): one page per screen, the resident's validation,
the one submit path, the channel recorded, double entry with the differences shown before storing."""
import re

import pytest
from sqlalchemy import func, select

from conftest import make_app
from ladder import db
from ladder.models import AuditEntry, PendingEntry, Response
from test_staff import signed_in
from test_resident import token

SLUG = "testdorp-inspraak"
PAGES = {"over-u": {"woonplaats": "testdorp", "betrokken": "nooit"},
         "inspraak": {"huidig": "raadplegen", "gewenst": 4, "thema": ["groen"]},
         "afsluiting": {"opmerking": "Van papier"}}


@pytest.fixture
def app(sqlite_url, tmp_path):
    return make_app(sqlite_url, tmp_path)


def form_values(values):
    return {k: ([str(x) for x in v] if isinstance(v, list) else str(v)) for k, v in values.items()}


def begin(client, channel="paper", double=False, label="", locale=None):
    page = client.get(f"/beheer/s/{SLUG}/invoeren")
    assert page.status_code == 200
    data = {"csrf_token": token(page.data), "channel": channel, "label": label}
    if locale:
        data["locale"] = locale
    if double:
        data["double"] = "y"
    started = client.post(f"/beheer/s/{SLUG}/invoeren", data=data)
    assert started.status_code == 302, started.get_data(as_text=True)
    return started.headers["Location"]


def key_pages(client, url, pages):
    """Post each page the survey shows with its answers; return the check page's URL."""
    while "/vraag/" in url:
        page_id = url.rsplit("/", 1)[-1]
        page = client.get(url)
        assert page.status_code == 200
        posted = client.post(url, data={"csrf_token": token(page.data), "action": "volgende",
                                        **form_values(pages.get(page_id, {}))})
        assert posted.status_code == 302, posted.get_data(as_text=True)
        url = posted.headers["Location"]
    assert url.endswith("/controleren")
    return url


def key_in(client, pages=PAGES, channel="paper"):
    """Key in one form and store it; return the stored response's receipt."""
    check = key_pages(client, begin(client, channel), pages)
    page = client.get(check)
    done = client.post(check, data={"csrf_token": token(page.data)})
    assert done.status_code == 200, done.get_data(as_text=True)
    return re.search(r'class="code">\s*([A-Z0-9-]+)\s*<', done.get_data(as_text=True)).group(1)


def count(app, model, *where):
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where))


def test_a_keyed_in_paper_form_is_stored_with_its_channel_and_an_audit_entry(app):
    client = signed_in(app, "editor")
    key_in(client)
    with app.app_context():
        response = db.session().scalar(select(Response))
        assert response.channel == "paper"
        assert response.answers["opmerking"] == "Van papier"
        assert [p["rung"] for p in response.placements] == ["raadplegen", "coproduceren"]
        assert db.session().scalar(select(AuditEntry).where(AuditEntry.action == "entry")).survey_slug == SLUG
    assert count(app, PendingEntry) == 0


def test_assisted_answers_are_recorded_as_assisted(app):
    client = signed_in(app, "editor")
    key_in(client, channel="assisted")
    with app.app_context():
        assert db.session().scalar(select(Response.channel)) == "assisted"


def test_a_form_printed_in_frisian_is_stored_with_its_language(app):
    client = signed_in(app, "editor")
    check = key_pages(client, begin(client, locale="fy"), PAGES)
    assert client.post(check, data={"csrf_token": token(client.get(check).data)}).status_code == 200
    with app.app_context():
        assert db.session().scalar(select(Response.locale)) == "fy"


def test_a_page_with_wrong_answers_is_refused_with_the_residents_messages_and_nothing_stored(app):
    client = signed_in(app, "editor")
    url = begin(client)
    page = client.get(url)
    refused = client.post(url, data={"csrf_token": token(page.data), "action": "volgende", "woonplaats": "nergens"})
    assert refused.status_code == 422
    assert "error-summary" in refused.get_data(as_text=True)
    assert count(app, Response) == 0


def test_an_unknown_channel_is_refused(app):
    client = signed_in(app, "editor")
    page = client.get(f"/beheer/s/{SLUG}/invoeren")
    refused = client.post(f"/beheer/s/{SLUG}/invoeren", data={"csrf_token": token(page.data), "channel": "online"})
    assert refused.status_code == 422
    assert count(app, PendingEntry) == 0


def test_entry_needs_csrf(app):
    client = signed_in(app, "editor")
    assert client.post(f"/beheer/s/{SLUG}/invoeren", data={"channel": "paper"}).status_code == 400
    assert count(app, PendingEntry) == 0


def test_only_editors_of_the_own_municipality_key_in(app):
    assert app.test_client().get(f"/beheer/s/{SLUG}/invoeren").status_code == 302  # sign in first
    assert signed_in(app, "analyst").get(f"/beheer/s/{SLUG}/invoeren").status_code == 403
    assert signed_in(app, "editor", "Andergemeente").get(f"/beheer/s/{SLUG}/invoeren").status_code == 404
    assert signed_in(app, "admin", None).get(f"/beheer/s/{SLUG}/invoeren").status_code == 200


def test_another_municipalitys_editor_cannot_continue_or_store_an_entry(app):
    client = signed_in(app, "editor")
    check = key_pages(client, begin(client), PAGES)
    other = signed_in(app, "editor", "Andergemeente")
    assert other.get(check).status_code == 404
    assert count(app, Response) == 0


def test_a_second_click_on_store_stores_one_response(app):
    client = signed_in(app, "editor")
    check = key_pages(client, begin(client), PAGES)
    csrf = token(client.get(check).data)
    assert client.post(check, data={"csrf_token": csrf}).status_code == 200
    again = client.post(check, data={"csrf_token": csrf})
    assert again.status_code in (302, 404)
    assert count(app, Response) == 1


def test_double_entry_shows_the_differences_before_storing_the_second_entry(app):
    first = signed_in(app, "editor")
    check = key_pages(first, begin(first, double=True, label="P-7"), PAGES)
    waited = first.post(check, data={"csrf_token": token(first.get(check).data)})
    assert waited.status_code == 302
    assert count(app, Response) == 0
    with app.app_context():
        entry = db.session().scalar(select(PendingEntry))
        entry_id = entry.id
        assert entry.stage == "waiting" and entry.first_answers["opmerking"] == "Van papier"

    # The first keyer cannot also be the second.
    listing = first.get(f"/beheer/s/{SLUG}/invoeren")
    refused = first.post(f"/beheer/invoer/{entry_id}/tweede", data={"csrf_token": token(listing.data)})
    assert refused.status_code == 302
    assert "andere persoon" in first.get(refused.headers["Location"]).get_data(as_text=True)

    second = signed_in(app, "admin", None)
    listing = second.get(f"/beheer/s/{SLUG}/invoeren")
    assert "P-7" in listing.get_data(as_text=True)
    started = second.post(f"/beheer/invoer/{entry_id}/tweede", data={"csrf_token": token(listing.data)})
    assert started.status_code == 302
    misread = {**PAGES, "inspraak": {**PAGES["inspraak"], "gewenst": 5}}
    check = key_pages(second, started.headers["Location"], misread)
    shown = second.get(check).get_data(as_text=True)
    assert "Verschillen met de eerste invoer" in shown and "Hoeveel inspraak wilt u?" in shown

    unchecked = second.post(check, data={"csrf_token": token(second.get(check).data)})
    assert unchecked.status_code == 422
    assert count(app, Response) == 0
    stored = second.post(check, data={"csrf_token": token(second.get(check).data), "checked": "y"})
    assert stored.status_code == 200
    with app.app_context():
        response = db.session().scalar(select(Response))
        assert response.answers["gewenst"] == 5 and response.channel == "paper"
        actions = db.session().scalars(select(AuditEntry.action).where(AuditEntry.survey_slug == SLUG)).all()
        assert {"entry-first", "entry"} <= set(actions)
    assert count(app, PendingEntry) == 0


def test_equal_double_entries_store_without_a_check(app):
    first = signed_in(app, "editor")
    check = key_pages(first, begin(first, double=True), PAGES)
    first.post(check, data={"csrf_token": token(first.get(check).data)})
    second = signed_in(app, "admin", None)
    listing = second.get(f"/beheer/s/{SLUG}/invoeren")
    entry_id = re.search(r"/beheer/invoer/(\d+)/tweede", listing.get_data(as_text=True)).group(1)
    started = second.post(f"/beheer/invoer/{entry_id}/tweede", data={"csrf_token": token(listing.data)})
    check = key_pages(second, started.headers["Location"], PAGES)
    assert "Beide invoeren zijn gelijk" in second.get(check).get_data(as_text=True)
    assert second.post(check, data={"csrf_token": token(second.get(check).data)}).status_code == 200
    assert count(app, Response) == 1


def test_discarding_an_entry_stores_nothing(app):
    client = signed_in(app, "editor")
    key_pages(client, begin(client), PAGES)
    listing = client.get(f"/beheer/s/{SLUG}/invoeren")
    entry_id = re.search(r"/beheer/invoer/(\d+)/weggooien", listing.get_data(as_text=True)).group(1)
    gone = client.post(f"/beheer/invoer/{entry_id}/weggooien", data={"csrf_token": token(listing.data)})
    assert gone.status_code == 302
    assert count(app, PendingEntry) == 0 and count(app, Response) == 0


def test_an_invite_only_survey_needs_the_code_from_the_letter(app):
    from ladder import invites, lifecycle
    survey = app.extensions["ladder"].survey(SLUG)
    with app.app_context():
        lifecycle.editable_row(survey).invite_only = True
        (code,) = invites.make_codes(survey, 1)
        db.session().commit()
    client = signed_in(app, "editor")
    check = key_pages(client, begin(client), PAGES)
    page = client.get(check)
    assert 'name="invite_code"' in page.get_data(as_text=True)
    refused = client.post(check, data={"csrf_token": token(page.data), "invite_code": "AAAA-BBBB-CCCC"})
    assert refused.status_code == 422 and "uitnodigingscode" in refused.get_data(as_text=True)
    assert count(app, Response) == 0 and count(app, PendingEntry) == 1
    stored = client.post(check, data={"csrf_token": token(page.data), "invite_code": code})
    assert stored.status_code == 200
    assert count(app, Response) == 1 and count(app, PendingEntry) == 0
