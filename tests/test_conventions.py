"""The public-sector conventions a municipality checks first (issue 13): the EUPL-1.2 licence in the
packages' metadata, a valid publiccode.yml that agrees with setup.cfg and the shipped catalogues, a
changelog, and an API that follows the NL API Design Rules (problem+json errors, an API-Version header,
servers and contact in the OpenAPI document), linted with Spectral and the repository's ruleset."""
import configparser
import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[1]
URL = "/api/v1/surveys/testdorp-inspraak/responses"
VALID = {"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4,
         "thema": ["groen"], "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}


def _setup_cfg(path: Path) -> configparser.ConfigParser:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(path, encoding="utf-8")
    return cfg


def _publiccode() -> dict:
    # BaseLoader: every scalar stays a string, as the standard reads them (0.4 stays "0.4", dates stay text)
    with open(ROOT / "publiccode.yml", encoding="utf-8") as f:
        return yaml.load(f, Loader=yaml.BaseLoader)


# --- licence --------------------------------------------------------------------------------------------

def test_license_file_is_the_full_eupl_1_2_text():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the European Union 2007, 2016\n")
    for heading in ("1.Definitions", "5.Obligations of the Licensee", "15.Applicable Law"):
        assert f"\n{heading}\n" in text
    assert "‘Compatible Licences’ according to Article 5 EUPL are:" in text
    assert "Québec Free and Open-Source Licence" in text  # the appendix of compatible licences, to its end
    assert len(text) > 13_000


def test_every_package_declares_the_eupl_1_2_by_its_spdx_identifier():
    core = _setup_cfg(ROOT / "setup.cfg")
    assert core["metadata"]["license"] == "EUPL-1.2"
    assert core["metadata"]["license_files"].split() == ["LICENSE"]
    plugins = sorted((ROOT / "plugins").glob("*/setup.cfg"))
    assert len(plugins) >= 5
    for path in plugins:
        assert _setup_cfg(path)["metadata"].get("license") == "EUPL-1.2", path


# --- publiccode.yml ---------------------------------------------------------------------------------------

# What publiccode.yml 0.4 requires (https://yml.publiccode.tools/schema.core.html), as JSON Schema.
_STRING = {"type": "string", "minLength": 1}
_DEPENDENCY = {"type": "object", "required": ["name"], "properties": {
    "name": _STRING, "versionMin": _STRING, "versionMax": _STRING, "version": _STRING,
    "optional": {"enum": ["true", "false"]}}}
_DESCRIPTION = {"type": "object", "required": ["shortDescription", "longDescription", "features"],
                "properties": {
                    "localisedName": _STRING,
                    "shortDescription": {"type": "string", "minLength": 1, "maxLength": 150},
                    "longDescription": {"type": "string", "minLength": 150, "maxLength": 10000},
                    "documentation": {"type": "string", "format": "uri"},
                    "apiDocumentation": {"type": "string", "format": "uri"},
                    "features": {"type": "array", "minItems": 1, "items": _STRING},
                    "screenshots": {"type": "array", "items": _STRING},
                    "videos": {"type": "array", "items": _STRING}}}
PUBLICCODE_0_4 = {
    "type": "object",
    "required": ["publiccodeYmlVersion", "name", "url", "platforms", "categories", "developmentStatus",
                 "softwareType", "description", "legal", "maintenance", "localisation"],
    "properties": {
        "publiccodeYmlVersion": {"const": "0.4"},
        "name": _STRING,
        "url": {"type": "string", "pattern": "^https://"},
        "landingURL": {"type": "string", "pattern": "^https?://"},
        "softwareVersion": _STRING,
        "releaseDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "platforms": {"type": "array", "minItems": 1, "items": {
            "enum": ["web", "windows", "mac", "linux", "ios", "android"]}},
        # the standard's controlled vocabulary (categories-list), the subset a participation tool may use
        "categories": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": [
            "collaboration", "communications", "content-management", "data-analytics", "data-collection",
            "data-visualization", "digital-citizenship", "feedback-and-reviews-management", "online-community",
            "survey", "workflow-management"]}},
        "developmentStatus": {"enum": ["concept", "development", "beta", "stable", "obsolete"]},
        "softwareType": {"enum": ["standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                                  "standalone/backend", "standalone/other", "addon", "library",
                                  "configurationFiles"]},
        "intendedAudience": {"type": "object", "properties": {
            "countries": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]{2}$"}},
            "scope": {"type": "array", "items": _STRING}}},
        "description": {"type": "object", "minProperties": 1,
                        "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]+)*$"},
                        "additionalProperties": _DESCRIPTION},
        "legal": {"type": "object", "required": ["license"], "properties": {
            "license": _STRING, "mainCopyrightOwner": _STRING, "repoOwner": _STRING}},
        "maintenance": {
            "type": "object", "required": ["type"],
            "properties": {
                "type": {"enum": ["internal", "contract", "community", "none"]},
                "contacts": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
                    "name": _STRING, "email": _STRING, "phone": _STRING, "affiliation": _STRING}}},
                "contractors": {"type": "array", "items": {"type": "object", "required": ["name", "until"]}}},
            "allOf": [
                {"if": {"properties": {"type": {"enum": ["internal", "community"]}}},
                 "then": {"required": ["contacts"], "properties": {"contacts": {"minItems": 1}}}},
                {"if": {"properties": {"type": {"const": "contract"}}},
                 "then": {"required": ["contractors"]}}]},
        "localisation": {"type": "object", "required": ["localisationReady", "availableLanguages"], "properties": {
            "localisationReady": {"enum": ["true", "false"]},
            "availableLanguages": {"type": "array", "minItems": 1, "items": {
                "type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]+)*$"}}}},
        "dependsOn": {"type": "object", "properties": {
            "open": {"type": "array", "items": _DEPENDENCY},
            "proprietary": {"type": "array", "items": _DEPENDENCY},
            "hardware": {"type": "array", "items": _DEPENDENCY}}},
    },
}


