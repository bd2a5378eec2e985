"""GET /api/v1/surveys/<slug> keeps the survey file's order: aspects, pages, questions, choices, areas.

The expected order is read from the TOML file itself (tomllib keeps a file's order), not from the
loaded survey, and the response body is parsed keeping its keys' order, as a client in a language
with ordered maps would see it. A client computing the gap from the aspects (second minus first)
must get huidig before gewenst, which alphabetical sorting reverses.
"""
import json
import tomllib
from pathlib import Path

import pytest

TOML = Path(__file__).parent / "plugins" / "testdorp.toml"


@pytest.fixture
def definition(sqlite_app):
    raw = sqlite_app.test_client().get("/api/v1/surveys/testdorp-inspraak").get_data(as_text=True)
    return json.loads(raw, object_pairs_hook=lambda pairs: dict(pairs))  # dicts keep the order read


@pytest.fixture
def source():
    return tomllib.loads(TOML.read_text(encoding="utf-8"))


def test_aspects_in_file_order_not_alphabetical(definition, source):
    assert list(source["aspects"]) == ["huidig", "gewenst"]  # the case alphabetical order reverses
    assert list(definition["aspects"]) == list(source["aspects"])
    assert definition["aspect_order"] == list(source["aspects"])


def test_pages_questions_choices_and_areas_in_file_order(definition, source):
    assert [p["id"] for p in definition["pages"]] == [p["id"] for p in source["pages"]]
    for got, want in zip(definition["pages"], source["pages"], strict=True):
        assert [q["id"] for q in got["questions"]] == [q["id"] for q in want.get("questions", [])]
        for q_got, q_want in zip(got["questions"], want.get("questions", []), strict=True):
            assert [c["value"] for c in q_got["choices"]] == [c["value"] for c in q_want.get("choices", [])]
    assert [a["code"] for a in definition["areas"]] == [a["code"] for a in source["areas"]]


def test_app_json_provider_does_not_sort_keys(sqlite_app):
    assert sqlite_app.json.sort_keys is False
