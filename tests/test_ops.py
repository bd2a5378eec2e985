"""Operations endpoints: /-/health, /-/ready (database, migrations, Redis when configured) and /-/metrics."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import make_app
from ladder import create_app
from ladder.migrate import upgrade
from test_api import URL, VALID
from test_throttle import REDIS, redis_or_skip

TOKEN = "metrics-test-token"
DEAD_PG = "postgresql+psycopg://ladder@127.0.0.1:1/ladder"  # nothing listens on port 1
DEAD_REDIS = "redis://127.0.0.1:1"


def _unmigrated_app(url, tmp_path, **config):
    """An app whose database is not touched first (make_app upgrades it)."""
    settings = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                "EXTRA_PLUGINS": ["fake_municipality"], "DISABLED_PLUGINS": [], **config}
    return create_app(settings, instance_path=tmp_path / "instance")


def test_health_answers_while_the_process_serves(sqlite_app):
    response = sqlite_app.test_client().get("/-/health")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_health_answers_even_when_the_database_is_down(tmp_path):
    response = _unmigrated_app(DEAD_PG, tmp_path).test_client().get("/-/health")
    assert response.status_code == 200


def test_ready_when_the_database_is_reachable_and_migrated(client):
    response = client.get("/-/ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_not_ready_when_the_database_is_down(tmp_path):
    response = _unmigrated_app(DEAD_PG, tmp_path).test_client().get("/-/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "failed", "checks": {"database": "failed", "migrations": "failed"}}
    assert "127.0.0.1" not in response.get_data(as_text=True)  # the reason goes to the log, not the world


def test_not_ready_when_the_database_is_behind_the_code(empty_database_url, tmp_path):
    upgrade(empty_database_url, "0001")
    response = _unmigrated_app(empty_database_url, tmp_path).test_client().get("/-/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "failed"}


def test_ready_when_the_database_is_ahead_of_this_code(database_url, tmp_path):
    """During a rolling update the migration Job moves the database on while the old pods still serve:
    they stay ready (migrations are written to keep the previous release working, docs/deploy.rst)."""
    app = make_app(database_url, tmp_path)
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_a_newer_release'"))
    engine.dispose()
    response = app.test_client().get("/-/ready")
    assert (response.status_code, response.get_json()["checks"]["migrations"]) == (200, "ok")


def test_not_ready_on_an_empty_database(sqlite_url, tmp_path):
    response = _unmigrated_app(sqlite_url, tmp_path).test_client().get("/-/ready")
    assert (response.status_code, response.get_json()["checks"]["migrations"]) == (503, "failed")


def test_ready_checks_redis_when_the_throttle_uses_it(sqlite_url, tmp_path):
    redis_or_skip()
    app = make_app(sqlite_url, tmp_path, RATELIMIT_STORAGE_URI=REDIS)
    response = app.test_client().get("/-/ready")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}


def test_not_ready_when_redis_is_configured_but_down(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, RATELIMIT_STORAGE_URI=DEAD_REDIS)
    response = app.test_client().get("/-/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "failed"}


def test_metrics_are_off_without_a_token(client):
    assert client.get("/-/metrics").status_code == 404


def test_metrics_ask_for_the_token(sqlite_url, tmp_path):
    client = make_app(sqlite_url, tmp_path, METRICS_TOKEN=TOKEN).test_client()
    assert client.get("/-/metrics").status_code == 401
    assert client.get("/-/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/-/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")


def _samples(client) -> dict[tuple, float]:
    text = client.get("/-/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _delta(before, after, name, **labels):
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


def test_metrics_count_submissions_per_survey_by_outcome(sqlite_url, tmp_path):
    client = make_app(sqlite_url, tmp_path, METRICS_TOKEN=TOKEN).test_client()
    before = _samples(client)
    assert client.post(URL, json={"answers": VALID}).status_code == 201
    assert client.post(URL, json={"answers": VALID}).status_code == 201
    assert client.post(URL, json={"answers": {**VALID, "gewenst": 9}}).status_code == 422
    after = _samples(client)
    survey = URL.split("/")[-2]
    count = "ladder_submissions_total"
    assert _delta(before, after, count, survey=survey, channel="api", outcome="accepted") == 2
    assert _delta(before, after, count, survey=survey, channel="api", outcome="invalid") == 1


def test_metrics_count_requests_by_endpoint_not_by_path(sqlite_url, tmp_path):
    client = make_app(sqlite_url, tmp_path, METRICS_TOKEN=TOKEN).test_client()
    before = _samples(client)
    client.get("/-/health")
    client.get("/s/no-such-survey/")
    after = _samples(client)
    assert _delta(before, after, "ladder_requests_total", endpoint="ops.health", method="GET", status="200") == 1
    assert _delta(before, after, "ladder_request_duration_seconds_count", endpoint="ops.health") == 1
    # a path can hold a draft code or a receipt: no label carries one
    labels = {value for (_, pairs) in after for (_, value) in pairs}
    assert not any("/" in value for value in labels), sorted(v for v in labels if "/" in v)


@pytest.mark.parametrize("path", ["/-/health", "/-/ready"])
def test_the_probes_set_no_cookie(client, path):
    assert "Set-Cookie" not in client.get(path).headers


def test_a_failing_metrics_store_breaks_neither_a_page_nor_a_submission(sqlite_url, tmp_path, monkeypatch):
    """Counting is not worth a resident's answer: with the counters' store unwritable (a read-only
    PROMETHEUS_MULTIPROC_DIR, seen in the container) pages and submissions still work."""
    import ladder.metrics

    def unwritable(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/srv/ladder/metrics/counter_6.db")
    monkeypatch.setattr(ladder.metrics.REQUESTS, "labels", unwritable)
    monkeypatch.setattr(ladder.metrics.SUBMISSIONS, "labels", unwritable)
    client = make_app(sqlite_url, tmp_path).test_client()
    assert client.get("/-/health").status_code == 200
    assert client.post(URL, json={"answers": VALID}).status_code == 201
