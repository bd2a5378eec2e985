"""Soft hyphens in long words of survey text (issue 23: long compounds broke mid-word on a phone)."""
from markupsafe import Markup

from ladder.hyphenation import SOFT_HYPHEN, soft_hyphens


def test_a_long_compound_breaks_only_at_its_syllables():
    assert soft_hyphens("Het leefbaarheidsbudget", "nl") == f"Het leef{SOFT_HYPHEN}baar{SOFT_HYPHEN}heids{SOFT_HYPHEN}bud{SOFT_HYPHEN}get"


def test_words_that_fit_a_phone_are_left_whole():
    text = "Hoe tevreden bent u over het dorpsoverleg en de gemeente?"
    assert soft_hyphens(text, "nl") == text


def test_frisian_and_english_get_soft_hyphens_too_and_an_unknown_language_none():
    assert SOFT_HYPHEN in soft_hyphens("doarpsbelangferieniging", "fy")
    assert SOFT_HYPHEN in soft_hyphens("internationalisation", "en")
    assert soft_hyphens("leefbaarheidsbudget", "de") == "leefbaarheidsbudget"


def test_survey_text_in_a_page_is_hyphenated_in_the_language_it_is_in(app):
    """Dutch text on an English page (no translation) gets Dutch syllables and its lang="nl"."""
    env = app.jinja_env
    with app.test_request_context("/?lang=en"):
        shown = env.from_string("{{ v | tl('en') }}").render(v={"nl": "kerncontactfunctionaris"})
    assert shown == Markup('<span lang="nl">kern\u00adcon\u00adtact\u00adfunc\u00adti\u00ado\u00adna\u00adris</span>')
