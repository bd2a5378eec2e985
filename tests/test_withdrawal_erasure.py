"""A withdrawal erases at once on SQLite (issue 24): the withdrawn text is in neither the database file nor its
write-ahead log afterwards, not only after the next automatic checkpoint."""
from pathlib import Path

from test_resident import token
from test_staff import MINE, VALID

MARK = "Mijn-geheime-opmerking-7391"


def _files(app):
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


def test_withdrawn_text_is_gone_from_the_sqlite_files_at_once(sqlite_app):
    client = sqlite_app.test_client()
    response = client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": {**VALID, "opmerking": MARK}})
    assert response.status_code == 201
    assert any(MARK.encode() in p.read_bytes() for p in _files(sqlite_app))  # the test can see it
    page = client.get("/intrekken")
    done = client.post("/intrekken", data={"csrf_token": token(page.data), "code": response.get_json()["receipt"],
                                           "bevestig": "ja"})
    assert done.status_code in (200, 302)
    assert [p.name for p in _files(sqlite_app) if MARK.encode() in p.read_bytes()] == []
