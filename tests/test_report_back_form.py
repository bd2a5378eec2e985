"""The "U zei, wij doen" form as an officer meets it (issue 23): an error summary and "Fout:" in the title, and
the date as day, month and year (GOV.UK date input) instead of a format hint above a browser date picker."""
import re
from datetime import date
from html import unescape

from sqlalchemy import select

from ladder import db
from ladder.models import ReportBackItem
from test_report_back import PAGE, add, editor  # noqa: F401  (fixture)


def test_the_date_is_three_boxes_with_labels_and_no_date_picker(editor):
    html = editor.get(PAGE).get_data(as_text=True)
    assert 'type="date"' not in html and "2027-03-31" not in html
    for part, label in (("dag", "Dag"), ("maand", "Maand"), ("jaar", "Jaar")):
        assert re.search(rf'<label class="label" for="due_on-{part}">{label}</label>', html)
        assert re.search(rf'id="due_on-{part}" name="due_on-{part}" type="text"\s+inputmode="numeric"', html)
    assert "<legend class=\"label\">Wanneer is dat klaar?" in html


def test_a_date_in_three_boxes_is_stored(app, editor):
    assert add(editor, due_on=None, **{"due_on-dag": "1", "due_on-maand": "5", "due_on-jaar": "2027"}).status_code == 302
    with app.app_context():
        assert [i.due_on for i in db.session().scalars(select(ReportBackItem))] == [date(2027, 5, 1)]


def test_a_wrong_date_gets_a_summary_a_title_and_keeps_what_was_typed(app, editor):
    response = add(editor, due_on=None, **{"due_on-dag": "31", "due_on-maand": "2", "due_on-jaar": "2027"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r"<title>Fout: U zei, wij doen", html)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [
        ("due_on-dag", "Schrijf de datum als dag, maand en jaar, bijvoorbeeld 31 3 2027.")]
    assert 'name="due_on-dag" type="text"\n             inputmode="numeric" value="31"' in unescape(html)
    with app.app_context():
        assert db.session().scalars(select(ReportBackItem)).all() == []
