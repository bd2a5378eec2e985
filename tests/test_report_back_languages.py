"""Staff texts per language (issue 19): the results text and each "U zei, wij doen" item in every language the
survey offers; on /r/ a missing translation falls back to Dutch marked lang="nl" (WCAG 3.1.2); the verslag
stays Dutch; every change, with the old text in each language, goes into the audit log."""
import re

import pytest
from sqlalchemy import select

from ladder import db, lifecycle
from ladder.models import AuditEntry, ReportBackItem
from test_resident import token
from report_back_seed import set_status
from test_staff import MINE, signed_in

PUBLISH = f"/beheer/s/{MINE}/uitkomsten"
ITEMS = f"/beheer/s/{MINE}/terugkoppeling"
RESULTS_NL, RESULTS_FY = "We planten meer bomen in het dorp.", "Wy plantsje mear beammen yn it doarp."
TOPIC_NL, TOPIC_FY, TOPIC_EN = "Groen", "Grien", "Greenery"
DECISION_NL, DECISION_FY = "We planten twintig bomen.", "Wy plantsje tweintich beammen."


@pytest.fixture
def editor(app):
    return signed_in(app, "editor")


def close(app):
    """Results stay sealed while the survey is open."""
    set_status(app, MINE, "closed")


def publish(client, **fields):
    page = client.get(PUBLISH)
    return client.post(PUBLISH, data={"csrf_token": token(page.data), "results_text": RESULTS_NL,
                                      "next_rung": "raadplegen", **fields})


def add_item(client, path=ITEMS, **fields):
    page = client.get(path)
    return client.post(path, data={"csrf_token": token(page.data), "question": "", "topic": TOPIC_NL,
                                   "decision": DECISION_NL, **fields})


def report_back_part(html: str) -> str:
    """The page's "Wat doet de gemeente ermee?" part, up to "Wie deden mee?"."""
    return html.split('id="wat-doet-de-gemeente"', 1)[1].split('id="wie-deden-mee"', 1)[0]


def audit_details(app):
    with app.app_context():
        return [(e.action, e.detail) for e in db.session().scalars(select(AuditEntry).order_by(AuditEntry.id))]


def the_item(app):
    with app.app_context():
        return db.session().scalars(select(ReportBackItem)).one()


def test_the_frisian_page_shows_the_frisian_results_text_and_items(app, editor):
    close(app)
    assert add_item(editor, topic_fy=TOPIC_FY, decision_fy=DECISION_FY).status_code == 302
    assert publish(editor, results_text_fy=RESULTS_FY).status_code == 302
    part = report_back_part(app.test_client().get(f"/r/{MINE}?lang=fy").get_data(as_text=True))
    assert f"<p>{RESULTS_FY}</p>" in part and f"<h3>{TOPIC_FY}</h3>" in part and f"<p>{DECISION_FY}</p>" in part
    assert RESULTS_NL not in part and DECISION_NL not in part and 'lang="nl"' not in part
    dutch = report_back_part(app.test_client().get(f"/r/{MINE}").get_data(as_text=True))
    assert f"<p>{RESULTS_NL}</p>" in dutch and f"<h3>{TOPIC_NL}</h3>" in dutch and RESULTS_FY not in dutch


def test_a_missing_english_text_falls_back_to_dutch_marked_lang_nl(app, editor):
    close(app)
    add_item(editor, topic_fy=TOPIC_FY, topic_en=TOPIC_EN, decision_fy=DECISION_FY)  # no English decision
    publish(editor, results_text_fy=RESULTS_FY)  # no English results text
    part = report_back_part(app.test_client().get(f"/r/{MINE}?lang=en").get_data(as_text=True))
    assert f'<div class="prose" lang="nl"><p>{RESULTS_NL}</p></div>' in part
    assert f"<h3>{TOPIC_EN}</h3>" in part  # translated: no lang attribute
    assert f'<div class="prose" lang="nl"><p>{DECISION_NL}</p></div>' in part
    assert RESULTS_FY not in part and DECISION_FY not in part


def test_old_rows_without_translations_show_dutch_marked_on_every_page(app, editor):
    """A row written before translations existed (the translation columns empty) still shows, in Dutch."""
    close(app)
    add_item(editor)
    publish(editor)
    part = report_back_part(app.test_client().get(f"/r/{MINE}?lang=fy").get_data(as_text=True))
    assert f'<h3><span lang="nl">{TOPIC_NL}</span></h3>' in part
    assert f'<div class="prose" lang="nl"><p>{RESULTS_NL}</p></div>' in part


