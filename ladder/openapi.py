"""The OpenAPI 3 document of API v1, with each survey's answers as its own schema."""
from __future__ import annotations

from typing import Any

from .answers_schema import answers_schema


ERROR = {"type": "object", "required": ["error"],
         "properties": {"error": {"type": "string"},
                        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                                   "description": "one message per question id"}}}
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
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def openapi_document(registry) -> dict[str, Any]:
    """Build the document from the registered surveys and question types."""
    answer_schemas = {f"Answers-{slug}": answers_schema(survey, registry)
                      for slug, survey in sorted(registry.surveys.items())}

    def body(slug):
        return {"type": "object", "required": ["answers"],
                "properties": {"answers": {"$ref": f"#/components/schemas/Answers-{slug}"},
                               "locale": {"type": "string", "enum": ["nl", "fy", "en"], "default": "nl"},
                               "invite_code": {"type": "string", "description": "needed for invite-only surveys"}}}

    idempotency_param = {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
        "description": "Makes retrying safe. The same key with the same body within 24 hours returns the first "
                       "response (same status and JSON, receipt included) and stores nothing new; the same key "
                       "with another body is a 409. Use a new random key (e.g. a UUID) for each new response. "
                       "The server keeps only a keyed hash of the key, and forgets it after 24 hours."}
    created = {"201": _json("#/components/schemas/Created", "stored; with receipt and placements"),
               "400": _json("#/components/schemas/Error", "not JSON of the right shape, or an Idempotency-Key that "
                                                          "is not 1 to 255 printable ASCII characters"),
               "403": _json("#/components/schemas/Error", "invite-only: no valid unused invite code"),
               "404": _json("#/components/schemas/Error", "unknown survey"),
               "409": _json("#/components/schemas/Error", "survey closed, or the Idempotency-Key was used with "
                                                          "another body (within 24 hours); nothing stored"),
               "422": _json("#/components/schemas/Error", "answers not accepted; nothing stored")}
    # One path per survey, each with its own answers schema: what is valid depends on the survey.
    submit_paths = {f"/api/v1/surveys/{slug}/responses": {"post": {
        "summary": f"Submit a response to {slug}", "operationId": f"createResponse-{slug}",
        "parameters": [idempotency_param],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body(slug)}}},
        "responses": created}} for slug in sorted(registry.surveys)}
    slug_param = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string",
                                                                              "enum": sorted(registry.surveys)}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ladder API", "version": "1", "description": "Participation surveys on the participation ladder."},
        "paths": {
            "/api/v1/surveys": {"get": {"summary": "List the surveys", "operationId": "listSurveys", "responses": {
                "200": {"description": "surveys", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"surveys": {"type": "array", "items": {
                        "$ref": "#/components/schemas/SurveySummary"}}}}}}}}}},
            "/api/v1/surveys/{slug}": {"get": {
                "summary": "One survey's full definition", "operationId": "getSurvey", "parameters": [slug_param],
                "responses": {"200": {"description": "the definition: pages, questions, areas, ladder",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "404": _json("#/components/schemas/Error", "unknown survey")}}},
            **submit_paths,
            "/api/v1/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                             "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
        },
        "components": {"schemas": {"Error": ERROR, "Text": TEXT, "Placement": PLACEMENT, "Advice": ADVICE,
                                   "SurveySummary": SURVEY_SUMMARY, "Created": CREATED, **answer_schemas}},
    }
