"""Paper and letters as an officer meets them (issue 23): the key-in screen shows each question's number on the
paper form; a letter has room for the address, its deadline in bold and a paper or phone alternative."""
import re

from ladder.paper import numbered
from test_entry import app, begin  # noqa: F401  (fixture)
from test_letters import make
from test_staff import signed_in


def test_the_key_in_screen_numbers_each_question_as_the_paper_form_does(app):
    client = signed_in(app, "editor")
    url = begin(client)
    html = client.get(url).get_data(as_text=True)
    survey = app.extensions["ladder"].survey("testdorp-inspraak")
    numbers = numbered(survey)
    shown = re.findall(r'<p class="caption question-number">Vraag (\d+) op het formulier</p>\s*<div class="question">'
                       r'.*?(?:for|name)="q?-?([a-z_]+)', html, re.S)
    assert shown and all(int(n) == numbers[qid] for n, qid in shown), shown
    assert [int(n) for n, _ in shown] == sorted(numbers[q.id] for q in survey.pages[0].questions)


def test_a_letter_has_an_address_window_and_a_paper_or_phone_alternative(app):
    html = make(signed_in(app, "editor"), 2, "brieven").get_data(as_text=True)
    assert html.count('<div class="letter__address"><p>Aan de bewoners van dit adres</p></div>') == 2
    assert html.count("Geen internet, of liever op papier of aan de telefoon?") == 2


def test_a_letter_says_by_when_to_take_part(app):
    from test_staff import set_status
    editor = signed_in(app, "editor")
    assert set_status(editor, "open", closes_on="2999-12-31").status_code == 302
    html = make(editor, 2, "brieven").get_data(as_text=True)
    assert html.count('<p class="letter__deadline"><strong>Doe mee tot en met 31 december 2999.</strong></p>') == 2


# ---------------------------------------------------------------- the printed form (ladder paper, the staff PDF)

def paper_html(app, survey, **config):
    from ladder.paper import render_html
    with app.test_request_context("/"):
        return render_html(survey, app.extensions["ladder"], config={**app.config, **config})


def test_the_printed_form_has_an_address_window_a_reply_by_date_and_other_ways_to_answer(app):
    """`ladder paper --letters` posts the form itself: it needs the address window, the date to send it back by, and
    the other ways in (online with its code, by phone), as the invitation letters have."""
    from dataclasses import replace
    from datetime import date
    survey = replace(app.extensions["ladder"].survey("testdorp-inspraak"), closes=date(2999, 12, 31))
    html = paper_html(app, survey, BASE_URL="https://inspraak.testgemeente.nl")
    assert '<div class="address-window"><p>Aan de bewoners van dit adres</p></div>' in html
    assert '<p class="reply-by"><strong>Stuur de vragenlijst terug vóór 31 december 2999.</strong></p>' in html
    assert "Liever online? Ga naar https://inspraak.testgemeente.nl/s/testdorp-inspraak." in html
    assert "Liever aan de telefoon, of hulp nodig bij het invullen? Neem contact op:" in html
    assert html.index("address-window") < html.index("<h1>")


def test_a_printed_form_names_its_municipality_once(app):
    from dataclasses import replace
    survey = replace(app.extensions["ladder"].survey("testdorp-inspraak"), municipality="Gemeente Testgemeente")
    html = paper_html(app, survey)
    assert "Gemeente Testgemeente" in html and "Gemeente Gemeente" not in html


def test_no_printed_form_promises_what_only_the_screen_shows(app):
    """A paper respondent sees no result page: no bundled survey's printed form says "Na deze vragen ziet u ..."."""
    from test_paper import BUNDLED
    for slug in BUNDLED:
        survey = app.extensions["ladder"].survey(slug)
        assert survey is not None, slug
        text = " ".join(re.sub(r"<[^>]+>", " ", paper_html(app, survey)).split())
        assert not re.search(r"(Na|Aan het eind van) (deze|de) vragen(lijst)? ziet u", text), slug
        assert "ziet u uw uitkomst" not in text, slug
