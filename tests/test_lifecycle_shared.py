"""Several app servers, one truth: a survey closed through one server is refused by every other at once.

The closing server is another process (as another gunicorn worker or machine would be), so nothing kept
in this process's memory can hear about the change except through the shared database.
"""
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import make_app

SLUG = "testdorp-inspraak"
VALID = {"woonplaats": "testdorp", "betrokken": "nooit", "huidig": "raadplegen", "gewenst": 4, "thema": ["groen"]}
ROOT = Path(__file__).resolve().parents[1]

# The other server: its own app on the same database; it changes the status as the staff page does.
OTHER_SERVER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{tests!r}, {plugins!r}]
    from ladder import create_app, db, lifecycle
    app = create_app({{"TESTING": True, "DATABASE_URL": {url!r}, "SECRET_KEY": "test-secret",
                      "EXTRA_PLUGINS": ["fake_municipality"]}}, instance_path={instance!r})
    with app.app_context():
        lifecycle.editable_row(app.extensions["ladder"].survey({slug!r})).status = sys.argv[1]
        db.session().commit()
""")


def set_status_elsewhere(url, tmp_path, status):
    script = OTHER_SERVER.format(tests=str(ROOT / "tests"), plugins=str(ROOT / "tests" / "plugins"), url=url,
                                 instance=str(tmp_path / "other-instance"), slug=SLUG)
    done = subprocess.run([sys.executable, "-c", script, status], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr


def post(client):
    return client.post(f"/api/v1/surveys/{SLUG}/responses", json={"answers": VALID})


def test_a_survey_closed_on_another_server_is_refused_here_from_the_next_request_on(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    client = app.test_client()
    assert post(client).status_code == 201  # this server has just seen the survey open
    assert client.get(f"/s/{SLUG}").status_code == 200
    set_status_elsewhere(database_url, tmp_path, "closed")
    assert post(client).status_code == 409
    assert client.get(f"/s/{SLUG}").status_code == 409
    set_status_elsewhere(database_url, tmp_path, "open")
    assert post(client).status_code == 201  # and reopened just as fast


def test_a_residents_question_page_follows_a_change_made_on_another_server_from_the_next_request_on(
        database_url, tmp_path):
    """The question page reads the state in the statement that reads the draft (issue 26): still every request."""
    import re
    app = make_app(database_url, tmp_path)
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(f"/s/{SLUG}").get_data(as_text=True))
    question = client.post(f"/s/{SLUG}", data={"csrf_token": token.group(1), "action": "start"}).headers["Location"]
    assert client.get(question).status_code == 200
    set_status_elsewhere(database_url, tmp_path, "closed")
    assert client.get(question).status_code == 409
    set_status_elsewhere(database_url, tmp_path, "draft")
    assert client.get(question).status_code == 404
    set_status_elsewhere(database_url, tmp_path, "open")
    assert client.get(question).status_code == 200


def test_the_lifecycle_is_read_again_on_every_request_not_kept_for_a_while(database_url, tmp_path):
    """No setting brings back a time-based cache: an old instance/config.py that still sets it changes nothing."""
    app = make_app(database_url, tmp_path, LIFECYCLE_CACHE_SECONDS=3600)
    client = app.test_client()
    assert post(client).status_code == 201
    set_status_elsewhere(database_url, tmp_path, "closed")
    assert post(client).status_code == 409


def test_a_survey_is_open_on_its_closing_day_and_closed_the_day_after():
    from datetime import date

    from ladder.lifecycle import Lifecycle
    state = Lifecycle("open", date(2026, 3, 1), date(2026, 3, 31), invite_only=False, published=False)
    assert [state.is_open(date(2026, 3, day)) for day in (1, 30, 31)] == [True, True, True]
    assert [state.is_open(date(2026, 2, 28)), state.is_open(date(2026, 4, 1))] == [False, False]
