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
