"""Staff pages and the public results page in real headless Chromium.

The whole story (sign in and publish by keyboard alone, a resident answering in between), axe-core
(WCAG 2.1 A/AA) on every staff and results page, and the staff forms without JavaScript.
Without Chromium these tests skip, in CI they fail (see ``skip_or_fail``).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import (ANSWERS, SLUG, active, answer_survey, axe_violations, click_and_load,
                             describe_violations, focus_lands_on, focused_matches, path_of, press_and_load,
                             press_tab_expect, second_factor, shown_secret, sign_in, table_rows, tab_to)
from report_back_seed import set_status
from staff_signin import code_for, stored_secret

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/ladder-shots")
OTHER = "anderdorp-inspraak"
PASSWORD = "een lang wachtwoord"
RESULTS_TEXT = "We leggen in 2027 een speeltuin aan in Proefwijk."
RESULTS_MORE = "In het voorjaar praten we verder op de dorpsavond."


# ---------------------------------------------------------------- helpers

def as_shown(count) -> str:
    """A published count as the page writes it: the JSON's None (hidden by the cell-key noise) reads "verborgen"."""
    return "verborgen" if count is None else str(count)


def add_user(live, email, role, municipality="Testgemeente", link=False):
    """A staff account made with ``ladder users add`` on the live app; with ``link`` the set-password path."""
    args = ["users", "add", email, "--role", role] + (["--municipality", municipality] if municipality else [])
    if link:
        result = live.app.test_cli_runner().invoke(args=args + ["--link"])
    else:
        result = live.app.test_cli_runner().invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    if link:
        return re.search(r"(/beheer/wachtwoord#\S+)", result.output).group(1)
    return email


def assert_at(page, path):
    assert path_of(page).split("#")[0].split("?")[0] == path, f"expected {path}, browser is at {page.url}"


def fill_date(page, field, day, month, year):
    """Type a date into the day, month and year boxes of a date input (staff/_date_input.html)."""
    for part, value in (("dag", day), ("maand", month), ("jaar", year)):
        page.fill(f"#{field}-{part}", value)


