"""The editor's changes to a survey's data (ladder/survey_editing.py), without Flask."""
import pytest

from ladder import survey_editing as edit


def survey():
    data = edit.blank("plein", "Testgemeente", "Het plein")
    data = edit.add_page(data, "een", "Eerste")
    return edit.put_question(data, 0, None, qid="mening", qtype="single_choice", label={"nl": "Mening?"}, help={},
                             required=True, choice_lines="goed = Goed\nslecht = Slecht", options={}, show_if=None)


def test_an_optional_text_can_be_added_and_left_out_again():
    data = edit.set_texts(survey(), {"pages.0.intro": {"nl": "Lees dit eerst."}, "contact": {"nl": "bel ons"}})
    assert data["pages"][0]["intro"] == {"nl": "Lees dit eerst."} and data["contact"] == {"nl": "bel ons"}
    data = edit.set_texts(data, {"pages.0.intro": {"nl": "", "fy": ""}, "contact": {"nl": ""}})
    assert "intro" not in data["pages"][0] and "contact" not in data


def test_missing_marks_offered_languages_only_and_not_optional_texts_left_out():
    data = edit.set_locales(edit.set_texts(survey(), {"title": {"fy": "It plein"}}), ["fy"])
    missing = edit.missing_texts(data)
    assert "title" not in missing and missing["pages.0.title"] == ["fy"]
    assert missing["intro"] == ["nl", "fy"] and "pages.0.intro" not in missing and "contact" not in missing


def test_choices_keep_their_translations_when_their_value_stays():
    data = edit.set_texts(survey(), {"pages.0.questions.0.choices.0.label": {"fy": "Goed"}})
    q = data["pages"][0]["questions"][0]
    again = edit.put_question(data, 0, 0, qid="mening", qtype="single_choice", label=q["label"], help={},
                              required=True, choice_lines="goed = Prima\nslecht = Slecht", options={}, show_if=None)
    assert again["pages"][0]["questions"][0]["choices"][0]["label"] == {"nl": "Prima", "fy": "Goed"}


@pytest.mark.parametrize("fields, expected", [
    (("mening", "equals", "goed"), {"question": "mening", "equals": "goed"}),
    (("mening", "in", "goed, slecht"), {"question": "mening", "in": ["goed", "slecht"]}),
    (("leeftijd", "min", "18,5"), {"question": "leeftijd", "min": 18.5}),
    (("mening", "answered", ""), {"question": "mening", "answered": True}),
    (("", "equals", "x"), None),
])
def test_a_condition_from_the_three_fields_and_back(fields, expected):
    assert edit.condition(*fields) == expected
    if expected:
        assert edit.condition(*edit.condition_fields(expected)) == expected


def test_a_setting_is_read_as_toml_or_kept_as_text():
    assert [edit.option_value(v) for v in ("5", "true", "[1, 2]", "Heel tevreden", "")] == \
        [5, True, [1, 2], "Heel tevreden", None]
    assert [edit.option_text(v) for v in (5, True, "tekst", None)] == ["5", "true", "tekst", ""]
