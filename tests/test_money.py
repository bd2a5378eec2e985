"""Amounts in euros read as money on staff pages and in a resident's answers (issue 23): "€ 11.193", not
"11.193"."""
import pandas as pd
import pytest

from ladder.question_types import Number, money
from ladder.survey import Question


@pytest.mark.parametrize("value, locale, shown", [
    (11193, "nl", "€\xa011.193"), (11193.5, "nl", "€\xa011.193,50"), (11193.0, "en", "€11,193"),
    (1500, "fy", "€\xa01.500")])
def test_money_in_each_language(value, locale, shown):
    assert money(value, locale) == shown


def test_the_median_of_an_amount_is_money_and_of_a_count_is_not():
    euros = Question(id="kosten", type="number", label={"nl": "Wat kost het?"}, options={"unit": "euro"})
    people = Question(id="mensen", type="number", label={"nl": "Hoeveel mensen?"}, options={})
    frame = pd.DataFrame({"kosten": [10000, 11193, 12000], "mensen": [10000, 11193, 12000]})
    assert Number().summary(euros, frame, None).note == "Mediaan €\xa011.193"
    assert Number().summary(people, frame, None).note == "Mediaan 11.193"
    assert Number().answer_text(euros, 1500, None, "nl") == "€\xa01.500"
