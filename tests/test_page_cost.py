"""The resident's pages do no per-request work that is not the page's own (issue 26), and still show the same.

A plugin survey's question page reads its lifecycle and the resident's draft, not the stored surveys (no stored
survey can take a plugin's slug; tests/test_stored_surveys.py shows a stored survey still served from the next
request on); a page's form class is made once per survey version, set of questions and
language, never shared across languages; the templates' ``_()`` finds the request's translations once and still
follows ``force_locale`` (the printed form in another language).
"""
from __future__ import annotations

import dataclasses
import re

from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import event

from ladder import db

SLUG = "testdorp-inspraak"


def token(html: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html).group(1).decode()


def start(client) -> str:
    page = client.get(f"/s/{SLUG}")
    started = client.post(f"/s/{SLUG}", data={"csrf_token": token(page.data), "action": "start"})
    assert started.status_code == 302
    return started.headers["Location"]


def test_a_plugin_surveys_question_page_reads_its_state_and_the_draft_in_one_statement_and_nothing_else(app):
    client = app.test_client()
    question = start(client)
    assert client.get(question).status_code == 200  # warm-up
    read = []
    event.listen(db.engine(app), "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: read.append(" ".join(statement.split())))
    page = client.get(question)
    assert page.status_code == 200
    assert "Waar woont u?" in page.get_data(as_text=True)
    assert len(read) == 1, read
    assert re.findall(r"\bJOIN (\w+)", read[0]) == ["survey_states", "drafts"], read


def test_a_survey_changed_by_staff_shows_on_the_next_question_page(app):
    """The state is read with the draft, never kept: closed, drafted and reopened, each seen at once."""
    from ladder import lifecycle
    client = app.test_client()
    question = start(client)
    assert client.get(question).status_code == 200
    for status, shown in (("closed", 409), ("draft", 404), ("open", 200)):
        with app.app_context():
            lifecycle.editable_row(app.extensions["ladder"].survey(SLUG)).status = status
            db.session().commit()
        assert client.get(question).status_code == shown, status


def test_a_new_version_of_a_survey_shows_its_own_texts_on_the_next_request(app):
    """The page's title and heading are kept with the survey object: a replaced survey starts with nothing kept."""
    client = app.test_client()
    question = start(client)
    assert "<title>Over u – stap 1 van 4 – Inspraak in Testdorp" in client.get(question).get_data(as_text=True)
    registry = app.extensions["ladder"]
    old = registry.surveys[SLUG]
    page = old.pages[0]
    registry.surveys[SLUG] = dataclasses.replace(
        old, title={"nl": "Inspraak in Nieuwdorp"},
        pages=(dataclasses.replace(page, title={"nl": "Over uzelf"}), *old.pages[1:]))
    html = client.get(question).get_data(as_text=True)
    assert "<title>Over uzelf – stap 1 van 4 – Inspraak in Nieuwdorp" in html
    assert '<p class="caption">Inspraak in Nieuwdorp' in html and "<h1>Over uzelf</h1>" in html


def test_the_kept_parts_of_a_page_follow_the_language_and_the_staff_pages(app):
    client = app.test_client()
    question = start(client)
    dutch = client.get(question).get_data(as_text=True)
    assert "stap 1 van 4" in dutch and ">Volgende</button>" in dutch and "Naar de inhoud" in dutch
    english = client.get(question + "?lang=en").get_data(as_text=True)
    assert "step 1 of 4" in english and ">Next</button>" in english and "Skip to" in english
    assert "stap 1 van 4" not in english and "Naar de inhoud" not in english
    staff = client.get("/beheer/inloggen?lang=nl").get_data(as_text=True)  # the header: the staff site's name
    assert "Inspraak: beheer voor medewerkers" in staff and "Inspraak in uw kern" not in staff
    assert "Inspraak in uw kern" in client.get(question).get_data(as_text=True)


def test_a_kept_part_follows_a_forced_language_within_one_request(app):
    with app.test_request_context("/"):
        template = "{% call once('test-part') %}{{ _('Volgende') }}{% endcall %}"
        assert render_template_string(template) == "Volgende"
        with force_locale("fy"):
            assert render_template_string(template) == "Folgjende"
        assert render_template_string(template) == "Volgende"


def test_a_pages_form_class_is_made_once_per_language_and_each_language_keeps_its_own(app, monkeypatch):
    client = app.test_client()
    question = start(client)
    area = app.extensions["ladder"].question_types["area"]
    made = []
    real = area.field
    monkeypatch.setattr(area, "field", lambda q, survey, locale: made.append(locale) or real(q, survey, locale))
    dutch = client.get(question).get_data(as_text=True)
    assert "Waar woont u?" in dutch
    assert client.get(question).status_code == 200
    assert made == ["nl"]  # the second request used the class the first one made
    english = client.get(question + "?lang=en").get_data(as_text=True)
    assert "Where do you live?" in english and "Waar woont u?" not in english
    assert "Frysk" in english  # the language links: the page is the English one, not a cached Dutch one
    assert made == ["nl", "en"]
    again = client.get(question + "?lang=nl").get_data(as_text=True)
    assert "Waar woont u?" in again and "Where do you live?" not in again
    assert made == ["nl", "en"]


def test_two_residents_never_share_a_forms_data(app):
    """One form class, two instances: each resident's page shows only their own stored answer."""
    first, second = app.test_client(), app.test_client()
    page_one, page_two = start(first), start(second)
    form = first.get(page_one)
    saved = first.post(page_one, data={"csrf_token": token(form.data), "action": "opslaan",
                                       "woonplaats": "proefwijk"})
    assert saved.status_code == 302
    assert re.search(r'value="proefwijk"[^>]*checked', first.get(page_one).get_data(as_text=True))
    assert not re.search(r'value="proefwijk"[^>]*checked', second.get(page_two).get_data(as_text=True))


def test_the_templates_follow_a_forced_language_within_one_request(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Volgende') }}") == "Volgende"
        with force_locale("fy"):
            assert render_template_string("{{ _('Volgende') }}") == "Folgjende"
            with force_locale("en"):
                assert render_template_string("{{ _('Volgende') }}") == "Next"
            assert render_template_string("{{ _('Volgende') }}") == "Folgjende"
        assert render_template_string("{{ _('Volgende') }}") == "Volgende"


def test_the_index_reads_all_states_in_one_statement_and_follows_a_staff_change_at_once(app):
    from ladder import lifecycle
    client = app.test_client()
    assert client.get("/").status_code == 200  # warm-up
    read = []
    event.listen(db.engine(app), "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: read.append(" ".join(statement.split())))
    assert 'href="/s/testdorp-inspraak"' in client.get("/").get_data(as_text=True)
    tables = [re.search(r"\bFROM (\w+)", s).group(1) for s in read]
    assert tables == ["survey_versions", "survey_states", "plan_surveys"], read
    with app.app_context():
        lifecycle.editable_row(app.extensions["ladder"].survey(SLUG)).status = "closed"
        db.session().commit()
    assert 'href="/s/testdorp-inspraak"' not in client.get("/").get_data(as_text=True)


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"\s*checked', html)


def test_a_questions_kept_markup_shows_each_residents_own_choice(app):
    """A question's markup is kept per survey, language and value (ladder.web.fragments.question_key): three
    residents, each with another answer (or none), each see only their own, also when asking again."""
    clients = [app.test_client() for _ in range(3)]
    pages = [start(c) for c in clients]
    for c, page, value in zip(clients, pages, ("proefwijk", "testdorp")):
        form = c.get(page)
        assert c.post(page, data={"csrf_token": token(form.data), "action": "opslaan",
                                  "woonplaats": value}).status_code == 302
    for _ in range(2):
        assert _checked(clients[0].get(pages[0]).get_data(as_text=True), "woonplaats") == ["proefwijk"]
        assert _checked(clients[1].get(pages[1]).get_data(as_text=True), "woonplaats") == ["testdorp"]
        assert _checked(clients[2].get(pages[2]).get_data(as_text=True), "woonplaats") == []


def test_a_questions_kept_markup_follows_the_language_and_a_new_version(app):
    client = app.test_client()
    question = start(client)
    assert "Waar woont u?" in client.get(question).get_data(as_text=True)
    english = client.get(question + "?lang=en").get_data(as_text=True)
    assert "Where do you live?" in english and "Waar woont u?" not in english
    registry = app.extensions["ladder"]
    old = registry.surveys[SLUG]
    page = old.pages[0]
    asked = page.questions[0]
    registry.surveys[SLUG] = dataclasses.replace(old, pages=(
        dataclasses.replace(page, questions=(dataclasses.replace(asked, label={"nl": "Woont u hier?"}),
                                             *page.questions[1:])), *old.pages[1:]))
    html = client.get(question + "?lang=nl").get_data(as_text=True)
    assert "Woont u hier?" in html and "Waar woont u?" not in html


def test_a_residents_own_text_and_an_error_are_never_kept(app):
    """Free text and error messages are rendered each time: the survey keeps only choices, positions and blanks."""
    from ladder.web.fragments import question_key
    client = app.test_client()
    first = start(client)
    form = client.get(first)
    with_error = client.post(first, data={"csrf_token": token(form.data), "action": "volgende",
                                          "woonplaats": "nergens", "betrokken": "soms"})
    assert with_error.status_code == 422
    registry = app.extensions["ladder"]
    kept = [key[0][1] for key in registry.surveys[SLUG].fragments if key[0][0] == "question"]
    assert ("betrokken", registry.question_types["single_choice"], "soms") in kept
    assert not [k for k in kept if k[0] == "woonplaats" and k[2] == "nergens"]
    text, short_text = registry.surveys[SLUG].question("opmerking"), registry.question_types["short_text"]

    class Field:
        errors, data = [], "Mijn eigen woorden"
    assert question_key(text, Field, short_text) is None
    Field.data = ""
    assert question_key(text, Field, short_text) == ("opmerking", short_text, "")
    Field.errors = ["Te lang."]
    assert question_key(text, Field, short_text) is None


def test_the_hidden_filter_writes_a_hidden_field_as_wtforms_does(app):
    """``| hidden`` (ladder.web.filters) is WTForms' own markup, byte for byte, and WTForms' own rendering wherever
    the field is not a plain hidden input; without a CSRF field it writes nothing, as ``{{ form.csrf_token }}`` did."""
    from flask_wtf import FlaskForm
    from wtforms import HiddenField, StringField
    from ladder.web.filters import hidden

    class Form(FlaskForm):
        plain = HiddenField(default='a "quoted" <value> & more')
        styled = HiddenField(render_kw={"class": "x"}, default="b")
        text = StringField(default="c")

    with app.test_request_context("/"):
        form = Form()
        for field in (form.csrf_token, form.plain, form.styled, form.text):
            assert hidden(field) == str(field), field.name
        assert 'value="a &#34;quoted&#34; &lt;value&gt; &amp; more"' in hidden(form.plain)
        template = app.jinja_env.from_string("[{{ form.csrf_token | hidden }}]")
        assert template.render(form=form) == f"[{form.csrf_token}]"
    app.config["WTF_CSRF_ENABLED"] = False
    with app.test_request_context("/"):
        assert template.render(form=FlaskForm()) == "[]"


def test_flask_babel_gets_each_language_parsed_once_and_the_requests_own(app):
    """The locale selector hands Flask-Babel a Babel locale parsed once per language (ladder.i18n._babel_locale);
    each request still gets its own language."""
    from flask_babel import get_locale
    seen = []
    for lang in ("nl", "en", "fy", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            seen.append(get_locale())
    assert [str(locale) for locale in seen] == ["nl", "en", "fy", "en"]
    assert seen[1] is seen[3]


def test_flask_logins_session_protection_runs_only_when_set(app, monkeypatch):
    """Off (ladder's setting) the client's address and browser are not hashed on a resident's page; set, Flask-Login's
    own check runs as before (ladder.web.auth._LoginManager)."""
    from ladder.web.auth import login_manager
    hashed = []
    monkeypatch.setattr(login_manager, "_session_identifier_generator", lambda: hashed.append(1) or "id")
    client = app.test_client()
    assert client.get(f"/s/{SLUG}").status_code == 200
    assert hashed == []
    app.config["SESSION_PROTECTION"] = "strong"
    with client.session_transaction() as session:
        session["_user_id"], session["_id"] = "1:0", "another browser"
    assert client.get(f"/s/{SLUG}").status_code == 200
    assert hashed
    with client.session_transaction() as session:
        assert "_user_id" not in session  # the session is taken for another browser's


def test_the_offered_languages_are_each_requests_own_within_one_app_context(app):
    """Two requests made inside one app context share ``g``; the offered languages are kept with each request."""
    from test_stored_surveys import SLUG as PLEIN  # nl and fy only
    from test_survey_languages import publish
    publish(app)
    client = app.test_client()
    with app.app_context():
        testdorp = client.get(f"/s/{SLUG}").get_data(as_text=True)
        plein = client.get(f"/s/{PLEIN}").get_data(as_text=True)
    assert 'hreflang="en"' in testdorp and 'hreflang="en"' not in plein
