"""schemathesis against /api/v1/openapi.json (issue 9): generated requests for every operation, on
SQLite and PostgreSQL; no server error, and every response matches the document. Bounded for CI by
``LADDER_SCHEMATHESIS_EXAMPLES`` (default 25 per operation; the same examples on every run, see
docs/testing.rst)."""
import schemathesis
from hypothesis import HealthCheck, given, settings

from conftest import examples, make_app

EXAMPLES = examples("SCHEMATHESIS", 25)


def test_api_follows_its_openapi_document(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tried, labels = {}, []
    for found in schema.get_all_operations():
        operation = found.ok()
        labels.append(operation.label)

        @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate()  # not_a_server_error, status and body against the document, ...
            tried[operation.label] = tried.get(operation.label, 0) + 1
        check()
    print(f"\nschemathesis {database_url.split(':')[0]}: {tried}")
    surveys = app.extensions["ladder"].surveys
    assert {f"POST /api/v1/surveys/{slug}/responses" for slug in surveys} <= set(tried)  # every survey's own path
    assert all(tried[f"POST /api/v1/surveys/{slug}/responses"] >= min(EXAMPLES, 20) for slug in surveys), tried
    assert {"GET /api/v1/surveys", "GET /api/v1/surveys/{slug}"} <= set(tried)
    assert len(labels) == len(surveys) + 2  # the two reads and one submit path per survey