def test_the_publish_form_saves_and_shows_every_language_the_survey_offers(app, editor):
    assert publish(editor, results_text_fy=f"  {RESULTS_FY}\r\n\r\nTwadde alinea.  ").status_code == 302
    with app.app_context():
        row = lifecycle.row(MINE)
        assert row.results_text == RESULTS_NL
        assert row.results_text_translations == {"fy": f"{RESULTS_FY}\n\nTwadde alinea."}
    html = editor.get(PUBLISH).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*id="results_text"[^>]*lang="nl"[^>]*>\s*' + RESULTS_NL + "</textarea>", html)
    assert re.search(r'<textarea[^>]*id="results_text_fy"[^>]*lang="fy"[^>]*>\s*' + RESULTS_FY, html)
    assert re.search(r'<textarea[^>]*id="results_text_en"[^>]*lang="en"[^>]*>\s*</textarea>', html)
    # The missing English text is marked, in words, at its own field.
    missing = re.findall(r'id="(results_text_\w+)-missing"', html)
    assert missing == ["results_text_en"]
    assert "Ontbreekt: inwoners lezen hier de Nederlandse tekst." in html


def test_the_item_form_saves_and_shows_every_language_and_a_change_keeps_them(app, editor):
    assert add_item(editor, topic_fy=TOPIC_FY, decision_fy=DECISION_FY).status_code == 302
    item = the_item(app)
    assert (item.topic_translations, item.decision_translations) == ({"fy": TOPIC_FY}, {"fy": DECISION_FY})
    html = editor.get(f"{ITEMS}?item={item.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="topic_fy"[^>]*lang="fy"[^>]*value="Grien"', html)
    assert re.search(r'<textarea[^>]*id="decision_fy"[^>]*lang="fy"[^>]*>\s*' + DECISION_FY, html)
    assert re.findall(r'id="(\w+)-missing"', html) == ["topic_en", "decision_en"]
    assert "Nog niet vertaald: Engels. Inwoners lezen daar de Nederlandse tekst." in html  # in the list above
    # Emptying a translation removes it; Dutch stays.
    assert add_item(editor, f"{ITEMS}?item={item.id}", topic_fy="", decision_fy=DECISION_FY,
                    topic_en=TOPIC_EN).status_code == 302
    item = the_item(app)
    assert (item.topic, item.topic_translations, item.decision_translations) == (
        TOPIC_NL, {"en": TOPIC_EN}, {"fy": DECISION_FY})


def test_the_audit_log_keeps_the_old_text_in_each_language(app, editor):
    add_item(editor, topic_fy=TOPIC_FY, decision_fy=DECISION_FY)
    item = the_item(app)
    add_item(editor, f"{ITEMS}?item={item.id}", decision="Tien bomen.", decision_fy="Tsien beammen.")
    changed = [d for a, d in audit_details(app) if a == "report-back" and "changed item" in d]
    assert len(changed) == 1
    assert "Tien bomen." in changed[0] and "Tsien beammen." in changed[0]  # the new text
    was = changed[0].split("was:", 1)[1]
    assert DECISION_NL in was and DECISION_FY in was  # the old text, both languages

    publish(editor, results_text_fy=RESULTS_FY)
    publish(editor, results_text="Andere tekst.", results_text_fy="Oare tekst.")
    texts = [d for a, d in audit_details(app) if a == "report-back" and d.startswith("results text")]
    assert len(texts) == 2
    assert RESULTS_FY in texts[0] and "was:" not in texts[0]
    assert "Oare tekst." in texts[1] and RESULTS_NL in texts[1].split("was:", 1)[1]
    assert RESULTS_FY in texts[1].split("was:", 1)[1]
    publish(editor, results_text="Andere tekst.", results_text_fy="Oare tekst.")  # nothing changed: no entry
    assert len([d for a, d in audit_details(app) if a == "report-back" and d.startswith("results text")]) == 2


BAD = [  # (field, value, message)
    ("results_text_fy", "a" * 5001, "Fries: schrijf hoogstens 5.000 tekens."),
    ("results_text_en", "   \r\n  ", "Engels: dit vak bevat alleen spaties. Schrijf de tekst of maak het vak leeg."),
]
# NUL and other control characters are refused before the view, in every form (ladder.web.input_guard), with the
# message of residents' answers; the form's own checks never see them.
CONTROL = "Gebruik alleen gewone tekens: deze tekst bevat een onzichtbaar of ongeldig teken."


@pytest.mark.parametrize("field, value, message", BAD + [
    ("results_text_fy", "Wy\x00plantsje", CONTROL), ("results_text", "We\x00planten", CONTROL)])
def test_bad_results_text_says_what_is_wrong_and_stores_nothing(app, editor, field, value, message):
    response = publish(editor, **{field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (f'<a href="#{field}">{message}</a>' if message != CONTROL else message) in html
    with app.app_context():
        assert lifecycle.row(MINE) is None
    assert not any(a in ("publish", "report-back") for a, _ in audit_details(app))


@pytest.mark.parametrize("field, value, message", [
    ("topic_fy", "a" * 201, "Fries: schrijf hoogstens 200 tekens."),
    ("decision_en", "a" * 4001, "Engels: schrijf hoogstens 4.000 tekens."),
    ("topic_en", "  ", "Engels: dit vak bevat alleen spaties. Schrijf de tekst of maak het vak leeg."),
    ("decision_fy", "x\x00", CONTROL),
    ("decision", "x\x0b", CONTROL),
])
def test_bad_item_text_says_what_is_wrong_and_stores_nothing(app, editor, field, value, message):
    response = add_item(editor, **{field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (f'<a href="#{field}">{message}</a>' if message != CONTROL else message) in html
    with app.app_context():
        assert db.session().scalars(select(ReportBackItem)).all() == []
    assert all(a != "report-back" for a, _ in audit_details(app))


def test_a_dutch_only_survey_shows_only_the_dutch_fields(app, editor, monkeypatch):
    import dataclasses
    reg = app.extensions["ladder"]
    monkeypatch.setitem(reg.surveys, MINE, dataclasses.replace(reg.survey(MINE), locales=("nl",)))
    for path in (PUBLISH, ITEMS):
        html = editor.get(path).get_data(as_text=True)
        assert "_fy" not in html and "_en" not in html and "Ontbreekt" not in html, path
    # A translation sent anyway is not stored for a language the survey does not offer.
    assert publish(editor, results_text_fy=RESULTS_FY).status_code == 302
    with app.app_context():
        assert not lifecycle.row(MINE).results_text_translations


def test_the_verslag_stays_dutch(app, editor):
    close(app)
    add_item(editor, topic_fy=TOPIC_FY, decision_fy=DECISION_FY)
    publish(editor, results_text_fy=RESULTS_FY)
    html = editor.get(f"/beheer/s/{MINE}/participatieverslag?lang=fy").get_data(as_text=True)  # staff reading Frisian
    assert RESULTS_NL in html and DECISION_NL in html
    assert RESULTS_FY not in html and DECISION_FY not in html and TOPIC_FY not in html


def test_the_migration_keeps_rows_written_before_it(empty_database_url, tmp_path):
    """A results text and an item stored at revision 0008 upgrade with no translations and show in Dutch."""
    from datetime import datetime, timezone

    from sqlalchemy import DateTime, bindparam, create_engine, inspect, text

    from conftest import make_app
    from ladder.migrate import upgrade
    upgrade(empty_database_url, "0008")
    engine = create_engine(empty_database_url)
    at = datetime(2026, 3, 4, tzinfo=timezone.utc)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO survey_states (slug, status, invite_only, results_published_at, results_text,"
                          " updated_at) VALUES (:slug, 'closed', false, :at, :text, :at)")
                     .bindparams(bindparam("at", type_=DateTime(timezone=True))),
                     {"slug": MINE, "at": at, "text": RESULTS_NL})
        conn.execute(text("INSERT INTO report_back_items (survey_slug, topic, decision, updated_at)"
                          " VALUES (:slug, :topic, :decision, :at)")
                     .bindparams(bindparam("at", type_=DateTime(timezone=True))),
                     {"slug": MINE, "topic": TOPIC_NL, "decision": DECISION_NL, "at": at})
    engine.dispose()
    app = make_app(empty_database_url, tmp_path)  # runs the upgrade to the newest revision
    with app.app_context():
        assert "topic_translations" in {c["name"] for c in inspect(db.engine()).get_columns("report_back_items")}
        item = db.session().scalars(select(ReportBackItem)).one()
        assert (item.topic_translations, dict(item.topic_by_locale)) == (None, {"nl": TOPIC_NL})
    part = report_back_part(app.test_client().get(f"/r/{MINE}?lang=fy").get_data(as_text=True))
    assert f'<h3><span lang="nl">{TOPIC_NL}</span></h3>' in part
    assert f'<div class="prose" lang="nl"><p>{RESULTS_NL}</p></div>' in part


def test_the_messages_name_the_language_in_the_staff_members_language(app, editor):
    page = editor.get(f"{PUBLISH}?lang=en")
    html = page.get_data(as_text=True)
    assert '<label class="label" for="results_text_fy">Western Frisian <span class="optional">' in html
    assert "Missing: residents read the Dutch text here." in html
    response = editor.post(f"{PUBLISH}?lang=en", data={"csrf_token": token(page.data), "results_text": RESULTS_NL,
                                                       "results_text_fy": "a" * 5001, "next_rung": "raadplegen"})
    assert '<a href="#results_text_fy">Western Frisian: write at most 5,000 characters.</a>' in \
        response.get_data(as_text=True)