def fact(page, term):
    """The <dd> after the dashboard's <dt> ``term``."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").inner_text().strip()


def rung_table(page, caption_start):
    """{area: {rung title: cell}} of the rung table whose caption starts with ``caption_start``."""
    table = page.locator("table.table--rungs", has=page.locator(f"caption:text-matches('^{caption_start}')"))
    assert table.count() == 1, f"{table.count()} rung tables with a caption starting {caption_start!r}"
    heads = [h.removesuffix(" (geboden)") for h in table.locator("thead th").all_inner_texts()[1:]]
    rows = table.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim()))")
    return {row[0]: dict(zip(heads, row[1:])) for row in rows}


def api_answer(context, live, area, gewenst, huidig="raadplegen"):
    body = {"answers": {"woonplaats": area, "betrokken": "nooit", "huidig": huidig, "gewenst": gewenst,
                        "thema": ["groen"]}, "locale": "nl"}
    response = context.request.post(live.url(f"/api/v1/surveys/{SLUG}/responses"), data=body)
    assert response.status == 201, response.text()
    return response.json()["receipt"]


def error_summary_leads_to(page, field_id):
    """The error summary has focus, and Enter on its link moves focus to the field."""
    assert focus_lands_on(page, ".error-summary"), f"focus after an error is on {active(page)}"
    press_tab_expect(page, f".error-summary a[href='#{field_id}']")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{field_id}'")


def no_horizontal_page_scroll(page):
    """The page itself never scrolls sideways (wide tables scroll inside their own region)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => !e.parentElement.closest('.table-scroll'))
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${(e.innerText || '').slice(0, 40)}`)""")
    assert width <= page.viewport_size["width"], \
        f"page is {width}px wide in a {page.viewport_size['width']}px window: {wide}"


# ---------------------------------------------------------------- tests

def test_editor_signs_in_and_publishes_by_keyboard_and_residents_see_the_results(new_context, live):
    editor_email = add_user(live, "redacteur@example.org", "editor")
    staff = new_context().new_page()

    # Sign in with the keyboard alone: Tab to the e-mail field, type, Tab, type, Enter.
    staff.goto(live.url("/beheer/inloggen"))
    tab_to(staff, "#email")
    staff.keyboard.type(editor_email)
    press_tab_expect(staff, "#password")
    staff.keyboard.type(PASSWORD)
    press_and_load(staff, "Enter")
    # The first sign-in sets up the second factor, still by keyboard: the key is on the page as text.
    assert_at(staff, "/beheer/inloggen/instellen")
    secret = shown_secret(staff)
    tab_to(staff, "#code")
    staff.keyboard.type(code_for(secret))
    press_and_load(staff, "Enter")
    assert staff.locator("h1").inner_text() == "Uw herstelcodes"
    tab_to(staff, "main a.button")
    press_and_load(staff, "Enter")
    assert_at(staff, "/beheer/")
    assert staff.locator(".signed-in").inner_text().startswith(editor_email)
    assert OTHER not in staff.content()  # another municipality's survey is not listed

    # Open the survey's dashboard from the list, still by keyboard: no responses yet.
    tab_to(staff, f"a[href='/beheer/s/{SLUG}']")
    press_and_load(staff, "Enter")
    assert_at(staff, f"/beheer/s/{SLUG}")
    assert staff.locator("h1").inner_text() == "Inspraak in Testdorp"
    assert fact(staff, "Antwoorden") == "0"
    assert fact(staff, "Uitkomsten openbaar") == "nee"
    assert staff.locator("#table-per-area").count() == 0
    assert "Nog geen plaatsingen." in staff.locator("main").inner_text()

    # A resident, in a browser of their own, answers the survey through the form.
    resident = new_context().new_page()
    receipt = answer_survey(resident, live.base)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt)
    # Before publication the result page points at the results page, which says: not yet.
    click_and_load(resident, "main a:text-is('de uitkomstenpagina')")
    assert_at(resident, f"/r/{SLUG}")
    assert "nog niet bekendgemaakt" in resident.locator("main").inner_text()
    resident.go_back()

    # The editor reloads: one response, in Proefwijk, on the rungs the answers give.
    staff.reload()
    assert fact(staff, "Antwoorden") == "1"
    assert fact(staff, "Afgerond") == "100%"
    # The tables wait behind disclosures (issue 23): open them as a reader would, close them again after.
    staff.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    assert table_rows(staff, "#table-per-area") == [["Proefwijk", "1"]]
    assert [day for day, n in table_rows(staff, "#table-per-day")] and table_rows(staff, "#table-per-day")[-1][1] == "1"
    now = rung_table(staff, "Nu")
    wanted = rung_table(staff, "Wat u wilt")
    assert list(now) == ["Proefwijk"] and list(wanted) == ["Proefwijk"]
    assert now["Proefwijk"]["Raadplegen"] == "1" and sum(map(int, now["Proefwijk"].values())) == 1
    assert wanted["Proefwijk"]["Coproduceren"] == "1" and sum(map(int, wanted["Proefwijk"].values())) == 1
    staff.evaluate("document.querySelectorAll('main details').forEach(d => d.open = false)")

    # Publish the results with the keyboard alone.
    tab_to(staff, f"a[href='/beheer/s/{SLUG}/uitkomsten']", limit=80)
    press_and_load(staff, "Enter")
    assert_at(staff, f"/beheer/s/{SLUG}/uitkomsten")
    tab_to(staff, "#results_text")
    staff.keyboard.type(RESULTS_TEXT)
    staff.keyboard.press("Enter")  # a new line in the text area, not a submit
    staff.keyboard.press("Enter")
    staff.keyboard.type(RESULTS_MORE)
    assert_at(staff, f"/beheer/s/{SLUG}/uitkomsten")
    press_tab_expect(staff, "#results_text_fy")  # the survey offers Frisian and English: beside the Dutch text
    staff.keyboard.type("Tank foar it meidwaan.")
    press_tab_expect(staff, "#results_text_en")  # left empty: residents reading English see the Dutch text
    press_tab_expect(staff, "#next_rung-informeren")  # no rung chosen yet: Tab lands on the first
    for _ in range(3):
        staff.keyboard.press("ArrowDown")  # raadplegen, adviseren, coproduceren
    assert staff.eval_on_selector("input[name=next_rung]:checked", "el => el.value") == "coproduceren"
    press_tab_expect(staff, "button[value=publiceren]")
    press_and_load(staff, "Enter")
    assert_at(staff, f"/beheer/s/{SLUG}")
    # Results stay sealed while the survey is open: the text is kept, the numbers wait for the close.
    assert "De cijfers verschijnen op de openbare pagina als de vragenlijst sluit." in \
        staff.locator(".notice").inner_text()
    set_status(live.app, SLUG, "closed")
    staff.reload()
    assert fact(staff, "Uitkomsten openbaar") == "ja, bekijk de openbare pagina"

    # The resident's result page now links to the results of everyone.
    resident.reload()
    assert_at(resident, f"/s/{SLUG}/resultaat")
    click_and_load(resident, "main a:text-is('Bekijk de uitkomsten van iedereen')")
    assert_at(resident, f"/r/{SLUG}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    resident.screenshot(path=str(SHOTS / "staff-results-one-response.png"), full_page=True)
    paragraphs = resident.locator(".prose p").all_inner_texts()
    assert paragraphs == [RESULTS_TEXT, RESULTS_MORE], paragraphs
    assert resident.locator(".panel h3").inner_text() == "Zo doet u de volgende keer mee: Coproduceren"
    main = resident.locator("main").inner_text()
    # One response: the page shows the publication's numbers (each off by up to 3), the same as its JSON,
    # so a single answer is never certain from the page.
    data = live.app.test_client().get(f"/r/{SLUG}.json").get_json()
    total = data["responses"]
    said = f"In totaal: {total} antwoorden." if total is not None else "Het aantal antwoorden laten we niet zien."
    assert said in main
    areas = {r["id"]: r["cells"]["count"] for r in data["tables"][0]["rows"]}
    shown = dict(tuple(row) for row in table_rows(resident, "main table.table--fit"))
    assert shown["Proefwijk"] == as_shown(areas["proefwijk"]) and shown["Testdorp"] == as_shown(areas["testdorp"])
    captions = resident.locator("#ladder ~ div.table-scroll table.table--fit caption").all_inner_texts()
    assert [c.split(":")[0] for c in captions] == ["Nu", "Wat u wilt"], captions  # survey order
    assert ANSWERS["toelichting"] not in main  # free text of residents is never public


def test_axe_finds_no_violations_on_any_staff_or_results_page(new_context, live):
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures, audited = {}, []

    def audit(page, name, status=None, response=None):
        if status is not None:
            assert response is not None and response.status == status, \
                f"{name}: expected HTTP {status}, got {response and response.status}"
        audited.append(name)
        violations = axe_violations(page)
        if violations:
            failures[f"{name} ({path_of(page)})"] = describe_violations(violations)

    add_user(live, "redacteur@example.org", "editor")
    analyst_email = add_user(live, "analist@example.org", "analyst")
    admin_email = add_user(live, "beheerder@example.org", "admin", municipality=None)

    # Responses over both areas, one withdrawn, one resident who stopped on the first page.
    public = new_context()
    for area, gewenst, n in (("testdorp", 4, 6), ("testdorp", 2, 1), ("proefwijk", 3, 2)):
        for _ in range(n):
            last = api_answer(public, live, area, gewenst)
    anon = public.new_page()
    anon.goto(live.url(f"/s/{SLUG}"))
    click_and_load(anon, "button[value=start]")

    # Sign-in page: empty, after a wrong password, and throttled after five failures (of its own account).
    throttled = add_user(live, "vergeetachtig@example.org", "editor")
    page = new_context().new_page()
    audit(page, "login", 200, page.goto(live.url("/beheer/inloggen")))
    audit(page, "login, wrong password", 401, sign_in(page, live, throttled, "fout wachtwoord!"))
    assert page.title().startswith("Fout:")
    page.screenshot(path=str(SHOTS / "staff-login-error.png"), full_page=True)
    error_summary_leads_to(page, "email")
    assert page.input_value("#email") == throttled  # kept; the password is not
    for _ in range(4):
        assert sign_in(page, live, throttled, "fout wachtwoord!").status == 401
    audit(page, "login, throttled", 429, sign_in(page, live, throttled, PASSWORD))
    assert "Te veel pogingen" in page.locator("main").inner_text()

    # Set-password page from a one-time link, and its error state.
    link = add_user(live, "nieuw@example.org", "analyst", link=True)
    audit(page, "set password", 200, page.goto(live.url(link)))
    # The code after "#" reached the form by script and left the address bar (issue 24).
    assert page.input_value("#token") == link.split("#", 1)[1] and "#" not in page.url
    page.fill("#password", PASSWORD)
    page.fill("#password_again", "iets anders dan dat")
    audit(page, "set password, mismatch", 422, click_and_load(page, "form button[type=submit]"))
    error_summary_leads_to(page, "password")
    assert "niet gelijk" in page.locator("#password-error").inner_text()

    # The results page before publication.
    audit(anon, "results, not yet published", 200, anon.goto(live.url(f"/r/{SLUG}")))

    # Editor: home, dashboard with every form, withdraw for a resident, publish with and without text.
    # The editor's first sign-in sets up the second factor: the page, a wrong code, the recovery codes.
    editor = new_context().new_page()
    editor.goto(live.url("/beheer/inloggen"))
    editor.fill("#email", "REDACTEUR@example.org")  # the address in any case
    editor.fill("#password", PASSWORD)
    audit(editor, "second factor, set up", 200, click_and_load(editor, "form:has(#email) button[type=submit]"))
    assert_at(editor, "/beheer/inloggen/instellen")
    assert editor.locator("svg.qr[role=img]").is_visible()
    secret = shown_secret(editor)
    editor.fill("#code", "12345")
    audit(editor, "second factor, set up, wrong code", 401, click_and_load(editor, "form:has(#code) button[type=submit]"))
    error_summary_leads_to(editor, "code")
    editor.fill("#code", code_for(secret))
    audit(editor, "recovery codes", 200, click_and_load(editor, "form:has(#code) button[type=submit]"))
    assert editor.locator("ul.recovery-codes li").count() == 10
    click_and_load(editor, "main a.button")
    assert_at(editor, "/beheer/")
    audit(editor, "home (editor)")
    audit(editor, "dashboard (editor)", 200, editor.goto(live.url(f"/beheer/s/{SLUG}")))
    assert fact(editor, "Antwoorden") == "9"
    # withdrawing has its own confirm page (issue 12)
    audit(editor, "withdraw, confirm page", 200, editor.goto(live.url(f"/beheer/s/{SLUG}/intrekken/bevestigen")))
    editor.fill("#code", last)
    audit(editor, "dashboard after withdrawing (notice)", 200,
          click_and_load(editor, "form:has(#code) button[type=submit]"))
    assert "De antwoorden zijn ingetrokken." in editor.locator(".notice").inner_text()
    assert fact(editor, "Antwoorden") == "8" and fact(editor, "Ingetrokken") == "1"
    editor.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    assert table_rows(editor, "#table-per-area") == [["Proefwijk", "1"], ["Testdorp", "7"]]
    assert table_rows(editor, "#table-drop-off")[0] == ["Over u", "1"]
    for width in (1280, 375):
        editor.set_viewport_size({"width": width, "height": 800})
        editor.screenshot(path=str(SHOTS / f"staff-dashboard-{width}.png"), full_page=True)
        no_horizontal_page_scroll(editor)
    editor.set_viewport_size({"width": 1280, "height": 720})

    audit(editor, "publish", 200, editor.goto(live.url(f"/beheer/s/{SLUG}/uitkomsten")))
    editor.fill("#results_text", RESULTS_TEXT)
    audit(editor, "publish, no rung", 422, click_and_load(editor, "button[value=publiceren]"))
    error_summary_leads_to(editor, "next_rung-informeren")
    assert editor.input_value("#results_text") == RESULTS_TEXT  # the text is kept
    editor.fill("#results_text", "")
    editor.check("#next_rung-adviseren")
    audit(editor, "publish, no text", 422, click_and_load(editor, "button[value=publiceren]"))
    editor.screenshot(path=str(SHOTS / "staff-publish-error.png"), full_page=True)
    error_summary_leads_to(editor, "results_text")
    assert editor.get_attribute("#results_text", "aria-invalid") == "true"
    assert editor.is_checked("#next_rung-adviseren")  # the choice is kept
    editor.fill("#results_text", RESULTS_TEXT)
    click_and_load(editor, "button[value=publiceren]")
    assert_at(editor, f"/beheer/s/{SLUG}")
    audit(editor, "publish again (with withdraw button)", 200, editor.goto(live.url(f"/beheer/s/{SLUG}/uitkomsten")))
    assert editor.input_value("#results_text") == RESULTS_TEXT
    audit(editor, "403 (editor on the audit log)", 403, editor.goto(live.url("/beheer/audit")))
    audit(editor, "404 (another municipality's survey)", 404, editor.goto(live.url(f"/beheer/s/{OTHER}")))

    # The results page once published and the survey closed (results stay sealed while it is open).
    audit(anon, "results, sealed while open", 200, anon.goto(live.url(f"/r/{SLUG}")))
    set_status(live.app, SLUG, "closed")
    audit(anon, "results, published", 200, anon.goto(live.url(f"/r/{SLUG}")))
    data = live.app.test_client().get(f"/r/{SLUG}.json").get_json()
    assert table_rows(anon, "main table.table--fit") == [
        [r["label"]["nl"], as_shown(r["cells"]["count"])] for r in data["tables"][0]["rows"]]
    for width in (1280, 375):
        anon.set_viewport_size({"width": width, "height": 800})
        anon.screenshot(path=str(SHOTS / f"staff-results-{width}.png"), full_page=True)
        no_horizontal_page_scroll(anon)
    anon.set_viewport_size({"width": 1280, "height": 720})

    # Analyst: the dashboard without the forms; changing things is forbidden.
    analyst = new_context().new_page()
    sign_in(analyst, live, analyst_email)
    audit(analyst, "home (analyst)")
    audit(analyst, "dashboard (analyst)", 200, analyst.goto(live.url(f"/beheer/s/{SLUG}")))
    assert analyst.locator("main form[method=post]").count() == 0  # only the filter (a GET form)
    audit(analyst, "403 (analyst on the publish page)", 403, analyst.goto(live.url(f"/beheer/s/{SLUG}/uitkomsten")))

    # Admin: every municipality, and the audit log.
    admin = new_context().new_page()
    sign_in(admin, live, admin_email)
    assert_at(admin, "/beheer/")
    assert OTHER in admin.content() and SLUG in admin.content()
    audit(admin, "home (admin)")
    audit(admin, "audit log (admin)", 200, admin.goto(live.url("/beheer/audit")))
    log = admin.locator("main table").inner_text()
    for action in ("Inloggen mislukt", "Ingelogd", "Antwoorden ingetrokken", "Uitkomsten openbaar gemaakt"):
        assert action in log, action
    admin.select_option("#actie", "sign-in")
    audit(admin, "audit log, filtered (admin)", 200, click_and_load(admin, "form.filters button[type=submit]"))
    assert set(admin.locator("main tbody td:nth-child(3)").all_inner_texts()) == {"Ingelogd"}

    # A later sign-in asks for a code from the app: the page, and a wrong code.
    again = new_context().new_page()
    again.goto(live.url("/beheer/inloggen"))
    again.fill("#email", "redacteur@example.org")
    again.fill("#password", PASSWORD)
    audit(again, "second factor, code", 200, click_and_load(again, "form:has(#email) button[type=submit]"))
    assert_at(again, "/beheer/inloggen/code")
    again.fill("#code", "12345")
    audit(again, "second factor, wrong code", 401, click_and_load(again, "form:has(#code) button[type=submit]"))
    error_summary_leads_to(again, "code")
    again.fill("#code", code_for(stored_secret(live.app, "redacteur@example.org")))
    click_and_load(again, "form:has(#code) button[type=submit]")
    assert_at(again, "/beheer/")
    audit(admin, "404 (unknown staff page)", 404, admin.goto(live.url("/beheer/bestaat-niet")))

    assert len(audited) == 30, audited
    assert not failures, "axe-core (WCAG 2.1 A/AA) found violations:\n" + "\n".join(
        f"{name}:\n{text}" for name, text in failures.items())


def test_staff_pages_work_without_javascript(new_context, live):
    email = add_user(live, "zonder-js@example.org", "editor")
    staff = new_context(java_script_enabled=False).new_page()
    resident = new_context(java_script_enabled=False).new_page()

    assert sign_in(staff, live, email).status == 200
    assert_at(staff, "/beheer/")
    click_and_load(staff, f"a[href='/beheer/s/{SLUG}']")
    assert fact(staff, "Status").startswith("open")

    # Close the survey: residents get the closed page with 409.
    staff.check("#status-closed")
    click_and_load(staff, "form:has(#status-closed) button[type=submit]")
    assert_at(staff, f"/beheer/s/{SLUG}")
    assert "De status is opgeslagen." in staff.locator(".notice").inner_text()
    assert fact(staff, "Status").startswith("gesloten")
    assert staff.is_checked("#status-closed")
    closed = resident.goto(live.url(f"/s/{SLUG}"))
    assert closed.status == 409
    assert resident.locator("h1").inner_text() == "Deze vragenlijst is gesloten"
    assert "niet meer invullen" in resident.locator("main").inner_text()

    # A window that ends before it starts is refused with a message; nothing changes.
    staff.check("#status-open")
    fill_date(staff, "opens_on", "31", "12", "2026")
    fill_date(staff, "closes_on", "1", "1", "2026")
    click_and_load(staff, "form:has(#status-closed) button[type=submit]")
    assert "einddatum na de begindatum" in staff.locator(".notice").inner_text()
    assert fact(staff, "Status").startswith("gesloten")

    # Reopen: residents can start again.
    staff.check("#status-open")
    fill_date(staff, "opens_on", "", "", "")
    fill_date(staff, "closes_on", "", "", "")
    click_and_load(staff, "form:has(#status-closed) button[type=submit]")
    assert fact(staff, "Status") == "open"
    reopened = resident.goto(live.url(f"/s/{SLUG}"))
    assert reopened.status == 200
    assert resident.locator("button[value=start]").is_visible()

    # Publishing and signing out work without JavaScript too.
    staff.goto(live.url(f"/beheer/s/{SLUG}/uitkomsten"))
    staff.fill("#results_text", RESULTS_TEXT)
    staff.check("#next_rung-raadplegen")
    click_and_load(staff, "button[value=publiceren]")
    resident.goto(live.url(f"/r/{SLUG}"))
    assert "nog niet bekendgemaakt" in resident.locator("main").inner_text()  # sealed while open
    staff.goto(live.url(f"/beheer/s/{SLUG}"))
    staff.check("#status-closed")
    click_and_load(staff, "form:has(#status-closed) button[type=submit]")
    resident.goto(live.url(f"/r/{SLUG}"))
    assert RESULTS_TEXT in resident.locator(".prose").inner_text()
    click_and_load(staff, ".signed-in button[type=submit]")
    assert_at(staff, "/beheer/inloggen")
    assert "U bent uitgelogd." in staff.locator(".notice").inner_text()
    staff.goto(live.url(f"/beheer/s/{SLUG}"))
    assert_at(staff, "/beheer/inloggen")
    assert "Log in om deze pagina te zien." in staff.locator(".notice").inner_text()
    # Signing in from there, even after a wrong password, leads back to the page asked for.
    staff.fill("#email", email)
    staff.fill("#password", "fout wachtwoord!")
    assert click_and_load(staff, "form:has(#email) button[type=submit]").status == 401
    staff.fill("#password", PASSWORD)
    second_factor(staff, live, email, click_and_load(staff, "form:has(#email) button[type=submit]"))
    assert_at(staff, f"/beheer/s/{SLUG}")