def test_publiccode_yml_follows_the_0_4_standard():
    data = _publiccode()
    jsonschema.validate(data, PUBLICCODE_0_4, format_checker=jsonschema.FormatChecker())
    assert set(data["description"]) >= {"nl", "en"}
    assert data["platforms"] == ["web"]
    assert data["softwareType"] == "standalone/web"
    assert data["localisation"]["localisationReady"] == "true"
    depends = {d["name"]: d for d in data["dependsOn"]["open"]}
    assert depends["Python"]["versionMin"] == "3.11"
    assert {"PostgreSQL", "SQLite"} <= set(depends)


def test_publiccode_schema_rejects_what_the_standard_forbids():
    good = _publiccode()
    for change in (lambda d: d.update(developmentStatus="alpha"), lambda d: d.update(softwareType="standalone"),
                   lambda d: d["maintenance"].update(type="volunteers"), lambda d: d.update(platforms=["web", 7]),
                   lambda d: d["maintenance"].pop("contacts"), lambda d: d.pop("legal"),
                   lambda d: d["description"]["en"].update(longDescription="Too short."),
                   lambda d: d.update(categories=["e-participation"])):
        bad = copy.deepcopy(good)
        change(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, PUBLICCODE_0_4)


def test_publiccode_software_version_is_setup_cfg_version():
    assert _publiccode()["softwareVersion"] == _setup_cfg(ROOT / "setup.cfg")["metadata"]["version"]


def test_publiccode_license_is_setup_cfg_license():
    assert _publiccode()["legal"]["license"] == _setup_cfg(ROOT / "setup.cfg")["metadata"]["license"]


