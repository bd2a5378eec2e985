"""The staff forms (WTForms classes in ladder.web.staff_forms) and dates and numbers written by Babel."""
import re
import warnings
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from ladder import db, lifecycle
from ladder.models import AuditEntry, InviteCode, Response, SurveyState, User
from test_resident import token
from staff_signin import link_parts
from test_staff import MINE, PASSWORD, VALID, add_user, csrf, login, signed_in


@pytest.fixture
def editor(app):
    return signed_in(app, "editor")


def notices(client):
    """The flashed messages on the dashboard."""
    html = client.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    return re.findall(r"<p>([^<]*)</p>", html.split('<div class="notice" role="status">')[1].split("</div>")[0]) \
        if 'class="notice"' in html else []


def stored_state(app):
    with app.app_context():
        row = db.session().get(SurveyState, MINE)
        return None if row is None else (row.status, row.opens_on, row.closes_on, row.invite_only)


def audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session().scalars(select(AuditEntry))]


# Status and dates -----------------------------------------------------------------------------------

def post_status(client, **data):
    return client.post(f"/beheer/s/{MINE}/status", data={"csrf_token": csrf(client), **data})


@pytest.mark.parametrize("field", ["opens_on", "closes_on"])
@pytest.mark.parametrize("value", ["morgen", "2026-02-30", "31-12-2026", "2026-13-01"])
def test_an_invalid_date_is_refused_in_dutch_and_changes_nothing(app, editor, field, value):
    before = stored_state(app)
    response = post_status(editor, status="closed", **{field: value})
    assert response.status_code == 302
    which = {"opens_on": "begindatum", "closes_on": "einddatum"}[field]
    assert notices(editor) == [f"Schrijf de {which} als 2026-12-31."]
    assert stored_state(app) == before
    assert "status" not in audit_actions(app)


def test_a_window_ending_before_it_starts_or_an_unknown_status_is_refused(app, editor):
    post_status(editor, status="open", opens_on="2026-12-31", closes_on="2026-01-01")
    assert notices(editor) == ["Kies een einddatum na de begindatum."]
    post_status(editor, status="weg")
    assert notices(editor) == ["Kies concept, open of gesloten."]
    post_status(editor)
    assert notices(editor) == ["Kies concept, open of gesloten."]
    assert stored_state(app) is None and "status" not in audit_actions(app)


def test_a_valid_status_is_stored_with_real_dates(app, editor):
    assert post_status(editor, status="open", opens_on="2026-01-01", closes_on="2026-01-01",
                       invite_only="ja").status_code == 302
    assert notices(editor) == ["De status is opgeslagen."]
    assert stored_state(app) == ("open", date(2026, 1, 1), date(2026, 1, 1), True)
    post_status(editor, status="closed", opens_on="", closes_on="")
    assert stored_state(app) == ("closed", None, None, False)


# Invite codes -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", ["0", "-3", "100001", "", "tien", "2.5"])
def test_a_count_of_codes_outside_1_to_100000_is_refused(app, editor, count):
    response = editor.post(f"/beheer/s/{MINE}/codes", data={"csrf_token": csrf(editor), "count": count})
    assert response.status_code == 302 and response.mimetype != "text/csv"
    # The number is written the Dutch way, by Babel.
    assert notices(editor) == ["Vul een aantal codes in van 1 tot en met 100.000."]
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(InviteCode)) == 0
    assert "codes" not in audit_actions(app)


def test_the_codes_form_offers_100_codes_and_makes_what_is_asked(app, editor):
    html = editor.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    assert re.search(r'<input [^>]*id="count"[^>]*type="text"[^>]*value="100"', html)
    made = editor.post(f"/beheer/s/{MINE}/codes", data={"csrf_token": csrf(editor), "count": " 3 "})
    assert made.mimetype == "text/csv" and made.get_data(as_text=True).count("\n") == 4


# Setting a password -----------------------------------------------------------------------------------

def setup_link(app):
    result = app.test_cli_runner().invoke(args=["users", "add", "link@example.org", "--role", "analyst",
                                                "--municipality", "Testgemeente", "--link"])
    return link_parts(result.output)


