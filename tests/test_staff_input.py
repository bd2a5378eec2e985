"""The staff side's bad input (issue 24): NUL and other invisible characters, out-of-range ids, on SQLite and
PostgreSQL. Each is a clear 4xx and nothing changes; never a 500."""
import pytest
from sqlalchemy import func, select

from ladder import db
from ladder.models import AuditEntry, PendingEntry, ReportBackItem, SurveyState
from test_resident import token
from test_staff import MINE, add_user, login, signed_in

REFUSED_TEXT = "Gebruik alleen gewone tekens"


def _count(app, model):
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def test_nul_in_the_sign_in_address_is_a_422_not_a_server_error(app):
    add_user(app, "ed@example.org", "editor", "Testgemeente")
    response = login(app.test_client(), "ed\x00@example.org")
    assert response.status_code == 422
    assert REFUSED_TEXT in response.get_data(as_text=True)


def test_nul_in_the_audit_filter_is_a_400(app):
    admin = signed_in(app, "admin", None)
    response = admin.get("/beheer/audit?persoon=%00")
    assert response.status_code == 400
    assert REFUSED_TEXT in response.get_data(as_text=True)


@pytest.mark.parametrize("path, data, model", [
    (f"/beheer/s/{MINE}/uitkomsten", {"results_text": "Dank\x00u", "next_rung": "raadplegen"}, SurveyState),
    (f"/beheer/s/{MINE}/terugkoppeling", {"topic": "Bankjes\x00", "decision": "We plaatsen er tien."},
     ReportBackItem),
    (f"/beheer/s/{MINE}/invoeren", {"channel": "paper", "label": "A\x0012", "locale": "nl"}, PendingEntry),
])
def test_nul_in_a_staff_form_is_a_422_and_nothing_is_stored(app, path, data, model):
    editor = signed_in(app, "editor")
    before = _count(app, model)
    response = editor.post(path, data={**data, "csrf_token": token(editor.get(path).data)})
    assert response.status_code == 422
    assert REFUSED_TEXT in response.get_data(as_text=True)
    assert _count(app, model) == before


def test_a_control_character_in_a_form_field_name_or_the_path_is_refused(app):
    editor = signed_in(app, "editor")
    assert editor.get(f"/beheer/s/{MINE}%01").status_code == 400
    path = f"/beheer/s/{MINE}/uitkomsten"
    response = editor.post(path, data={"csrf_token": token(editor.get(path).data), "results_text": "Dank u.",
                                       "next_rung": "raadplegen", "x\x00": "1"})
    assert response.status_code == 422


@pytest.mark.parametrize("method, path", [
    ("GET", "/beheer/invoer/99999999999999999999/controleren"),
    ("GET", "/beheer/invoer/2147483648/vraag/over-u"),
    ("POST", "/beheer/invoer/9223372036854775808/weggooien"),
])
def test_an_id_out_of_range_in_the_url_is_a_404(app, method, path):
    editor = signed_in(app, "editor")
    data = {"csrf_token": token(editor.get("/beheer/").data)} if method == "POST" else None
    assert editor.open(path, method=method, data=data).status_code == 404


@pytest.mark.parametrize("item", ["2147483648", "99999999999999999999", "-9223372036854775809"])
def test_an_item_id_out_of_range_in_a_form_or_query_is_a_404_or_ignored(app, item):
    editor = signed_in(app, "editor")
    page = editor.get(f"/beheer/s/{MINE}/terugkoppeling?item={item}")
    assert page.status_code == 200  # no such item to edit: the page for a new one
    deleted = editor.post(f"/beheer/s/{MINE}/terugkoppeling/verwijderen",
                          data={"csrf_token": token(page.data), "item": item})
    assert deleted.status_code == 404
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(AuditEntry)
                                   .where(AuditEntry.action == "report-back")) == 0


@pytest.mark.parametrize("path", ["/beheer/inloggen", f"/api/v1/surveys/{MINE}/responses", f"/s/{MINE}",
                                  f"/s/{MINE}/vraag/over-u", "/beheer/invoer/1/vraag/over-u"])
def test_a_form_part_without_a_readable_name_is_refused_before_the_csrf_check(app, path):
    """A line break in a multipart field name leaves the part nameless (None), which Flask-WTF's CSRF check
    and every view would trip over: a 5xx before sign-in, found by the staff property test."""
    import io
    client = app.test_client()
    response = client.post(path, data={"a\r\nb": "v", "form_file": (io.BytesIO(b"x"), "form.xlsx")})
    assert response.status_code == 422