def test_publiccode_languages_are_dutch_and_the_shipped_catalogues():
    from ladder.text import DEFAULT_LOCALE
    catalogues = {p.parts[-3] for p in (ROOT / "ladder" / "translations").glob("*/LC_MESSAGES/messages.po")}
    assert catalogues  # Frisian at least
    languages = _publiccode()["localisation"]["availableLanguages"]
    assert len(languages) == len(set(languages))
    # the interface is written in Dutch (no catalogue), every other language is a shipped catalogue
    assert set(languages) == {DEFAULT_LOCALE} | catalogues


def test_changelog_has_unreleased_and_the_publiccode_release():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    data = _publiccode()
    assert "## [Unreleased]" in text
    assert f"## [{data['softwareVersion']}] - {data['releaseDate']}" in text
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    for group in ("### Added", "### Changed", "### Fixed", "### Security"):
        assert group in unreleased
    assert (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").count("make test") >= 1


# --- NL API Design Rules --------------------------------------------------------------------------------

def _problem_ok(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    assert body["error"] == body["detail"]  # the first API's member stays
    return body


def test_api_errors_are_problem_details(sqlite_app):
    client = sqlite_app.test_client()
    bad = _problem_ok(client.post(URL, json={"answers": {**VALID, "gewenst": 9}}), 422)
    assert bad["type"] == "urn:ladder:problem:invalid-answers"
    assert set(bad["errors"]) == {"gewenst"}  # per-question messages as an extension member
    assert _problem_ok(client.post(URL, json={"x": 1}), 400)["type"] == "urn:ladder:problem:wrong-body"
    assert _problem_ok(client.post(URL, json={"answers": VALID, "locale": "de"}), 422)["errors"] == {
        "locale": "Gebruik nl, fy of en."}
    assert _problem_ok(client.post(URL, json={"answers": VALID}, headers={"Idempotency-Key": "é"}), 400)
    missing = _problem_ok(client.get("/api/v1/surveys/bestaat-niet"), 404)
    assert missing["type"] == "urn:ladder:problem:survey-not-found"
    assert missing["detail"] == "Deze vragenlijst bestaat niet."
    unknown = _problem_ok(client.get("/api/v1/nergens"), 404)
    assert unknown["type"] == "about:blank" and unknown["title"] == "Not Found"
    assert _problem_ok(client.delete("/api/v1/surveys"), 405)["title"] == "Method Not Allowed"


def test_closed_survey_is_a_problem_of_its_own_type(sqlite_app, monkeypatch):
    from dataclasses import replace
    surveys = sqlite_app.extensions["ladder"].surveys
    monkeypatch.setitem(surveys, "testdorp-inspraak", replace(surveys["testdorp-inspraak"], status="closed"))
    closed = _problem_ok(sqlite_app.test_client().post(URL, json={"answers": VALID}), 409)
    assert closed["type"] == "urn:ladder:problem:survey-closed"
    assert closed["detail"] == "Deze vragenlijst is gesloten."


def test_api_server_errors_are_problem_details(sqlite_app, monkeypatch):
    import ladder.web.views.api as api

    def broken():
        raise RuntimeError("broken on purpose")
    monkeypatch.setattr(api, "survey_summary", lambda s: broken())
    sqlite_app.testing = False  # let the error handler answer, as in production
    body = _problem_ok(sqlite_app.test_client().get("/api/v1/surveys"), 500)
    assert "broken on purpose" not in json.dumps(body)


def test_every_api_response_has_the_api_version_header(sqlite_app):
    client = sqlite_app.test_client()
    doc = client.get("/api/v1/openapi.json")
    version = doc.get_json()["info"]["version"]
    assert version == "1.0.0"
    responses = [doc, client.get("/api/v1/surveys"), client.get("/api/v1/surveys/testdorp-inspraak"),
                 client.post(URL, json={"answers": VALID}), client.post(URL, json={"answers": {}}),
                 client.post(URL, data="{", content_type="application/json"),
                 client.get("/api/v1/surveys/bestaat-niet"), client.get("/api/v1/nergens"),
                 client.delete("/api/v1/surveys")]
    assert [r.status_code for r in responses] == [200, 200, 200, 201, 422, 400, 404, 404, 405]
    assert [r.headers.get("API-Version") for r in responses] == [version] * len(responses)
    assert "API-Version" not in client.get("/").headers  # the API's header, not the resident pages'


def test_openapi_document_declares_problem_json_api_version_servers_and_contact(sqlite_app):
    doc = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["servers"] == [{"url": "/", "description": "this installation"}]
    assert doc["info"]["contact"]["name"] and doc["info"]["contact"]["url"]
    assert doc["components"]["headers"]["API-Version"]["required"] is True
    assert set(doc["components"]["schemas"]["Error"]["required"]) >= {"type", "title", "status", "detail"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert operation["operationId"]
            for status, response in operation["responses"].items():
                assert response["headers"] == {"API-Version": {"$ref": "#/components/headers/API-Version"}}, \
                    (path, method, status)
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (path, method, status)


def test_openapi_servers_and_contact_follow_the_configuration(sqlite_url, tmp_path):
    from conftest import make_app
    contact = {"name": "Gemeente Testdorp", "email": "api@testdorp.example"}
    app = make_app(sqlite_url, tmp_path, PUBLIC_URL="https://inspraak.testdorp.example/", API_CONTACT=contact)
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["servers"][0]["url"] == "https://inspraak.testdorp.example"
    assert doc["info"]["contact"] == contact


# --- Spectral ---------------------------------------------------------------------------------------------

SPECTRAL = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "spectral"
NL_RULES = {"nl-api-version-header", "nl-semver", "nl-problem-json", "nl-problem-json-schema", "nl-servers",
            "nl-info-contact", "nl-operation-id"}


def _spectral_command() -> list[str]:
    """Spectral from ``make install-test`` (.ci/node), else through npx; in CI a missing one fails."""
    if SPECTRAL.exists():
        return [str(SPECTRAL)]
    if shutil.which("npx"):
        return ["npx", "--yes", "@stoplight/spectral-cli@6"]
    skip_or_fail("neither .ci/node/node_modules/.bin/spectral (make install-test) nor npx is installed")


def _lint(document: dict, tmp_path: Path) -> tuple[int, list[dict]]:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))
    out = subprocess.run([*_spectral_command(), "lint", str(path), "--ruleset", str(ROOT / ".spectral.yml"),
                          "--fail-severity", "error", "--format", "json", "--quiet"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env={**os.environ, "SCARF_ANALYTICS": "false"}, check=False)
    try:
        results = json.loads(out.stdout or "[]")
    except json.JSONDecodeError:
        pytest.fail(f"spectral printed no JSON (exit {out.returncode}): {out.stdout}\n{out.stderr}")
    return out.returncode, results


def test_spectral_reports_no_errors_on_the_openapi_document(sqlite_app, tmp_path):
    doc = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    returncode, results = _lint(doc, tmp_path)
    errors = [f"{r['code']}: {r['message']} at {'.'.join(map(str, r['path']))}" for r in results if r["severity"] == 0]
    assert errors == []
    assert returncode == 0


def test_spectral_ruleset_fails_a_document_that_breaks_each_nl_rule(sqlite_app, tmp_path):
    doc = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    del doc["servers"]
    del doc["info"]["contact"]
    doc["info"]["version"] = "1"
    listing = doc["paths"]["/api/v1/surveys"]["get"]
    del listing["operationId"]
    del listing["responses"]["200"]["headers"]
    refused = doc["paths"][URL]["post"]["responses"]["422"]
    refused["content"] = {"application/json": refused["content"]["application/problem+json"]}
    doc["components"]["schemas"]["Error"]["required"] = ["error"]
    returncode, results = _lint(doc, tmp_path)
    assert returncode != 0
    assert {r["code"] for r in results if r["severity"] == 0} == NL_RULES
