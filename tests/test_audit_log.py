"""The audit log staff can use (issue 10): failed sign-ins counted per day instead of flooding the log, pages,
a filter by action and person, Dutch action names, Dutch clock time."""
from __future__ import annotations

import re
import threading
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

import ladder.accounts
from conftest import make_app
from ladder import db
from ladder.models import AuditEntry
from test_resident import token
from test_staff import MINE, signed_in

LOG = "/beheer/audit"


@pytest.fixture
def fast_app(sqlite_url, tmp_path):
    """A throttle that lets the flood in."""
    return make_app(sqlite_url, tmp_path, LOGIN_CLIENT_LIMIT="10000 per 15 minutes", LOGIN_LIMIT="10000 per 15 minutes")


def table(html):
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_a_flood_of_failed_sign_ins_does_not_push_staff_actions_away(fast_app, monkeypatch):
    admin = signed_in(fast_app, "admin", None)
    editor = signed_in(fast_app, "editor")
    editor.get(f"/beheer/s/{MINE}/export/csv")
    # From here on password checks are skipped: this is about the log, not the hash.
    monkeypatch.setattr(ladder.accounts, "check_password_hash", lambda stored, password: False)
    attacker = fast_app.test_client()
    form = token(attacker.get("/beheer/inloggen").data)
    for n in range(520):
        assert attacker.post("/beheer/inloggen", data={"csrf_token": form, "email": f"x{n}@example.org",
                                                       "password": "raden"},
                             environ_base={"REMOTE_ADDR": f"203.0.{n // 250}.{n % 250}"}).status_code == 401
    for n in range(7):  # failures on a real account are counted in a row of that account
        attacker.post("/beheer/inloggen", data={"csrf_token": form, "email": "editor-testgemeente@example.org",
                                                "password": "raden"},
                      environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    rows = table(admin.get(LOG).get_data(as_text=True))
    assert ["Inloggen mislukt (onbekend e-mailadres)", "520"] in [r[2:4] for r in rows]
    assert ["editor-testgemeente@example.org", "Inloggen mislukt", "7"] in [r[1:4] for r in rows]
    assert ["editor-testgemeente@example.org", "Antwoorden gedownload"] in [r[1:3] for r in rows]
    assert len(rows) < 15
    with fast_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(AuditEntry)) < 15
        # the typed addresses of unknown accounts are not kept (one may be a password typed in the wrong field)
        assert not db.session().scalar(select(AuditEntry).where(AuditEntry.user_email.like("x%@example.org")))


def test_concurrent_failures_are_all_counted_in_one_row(database_url, tmp_path, monkeypatch):
    from werkzeug.serving import make_server
    monkeypatch.setattr(ladder.accounts, "check_password_hash", lambda stored, password: False)
    fast_app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=False, LOGIN_CLIENT_LIMIT="10000 per 15 minutes",
                        LOGIN_HASH_CONCURRENCY=10, LOGIN_HASH_WAIT=30)
    server = make_server("127.0.0.1", 0, fast_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def fail(n):
        data = f"email=onbekend{n}%40example.org&password=x".encode()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/beheer/inloggen", data=data, timeout=30)
        except urllib.error.HTTPError as exc:
            return exc.code
    try:
        with ThreadPoolExecutor(10) as pool:
            assert set(pool.map(fail, range(40))) == {401}
    finally:
        server.shutdown()
    with fast_app.app_context():
        rows = db.session().scalars(select(AuditEntry).where(AuditEntry.action == "sign-in-unknown")).all()
        assert [r.count for r in rows] == [40]


def add_entries(app, n, action="export", email="a@example.org", at=None):
    with app.app_context():
        db.session().add_all(AuditEntry(action=action, user_email=email, survey_slug=MINE, detail=str(i),
                                        **({"at": at} if at else {})) for i in range(n))
        db.session().commit()


def test_pages_and_filters(sqlite_app):
    admin = signed_in(sqlite_app, "admin", None)
    add_entries(sqlite_app, 60, "export", "analist@example.org")
    add_entries(sqlite_app, 3, "publish", "redacteur@example.org")
    first = admin.get(LOG).get_data(as_text=True)
    assert len(table(first)) == 50 and "pagina 1 van 2" in first
    second = admin.get(f"{LOG}?pagina=2")
    assert second.status_code == 200 and "pagina 2 van 2" in second.get_data(as_text=True)
    assert len(table(second.get_data(as_text=True))) > 10
    published = table(admin.get(f"{LOG}?actie=publish").get_data(as_text=True))
    assert len(published) == 3 and {r[2] for r in published} == {"Uitkomsten openbaar gemaakt"}
    person = table(admin.get(f"{LOG}?persoon=REDACTEUR").get_data(as_text=True))
    assert len(person) == 3 and {r[1] for r in person} == {"redacteur@example.org"}
    both = table(admin.get(f"{LOG}?actie=export&persoon=redacteur").get_data(as_text=True))
    assert both == []
    # nonsense is ignored, never a 500
    for query in ("pagina=abc", "pagina=-3", "pagina=99999999999999", "actie=drop%20table", "persoon=%25",
                  "persoon=" + "x" * 5000):
        assert admin.get(f"{LOG}?{query}").status_code == 200, query
    # the next page keeps the filter
    page = admin.get(f"{LOG}?actie=export").get_data(as_text=True)
    assert re.search(r'href="/beheer/audit\?[^"]*actie=export[^"]*pagina=2"', page)


def test_actions_in_dutch_and_times_in_dutch_clock_time(sqlite_app):
    admin = signed_in(sqlite_app, "admin", None)
    add_entries(sqlite_app, 1, "status", at=datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc))  # summer: +2
    add_entries(sqlite_app, 1, "withdraw", at=datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc))  # winter: +1
    html = admin.get(LOG).get_data(as_text=True)
    rows = table(html)
    assert ["01-07-2026, 12:00", "a@example.org", "Status gewijzigd"] in [r[:3] for r in rows]
    assert ["15-01-2026, 11:00", "a@example.org", "Antwoorden ingetrokken"] in [r[:3] for r in rows]
    assert "Nederlandse tijd" in html
    codes = {r[2] for r in rows}
    assert not codes & {"status", "withdraw", "sign-in", "export"}


def test_only_admins_read_the_log(sqlite_app):
    assert signed_in(sqlite_app, "editor").get(LOG).status_code == 403
    anonymous = sqlite_app.test_client().get(LOG)
    assert anonymous.status_code == 302


def test_unknown_action_codes_are_refused(sqlite_app):
    from ladder import audit
    with sqlite_app.test_request_context():
        with pytest.raises(ValueError):
            audit.record(f"made-up-{uuid.uuid4().hex[:4]}")
