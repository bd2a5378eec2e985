"""Retention: ``ladder purge`` deletes the answers of surveys closed longer ago than the retention period."""
from datetime import date, timedelta

from sqlalchemy import func, select

from ladder import db
from ladder.models import AuditEntry, Response, SurveyState
from test_properties import _valid_value

URL = "/api/v1/surveys/{}/responses"
VALID = {"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4,
         "thema": ["groen"], "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}


def _counts(app):
    with app.app_context():
        rows = db.session().execute(select(Response.survey_slug, func.count()).group_by(Response.survey_slug))
        return dict(rows.all())


def _close(app, slug, closes_on):
    with app.app_context():
        s = db.session()
        s.merge(SurveyState(slug=slug, status="open", opens_on=None, closes_on=closes_on, invite_only=False))
        s.commit()


def test_purge_deletes_only_surveys_closed_longer_ago_than_the_retention(app, client):
    assert client.post(URL.format("testdorp-inspraak"), json={"answers": VALID}).status_code == 201
    assert client.post(URL.format("testdorp-inspraak"), json={"answers": VALID}).status_code == 201
    other = app.extensions["ladder"].survey("anderdorp-inspraak")
    answers = {q.id: _valid_value(app.extensions["ladder"].type_of(q), q, other) for q in other.questions}
    assert client.post(URL.format("anderdorp-inspraak"), json={"answers": answers}).status_code == 201
    before = _counts(app)
    _close(app, "testdorp-inspraak", date.today() - timedelta(days=13 * 30))
    _close(app, "anderdorp-inspraak", date.today() - timedelta(days=2 * 30))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0 and "testdorp-inspraak" in dry.output and "2 responses would be deleted" in dry.output
    assert _counts(app) == before
    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    assert "testdorp-inspraak" in done.output and "anderdorp-inspraak" not in done.output
    after = _counts(app)
    assert "testdorp-inspraak" not in after
    assert after.get("anderdorp-inspraak") == before.get("anderdorp-inspraak")
    with app.app_context():
        assert db.session().scalar(select(AuditEntry.detail).where(AuditEntry.action == "purge")).startswith("2 responses")
    again = runner.invoke(args=["purge"])
    assert "nothing to delete" in again.output


def test_purge_keeps_a_survey_that_is_still_open(app, client):
    assert client.post(URL.format("testdorp-inspraak"), json={"answers": VALID}).status_code == 201
    result = app.test_cli_runner().invoke(args=["purge", "--months", "1"])
    assert "nothing to delete" in result.output
    assert _counts(app) == {"testdorp-inspraak": 1}
