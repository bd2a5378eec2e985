"""The playground survey: its rung logic, and a resident placed through the API and the form."""
from ladder.testing import assert_loaded, assert_placed, submit_api, submit_form

from ladder_voorbeelddorp import rungs

SLUG = "voorbeelddorp-speeltuin"


def test_a_resident_without_time_is_placed_below_the_hands_on_rungs():
    result = rungs.place({"meedoen": "zelfbeheer", "wensen": ["zandbak"], "uren": 2})
    assert_placed(result, "meedoen", "adviseren", reason_contains="2 uur per maand")


def test_enough_time_keeps_the_chosen_rung():
    assert_placed(rungs.place({"meedoen": "zelfbeheer", "uren": 4}), "meedoen", "zelfbeheer")


def test_the_hidden_hours_question_does_not_lower():
    assert_placed(rungs.place({"meedoen": "adviseren", "wensen": ["klimrek"]}), "meedoen", "adviseren")


def test_advice_only_with_time():
    assert rungs.advise({"meedoen": "zelfbeheer", "uren": 2}) == []
    assert [a.topic for a in rungs.advise({"meedoen": "zelfbeheer", "uren": 8})] == ["beheergroep"]


def test_the_plugin_loads(ladder_app):
    assert_loaded(ladder_app, "voorbeelddorp")


def test_api_and_form_place_alike(ladder_client):
    pages = {"meedoen": {"meedoen": "coproduceren", "uren": 1}, "speeltuin": {"wensen": ["schommel", "bankjes"]}}
    api = submit_api(ladder_client, SLUG, {"meedoen": "coproduceren", "wensen": ["schommel", "bankjes"], "uren": 1})
    assert_placed(api, "meedoen", "adviseren", reason_contains="1 uur per maand")
    form = submit_form(ladder_client, SLUG, pages)
    assert form["placements"] == api["placements"]


def test_three_wishes_are_refused(ladder_client):
    response = ladder_client.post(f"/api/v1/surveys/{SLUG}/responses", json={"answers": {
        "meedoen": "informeren", "wensen": ["schommel", "klimrek", "zandbak"]}})
    assert response.status_code == 422
