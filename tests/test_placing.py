"""Rung logic that answers wrongly keeps the response, pending, with the reason (ladder/placing.py)."""
import dataclasses

import pytest

from ladder import Placement, load_registry
from ladder.placing import place

REGISTRY = load_registry({"EXTRA_PLUGINS": ["fake_municipality"]})
SURVEY = REGISTRY.surveys["testdorp-inspraak"]
LADDER = REGISTRY.ladders[SURVEY.ladder]


def with_place(fn):
    return dataclasses.replace(SURVEY, place=fn, advise=None)


def test_a_rung_on_the_ladder_is_placed():
    outcome = place(with_place(lambda answers: [Placement("huidig", "raadplegen", ("omdat",))]), {}, LADDER)
    assert (outcome.status, outcome.error, [p.rung for p in outcome.placements]) == ("placed", None, ["raadplegen"])


def test_a_rung_not_on_the_ladder_leaves_the_response_pending():
    outcome = place(with_place(lambda answers: [Placement("huidig", "troon", ("omdat",))]), {}, LADDER)
    assert outcome.status == "pending"
    assert outcome.placements == ()
    assert outcome.error == f"ValueError: place() returned rung 'troon', not on ladder {LADDER.id!r}"


@pytest.mark.parametrize("returned", [{"aspect": "huidig", "rung": "raadplegen"}, ("huidig", "raadplegen"), "raadplegen"])
def test_rung_logic_returning_something_else_than_placements_leaves_the_response_pending(returned):
    outcome = place(with_place(lambda answers: [returned]), {}, LADDER)
    assert outcome.status == "pending"
    assert outcome.error == f"TypeError: place() returned {type(returned).__name__}, not Placement"
