"""The OpenAPI 3 document of API v1, with each survey's answers as its own schema.

It follows the NL API Design Rules that apply (checked by ``.spectral.yml``): errors are problem details
(``application/problem+json``), every response declares the ``API-Version`` header, ``servers`` and
``info.contact`` are set and every operation has an ``operationId``.
"""
from __future__ import annotations

from typing import Any

from .answers_schema import answers_schema

API_VERSION = "1.0.0"  # the API-Version header and info.version; ladder.web.views.api sends it
PROBLEM_JSON = "application/problem+json"
# Placeholder until the project has its public home; set API_CONTACT in the configuration to name your own.
CONTACT = {"name": "ladder", "url": "https://github.com/ladder-participatie/ladder/issues"}

ERROR = {"type": "object", "required": ["type", "title", "status", "detail", "error"],
         "description": "Problem details (RFC 9457). ladder's own types are urn:ladder:problem:<name> "
                        "(docs/api.rst); others are about:blank with the HTTP status phrase as title.",
         "properties": {"type": {"type": "string", "format": "uri-reference"},
                        "title": {"type": "string"},
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "detail": {"type": "string", "description": "what went wrong, in the resident's language"},
                        "instance": {"type": "string", "format": "uri-reference"},
                        "error": {"type": "string", "deprecated": True,
                                  "description": "the same text as detail, for clients of the first API"},
                        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                                   "description": "one message per question id"}}}
API_VERSION_HEADER = {"description": "The full version of the API (semantic versioning).", "required": True,
                      "schema": {"type": "string", "pattern": "^\\d+\\.\\d+\\.\\d+$", "examples": [API_VERSION]}}
_HEADERS = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
TEXT = {"type": "object", "additionalProperties": {"type": "string"}, "description": "text per language (nl, fy, en)"}
PLACEMENT = {"type": "object", "required": ["aspect", "rung", "reasons"],
             "properties": {"aspect": {"type": "string"}, "rung": {"type": "string"},
                            "reasons": {"type": "array", "items": {"type": "string"}}}}
ADVICE = {"type": "object", "required": ["topic", "title", "verdict", "reasons", "steps"],
          "properties": {"topic": {"type": "string"}, "title": {"type": "string"},
                         "verdict": {"type": ["boolean", "null"]},
                         "reasons": {"type": "array", "items": {"type": "string"}},
                         "steps": {"type": "array", "items": {"type": "string"}}}}
SURVEY_SUMMARY = {"type": "object", "required": ["slug", "title", "municipality", "open", "version"],
                  "properties": {"slug": {"type": "string"}, "title": {"$ref": "#/components/schemas/Text"},
                                 "municipality": {"type": "string"}, "open": {"type": "boolean"},
                                 "version": {"type": "string"}, "invite_only": {"type": "boolean"}, "locales": {"type": "array", "items": {"type": "string"}},
                                 "minutes": {"type": "integer"}, "ladder": {"type": "string"}}}
