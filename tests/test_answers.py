"""Question types and skip logic: the rules the form and the API share."""
from pathlib import Path

import pytest

from ladder import load_survey
from ladder.answers import validate
from ladder.conditions import evaluate
from ladder.question_types import BUILTIN_TYPES

TYPES = {t.name: t for t in BUILTIN_TYPES}
SURVEY = load_survey(Path(__file__).parent / "plugins" / "testdorp.toml", question_types=TYPES)
VALID = {"woonplaats": "testdorp", "betrokken": "soms", "huidig": "raadplegen", "gewenst": 4,
         "thema": ["groen"], "kosten": 4500, "prioriteiten": ["aed", "bankjes"]}


def parse(qid, raw):
    q = SURVEY.question(qid)
    return TYPES[q.type].parse(q, raw, SURVEY)


@pytest.mark.parametrize("qid, raw, expected", [
    ("kosten", "1.500", 1500), ("kosten", "1500", 1500), ("kosten", "€ 2.000", 2000), ("kosten", 12, 12),
    ("kosten", "12,0", 12),
    ("gewenst", "3", 3), ("gewenst", 6, 6),
    ("thema", ["verkeer", "groen"], ["groen", "verkeer"]),  # stored in the survey's order
    ("prioriteiten", ["2", "", "1"], ["aed", "bankjes"]),  # positions per item, as the form sends them
    ("prioriteiten", ["aed", "bankjes"], ["aed", "bankjes"]),  # the API's list, most important first
    ("opmerking", "  ja  ", "ja"), ("opmerking", "", None), ("toelichting", None, None),
    ("woonplaats", "proefwijk", "proefwijk"),
])
def test_parse_accepts_and_normalises(qid, raw, expected):
    assert parse(qid, raw) == expected


@pytest.mark.parametrize("qid, raw, message", [
    ("kosten", "veel", "Vul een bedrag in euro's in, bijvoorbeeld 1500"), ("kosten", "-5", "minstens 0"), ("kosten", "100001", "hoogstens 100000"),
    ("kosten", "12,5", "heel getal"), ("kosten", True, "Vul een getal in"), ("kosten", float("nan"), "Vul een getal in"),
    ("gewenst", "7", "van 1 tot en met 6"), ("gewenst", 2.5, "van 1 tot en met 6"),
    ("thema", [], "Kies 1 tot 2 antwoorden"), ("thema", ["groen", "verkeer", "spelen"], "Kies 1 tot 2 antwoorden"),
    ("thema", ["fietsen"], "alleen uit"), ("thema", "groen", "lijst"),
    ("huidig", "meebeslissen", "een van de antwoorden"), ("huidig", None, "Kies één antwoord"),
    ("prioriteiten", ["1", "1", ""], "maar één keer"), ("prioriteiten", ["2", "", ""], "zonder gaten"),
    ("prioriteiten", ["3", "1", ""], "plaatsen 1 tot en met 2"), ("prioriteiten", ["aed"], "precies 2"),
    ("prioriteiten", ["aed", "aed"], "hoogstens één keer"),
    ("opmerking", "x" * 101, "hoogstens 100 tekens"), ("opmerking", 5, "Geef een tekst"),
    ("woonplaats", "rotterdam", "uit de lijst"),
])
def test_parse_rejects_with_a_clear_dutch_message(qid, raw, message):
    from ladder import AnswerError
    with pytest.raises(AnswerError, match=message):
        parse(qid, raw)


def test_validate_accepts_a_complete_response():
    answers, errors = validate(SURVEY, VALID, TYPES)
    assert errors == {}
    assert answers == VALID


def test_skip_logic_drops_answers_to_hidden_pages():
    answers, errors = validate(SURVEY, {**VALID, "betrokken": "nooit"}, TYPES)
    assert errors == {}
    assert "kosten" not in answers and "prioriteiten" not in answers


