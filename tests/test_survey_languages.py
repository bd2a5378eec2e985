"""Languages (issue 21): the index says which languages each survey is offered in; a survey page shown in Dutch
because the survey lacks the resident's language says so, in that language, marked with its lang."""
from ladder import db, stored_surveys
from test_resident import start
from test_stored_surveys import SLUG, definition

NOTICE_EN = '<p class="notice language-fallback" lang="en">'


def publish(app):
    with app.app_context():
        reg = app.extensions["ladder"]
        stored_surveys.publish(reg, stored_surveys.create(reg, definition()))  # nl and fy, no English
        db.session().commit()


def test_the_index_says_which_languages_each_survey_is_offered_in(sqlite_app):
    publish(sqlite_app)
    html = sqlite_app.test_client().get("/").get_data(as_text=True)
    testdorp = html[html.index("Inspraak in Testdorp"):]
    assert testdorp.split("</li>")[0].count('lang="') == 3
    assert ('<span lang="nl">Nederlands</span>, <span lang="fy">Frysk</span>, <span lang="en">English</span>'
            in testdorp.split("</li>")[0])
    plein = html[html.index("Het dorpsplein"):].split("</li>")[0]
    assert '<span lang="nl">Nederlands</span>, <span lang="fy">Frysk</span></p>' in plein


def test_a_survey_without_english_says_so_in_english_to_who_chose_english(sqlite_app):
    publish(sqlite_app)
    client = sqlite_app.test_client()
    client.get("/?lang=en")
    page = client.get(f"/s/{SLUG}").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert NOTICE_EN + "This survey is not available in your language, so it is shown in Dutch.</p>" in page


def test_no_notice_where_the_survey_has_the_language(sqlite_app):
    publish(sqlite_app)
    client = sqlite_app.test_client()
    client.get("/?lang=fy")
    assert "language-fallback" not in client.get(f"/s/{SLUG}").get_data(as_text=True)
    client.get("/?lang=en")
    assert "language-fallback" not in client.get("/s/testdorp-inspraak").get_data(as_text=True)
    assert "language-fallback" not in client.get("/").get_data(as_text=True)


def test_the_kept_language_links_follow_the_chosen_language_and_the_page(sqlite_app):
    """A survey page's language links are kept with the survey per path and language (resident/_macros.html): each
    choice, the notice and each page still get their own."""
    publish(sqlite_app)
    client = sqlite_app.test_client()
    for chosen, current, notice in (("nl", "nl", False), ("en", "nl", True), ("fy", "fy", False), ("nl", "nl", False)):
        client.get(f"/?lang={chosen}")
        for _ in range(2):
            page = client.get(f"/s/{SLUG}").get_data(as_text=True)
            assert f'<span aria-current="true" lang="{current}">' in page, chosen
            assert (NOTICE_EN in page) is notice, chosen
            assert f'href="/s/{SLUG}?lang=' in page
    testdorp = client.get("/s/testdorp-inspraak").get_data(as_text=True)
    assert 'href="/s/testdorp-inspraak?lang=fy"' in testdorp and f"/s/{SLUG}?" not in testdorp
    question = start(client)  # testdorp-inspraak
    page = client.get(question).get_data(as_text=True)
    assert f'href="{question}?lang=fy"' in page and 'href="/s/testdorp-inspraak?lang=' not in page