@pytest.mark.parametrize("password, again, message", [
    (PASSWORD, PASSWORD + "x", "De twee wachtwoorden zijn niet gelijk."),
    ("elf tekens!", "elf tekens!", "Gebruik minstens 12 tekens."),
    ("", "", "Kies een wachtwoord."),
])
def test_set_password_refuses_a_mismatch_or_a_short_password(app, client, password, again, message):
    path, code = setup_link(app)
    page = client.get(path)
    response = client.post(path, data={"csrf_token": token(page.data), "token": code, "password": password,
                                       "password_again": again})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'<p class="error-message" id="password-error">.*{re.escape(message)}</p>', html)
    assert f'<a href="#password">{message}</a>' in html  # the error summary
    assert re.search(r'<input aria-describedby="password-hint password-error" aria-invalid="true"[^>]*id="password"',
                     html)
    assert PASSWORD not in html  # passwords are never sent back
    with app.app_context():
        assert db.session().scalar(select(User.password_hash).where(User.email == "link@example.org")) is None
    assert client.post(path, data={"csrf_token": token(page.data), "token": code, "password": PASSWORD,
                                   "password_again": PASSWORD}).status_code == 302  # the link still works


# Signing in -------------------------------------------------------------------------------------------

def test_sign_in_with_an_empty_field_names_the_field(app, client):
    add_user(app, "ed@example.org", "editor", "Testgemeente")
    response = client.post("/beheer/inloggen", data={"csrf_token": csrf(client, "/beheer/inloggen"),
                                                      "email": " ", "password": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<a href="#email">Vul uw e-mailadres in.</a>' in html and '<a href="#password">Vul uw wachtwoord in.</a>' in html
    assert "<title>Fout:" in html
    # The address is taken as typed, around spaces and in any case.
    assert login(client, "  ED@example.org ").status_code == 302


# Reporting back ---------------------------------------------------------------------------------------

def post_publish(client, **data):
    page = client.get(f"/beheer/s/{MINE}/uitkomsten")
    return client.post(f"/beheer/s/{MINE}/uitkomsten", data={"csrf_token": token(page.data), **data})


def test_publish_refuses_an_unknown_rung_or_too_long_a_text_and_keeps_what_was_typed(app, editor):
    unknown = post_publish(editor, results_text="Wij gaan aan de slag.", next_rung="hemel")
    assert unknown.status_code == 422
    html = unknown.get_data(as_text=True)
    assert '<a href="#next_rung-informeren">Kies hoe inwoners de volgende keer meedoen.</a>' in html
    assert "Wij gaan aan de slag.</textarea>" in html and " checked" not in html
    long = post_publish(editor, results_text="a" * 5001, next_rung="adviseren")
    assert long.status_code == 422
    html = long.get_data(as_text=True)
    assert '<a href="#results_text">Schrijf hoogstens 5.000 tekens.</a>' in html
    assert re.search(r'id="next_rung-adviseren"[^>]* checked', html)
    with app.app_context():
        assert lifecycle.row(MINE) is None
    assert "publish" not in audit_actions(app)


def test_publish_stores_the_text_with_plain_line_breaks_and_withdrawing_needs_no_text(app, editor):
    assert post_publish(editor, results_text="  Eerst dit.\r\n\r\nDan dat.  ", next_rung="raadplegen",
                        action="publiceren").status_code == 302
    with app.app_context():
        row = lifecycle.row(MINE)
        assert (row.results_text, row.next_rung) == ("Eerst dit.\n\nDan dat.", "raadplegen")
        assert row.results_published_at is not None
    again = editor.get(f"/beheer/s/{MINE}/uitkomsten").get_data(as_text=True)
    assert "Eerst dit.\n\nDan dat.</textarea>" in again and re.search(r'id="next_rung-raadplegen"[^>]* checked', again)
    assert post_publish(editor, action="intrekken").status_code == 302
    with app.app_context():
        row = lifecycle.row(MINE)
        assert row.results_published_at is None and row.results_text == "Eerst dit.\n\nDan dat."


# Withdrawing and deleting -----------------------------------------------------------------------------

def test_withdraw_asks_for_a_code_and_says_when_none_matches(app, client, editor):
    client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": VALID})
    editor.post(f"/beheer/s/{MINE}/intrekken", data={"csrf_token": csrf(editor), "code": "  "})
    assert notices(editor) == ["Vul de ontvangstcode van de inwoner in."]
    editor.post(f"/beheer/s/{MINE}/intrekken", data={"csrf_token": csrf(editor), "code": "AAAA-BBBB-CCCC"})
    assert notices(editor) == ["Geen antwoorden gevonden bij deze ontvangstcode voor deze vragenlijst."]
    with app.app_context():
        assert db.session().scalars(select(Response)).one().withdrawn_at is None


def test_delete_all_needs_the_survey_name(app, client, editor):
    client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": VALID})
    editor.post(f"/beheer/s/{MINE}/verwijderen", data={"csrf_token": csrf(editor), "confirm": MINE.upper()})
    assert notices(editor) == [f"Typ de naam van de vragenlijst ({MINE}) om te bevestigen."]
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Response)) == 1
    editor.post(f"/beheer/s/{MINE}/verwijderen", data={"csrf_token": csrf(editor), "confirm": f" {MINE} "})
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Response)) == 0


