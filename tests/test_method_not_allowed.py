"""A 405 names the methods that work in ``Allow`` (RFC 9110 15.5.6), in the API's problem+json and on pages
(issue 24)."""
import pytest


@pytest.mark.parametrize("method, path, allowed", [
    ("DELETE", "/api/v1/surveys", {"GET"}),
    ("PUT", "/api/v1/surveys/testdorp-inspraak/responses", {"POST"}),
    ("POST", "/api/v1/openapi.json", {"GET"}),
    ("DELETE", "/beheer/inloggen", {"GET", "POST"}),
])
def test_a_405_says_which_methods_are_allowed(sqlite_app, method, path, allowed):
    response = sqlite_app.test_client().open(path, method=method)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 405