def test_hidden_required_questions_are_not_required():
    raw = {k: v for k, v in VALID.items() if k not in ("kosten", "prioriteiten")}
    _answers, errors = validate(SURVEY, {**raw, "betrokken": "nooit"}, TYPES)
    assert errors == {}
    _answers, errors = validate(SURVEY, raw, TYPES)
    assert set(errors) == {"kosten", "prioriteiten"}


def test_unknown_question_ids_are_errors():
    _answers, errors = validate(SURVEY, {**VALID, "leeftijd": 40}, TYPES)
    assert set(errors) == {"leeftijd"}


CONDITIONS = [
    ({"question": "a", "equals": "x"}, {"a": "x"}, True),
    ({"question": "a", "equals": "x"}, {}, False),
    ({"question": "a", "not_equals": "x"}, {"a": "y"}, True),
    ({"question": "a", "not_equals": "x"}, {}, False),  # unanswered is not "different"
    ({"question": "a", "in": ["x", "y"]}, {"a": "y"}, True),
    ({"question": "a", "contains": "x"}, {"a": ["x", "z"]}, True),
    ({"question": "a", "contains": "x"}, {"a": "x"}, False),
    ({"question": "a", "min": 3, "max": 5}, {"a": 4}, True),
    ({"question": "a", "min": 3}, {"a": 2}, False),
    ({"question": "a", "min": 3}, {"a": 3}, True),  # the bounds belong to the range
    ({"question": "a", "max": 3}, {"a": 3}, True),
    ({"question": "a", "max": 3}, {"a": 4}, False),
    ({"question": "a", "max": 3}, {"a": "2"}, False),
    ({"question": "a", "answered": True}, {"a": []}, False),
    ({"question": "a", "answered": False}, {}, True),
    ({"all": [{"question": "a", "equals": 1}, {"question": "b", "equals": 2}]}, {"a": 1, "b": 2}, True),
    ({"any": [{"question": "a", "equals": 1}, {"question": "b", "equals": 2}]}, {"b": 2}, True),
    ({"not": {"question": "a", "equals": 1}}, {}, True),
    (None, {}, True),
]


@pytest.mark.parametrize("condition, answers, expected", CONDITIONS)
def test_conditions(condition, answers, expected):
    assert evaluate(condition, answers) is expected


def _in_a_frame(condition, answers):
    """Whether the answers could stand in a frame as the condition reads them: a frame holds lists for
    multiple choice and ranking (the only ones ``contains`` reads) and numbers for number questions."""
    value, ops = answers.get("a"), set(condition or {})
    if isinstance(value, list):
        return "contains" in ops
    return not ("contains" in ops and value is not None) and not (ops & {"min", "max"} and isinstance(value, str))


@pytest.mark.parametrize("condition, answers, expected", [c for c in CONDITIONS if _in_a_frame(c[0], c[1])])
def test_the_frame_evaluation_agrees_with_the_one_answer_set_evaluation(condition, answers, expected):
    import numpy as np
    import pandas as pd

    from ladder.conditions import evaluate_columns

    def read(qid):  # one row, as the export reads a frame: lists as chosen values, else one column
        value = answers.get(qid)
        answered = np.array([value not in (None, "", [])])
        if isinstance(value, list):
            return None, {v: np.array([True]) for v in value}, answered
        return pd.Series([value], dtype=object), None, answered
    assert evaluate_columns(condition, read, 1).tolist() == [expected]


def test_an_area_question_refuses_an_area_of_a_kind_it_does_not_offer():
    from ladder.question_types import AnswerError
    from ladder.survey import Question
    question = Question("woonplaats", "area", {"nl": "Waar woont u?"}, options={"kinds": ["wijk"]})
    area = TYPES["area"]
    assert {a.code: a.kind for a in SURVEY.areas}["testdorp"] == "dorp"
    assert area.parse(question, "proefwijk", SURVEY) == "proefwijk"
    with pytest.raises(AnswerError, match="Kies een kern, wijk of buurt uit de lijst."):
        area.parse(question, "testdorp", SURVEY)
    assert "testdorp" not in area.schema(question, SURVEY)["enum"]