CREATED = {"type": "object", "required": ["id", "receipt", "placement_status", "placements", "advice"],
           "properties": {"id": {"type": "integer"}, "receipt": {"type": "string", "description": "code to withdraw the response later"},
                          "survey_version": {"type": "string"},
                          "placement_status": {"type": "string", "enum": ["placed", "pending"]},
                          "placements": {"type": "array", "items": {"$ref": "#/components/schemas/Placement"}},
                          "advice": {"type": "array", "items": {"$ref": "#/components/schemas/Advice"}}}}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "headers": _HEADERS,
            "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "headers": _HEADERS,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document(registry) -> dict[str, Any]:
    """Build the document from the registered surveys and question types."""
    answer_schemas = {f"Answers-{slug}": answers_schema(survey, registry)
                      for slug, survey in sorted(registry.surveys.items())}

    def body(slug):
        offered = [locale for locale in registry.surveys[slug].locales]  # what the API takes (issue 13)
        return {"type": "object", "required": ["answers"],
                "properties": {"answers": {"$ref": f"#/components/schemas/Answers-{slug}"},
                               "locale": {"type": "string", "enum": offered, "default": "nl"},
                               "invite_code": {"type": "string", "description": "needed for invite-only surveys"}}}

    idempotency_param = {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
        "description": "Makes retrying safe. The same key with the same body within 24 hours returns the first "
                       "response (same status and JSON, receipt included) and stores nothing new; the same key "
                       "with another body is a 409. Use a new random key (e.g. a UUID) for each new response. "
                       "The server keeps only a keyed hash of the key, and forgets it after 24 hours."}
    created = {"201": _json("#/components/schemas/Created", "stored; with receipt and placements"),
               "400": _problem("not JSON of the right shape, nested too deep, or an Idempotency-Key that is not "
                               "1 to 255 printable ASCII characters"),
               "403": _problem("invite-only: no valid unused invite code"),
               "404": _problem("unknown survey"),
               "409": _problem("survey closed, or the Idempotency-Key was used with another body (within 24 "
                               "hours); nothing stored"),
               "422": _problem("answers not accepted, or an unknown locale; nothing stored")}
    # One path per survey, each with its own answers schema: what is valid depends on the survey.
    submit_paths = {f"/api/v1/surveys/{slug}/responses": {"post": {
        "summary": f"Submit a response to {slug}", "operationId": f"createResponse-{slug}", "tags": ["responses"],
        "description": f"Store a resident's answers to {slug} and place them on the ladder; the answers must "
                       f"match the Answers-{slug} schema.",
        "parameters": [idempotency_param],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body(slug)}}},
        "responses": created}} for slug in sorted(registry.surveys)}
    slug_param = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string",
                                                                              "enum": sorted(registry.surveys)}}
    config = getattr(registry, "config", None) or {}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ladder API", "version": API_VERSION,
                 "description": "Participation surveys on the participation ladder.",
                 "contact": config.get("API_CONTACT") or CONTACT,
                 "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}},
        "servers": [{"url": (config.get("PUBLIC_URL") or "").rstrip("/") or "/",
                     "description": "this installation"}],
        "tags": [{"name": "surveys", "description": "The surveys and their definitions"},
                 {"name": "responses", "description": "Residents' responses"},
                 {"name": "meta", "description": "About the API itself"}],
        "paths": {
            "/api/v1/surveys": {"get": {
                "summary": "List the surveys", "operationId": "listSurveys", "tags": ["surveys"],
                "description": "Every survey that is not a draft.", "responses": {
                "200": {"description": "surveys", "headers": _HEADERS, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"surveys": {"type": "array", "items": {
                        "$ref": "#/components/schemas/SurveySummary"}}}}}}}}}},
            "/api/v1/surveys/{slug}": {"get": {
                "summary": "One survey's full definition", "operationId": "getSurvey", "tags": ["surveys"],
                "description": "Pages, questions with their JSON Schemas, areas, aspects and the ladder's rungs, "
                               "all in the survey file's order; `aspect_order` lists the aspect ids in that order.",
                "parameters": [slug_param],
                "responses": {"200": {"description": "the definition: pages, questions, areas, ladder",
                                      "headers": _HEADERS,
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "404": _problem("unknown survey")}}},
            **submit_paths,
            "/api/v1/openapi.json": {"get": {"summary": "This document", "operationId": "openapi", "tags": ["meta"],
                                             "description": "The OpenAPI document of this installation's API.",
                                             "responses": {"200": {
                                                 "description": "OpenAPI 3.1 document", "headers": _HEADERS,
                                                 "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"headers": {"API-Version": API_VERSION_HEADER},
                       "schemas": {"Error": ERROR, "Text": TEXT, "Placement": PLACEMENT, "Advice": ADVICE,
                                   "SurveySummary": SURVEY_SUMMARY, "Created": CREATED, **answer_schemas}},
    }