# WTForms' current API ---------------------------------------------------------------------------------

def test_staff_forms_use_select_choice_objects_and_raise_no_deprecation_warnings(app, editor):
    from wtforms.fields.choices import SelectChoice

    from ladder.web.staff_forms import PublishForm, StatusForm
    ladder = next(iter(app.extensions["ladder"].ladders.values()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        with app.test_request_context("/"):
            for field in (StatusForm().status, PublishForm(ladder=ladder).next_rung):
                assert field.choices and all(isinstance(c, SelectChoice) for c in field.choices)
                list(field.iter_choices())
        for path in (f"/beheer/s/{MINE}", f"/beheer/s/{MINE}/uitkomsten", "/beheer/"):
            assert editor.get(path).status_code == 200
        post_status(editor, status="open", opens_on="morgen")


# Dates and numbers by Babel ---------------------------------------------------------------------------

def test_babel_has_frisian_data_and_writes_frisian_months():
    from babel.dates import format_date
    assert format_date(date(2026, 1, 5), "long", locale="fy") == "5 Jannewaris 2026"
    assert format_date(date(2026, 3, 5), "long", locale="fy_NL") == "5 Maart 2026"


@pytest.mark.parametrize("lang, day, moment", [
    ("nl", "5 maart 2026", "05-03-2026, 14:30"),
    ("fy", "5 Maart 2026", "05-03-26 14:30"),
    ("en", "March 5, 2026", "3/5/26, 2:30\u202fPM"),
])
def test_filters_write_dates_in_the_interface_language(app, lang, day, moment):
    from ladder.web.filters import date_nl, datetime_nl
    with app.test_request_context(f"/?lang={lang}"):
        assert date_nl(date(2026, 3, 5)) == day
        assert date_nl(datetime(2026, 3, 5, 23, 59, tzinfo=timezone.utc)) == day
        assert datetime_nl(datetime(2026, 3, 5, 14, 30, tzinfo=timezone.utc)) == moment
        assert date_nl(None) == "" and datetime_nl(None) == ""


def test_filters_write_dutch_numbers_and_money(app):
    from ladder.web.filters import currency, date_nl, number, percent
    with app.test_request_context("/"):
        assert number(12345.5) == "12.345,5" and number(3) == "3" and number(None) == ""
        assert percent(0.833) == "83%" and percent(1) == "100%"
        assert currency(1234.5) == "€\xa01.234,50"
    with app.test_request_context("/?lang=en"):
        assert number(12345.5) == "12,345.5" and currency(1234.5) == "€1,234.50"
    # Outside a request (the command line), Dutch.
    assert date_nl(date(2026, 12, 31)) == "31 december 2026" and number(1000) == "1.000"


def test_dashboard_dates_follow_the_interface_language(app, editor):
    post_status(editor, status="open", opens_on="2999-01-01", closes_on="2999-10-31")
    html = editor.get(f"/beheer/s/{MINE}").get_data(as_text=True)
    assert "open, 1 januari 2999 – 31 oktober 2999" in html
    html = editor.get(f"/beheer/s/{MINE}?lang=fy").get_data(as_text=True)
    assert "1 Jannewaris 2999 – 31 Oktober 2999" in html


def test_audit_log_times_are_written_by_babel(app, editor):
    admin = signed_in(app, "admin", None)
    html = admin.get("/beheer/audit").get_data(as_text=True)
    assert re.search(r"<tr><td>\d\d-\d\d-\d{4}, \d\d:\d\d</td><td>editor-testgemeente@example.org</td>", html)
