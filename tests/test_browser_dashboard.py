"""The staff dashboard as an officer meets it (issue 23), in real headless Chromium: the first 1280×800 screen
shows per aspect the offered rung and the shares wanting more, the same or less say; each chart marks the
offered rung (also in its text alternative); the rest waits behind a contents list and <details> that open
with the keyboard and without JavaScript; headings speak about residents, not to them; amounts read as money;
the "U zei, wij doen" form leads from its error summary to the fields. Without Chromium these tests skip, in
CI they fail."""
from __future__ import annotations

import re

import pytest
from browser_support import LiveServer, axe_violations, describe_violations, focused_matches, session_cookie

from conftest import make_app
from report_back_seed import seed
from test_staff import signed_in

pytestmark = pytest.mark.browser

# Two aspects of which one is compared with the offer and amounts in euros; one aspect worded to the resident;
# five aspects each with an offer of its own.
SURVEYS = ["molenwaard-dorpsoverleg", "rotterdam-buurt-bestuurt", "haarlemmermeer-rollen-dorps-en-wijkraden"]
# The dashboard was 16,700 px tall at 1280 px before the disclosures (Molenwaard: 16,7xx with 300 responses);
# everything is still there behind them. Molenwaard is now about 4,500; Haarlemmermeer's five aspects make five charts.
MAX_HEIGHT = 6000


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dashboard")
    app = make_app(f"sqlite:///{folder / 'ladder.sqlite3'}", folder)
    for slug in SURVEYS:
        assert seed(app, slug, 120) == 120
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def staff_cookie(seeded):
    return session_cookie(signed_in(seeded.app, "admin", None))


def open_page(new_context, seeded, cookie, path, width=1280, height=800, js=True):
    ctx = new_context(viewport={"width": width, "height": height}, java_script_enabled=js)
    ctx.set_default_timeout(60_000)
    ctx.add_cookies([cookie])
    page = ctx.new_page()
    assert page.goto(seeded.url(path)).status == 200
    assert "/inloggen" not in page.url
    return page


def expected_directions(app, slug) -> dict[str, dict[str, int]]:
    """Per compared aspect, how many responses were placed above, on and below the offered rung: from the
    response frame, not from the page."""
    from ladder import db, plans
    from ladder.analysis import response_frame
    with app.app_context():
        registry = app.extensions["ladder"]
        survey = registry.survey(slug)
        ladder = registry.ladders[survey.ladder]
        offer = plans.offer_for(db.session(), survey)
        frame = response_frame(db.engine(), survey, registry=registry)
        out = {}
        for aspect in survey.aspects:
            own = offer.for_aspect(aspect)
            if own is None or f"rung_{aspect}" not in frame.columns:
                continue
            level = ladder.rung(own.rung).level
            levels = [ladder.rung(r).level for r in frame[f"rung_{aspect}"].dropna()]
            out[survey.staff_aspect(aspect)] = {
                "offered": f"{level}. {ladder.rung(own.rung).title['nl']}",
                "more": sum(x > level for x in levels), "same": sum(x == level for x in levels),
                "less": sum(x < level for x in levels)}
        return out


@pytest.mark.parametrize("slug", SURVEYS)
def test_first_screen_shows_offered_rung_and_shares(new_context, seeded, staff_cookie, slug):
    page = open_page(new_context, seeded, staff_cookie, f"/beheer/s/{slug}")
    expected = expected_directions(seeded.app, slug)
    assert expected, f"{slug} compares no aspect with its offer"
    table = page.locator("table.table--offer")
    heads = table.locator("thead th").all_inner_texts()
    assert sorted(heads) == sorted(expected)
    for column, heading in enumerate(heads):
        want = expected[heading]
        assert table.locator("tr[data-direction=offered] td").nth(column).inner_text().strip() == want["offered"]
        for direction in ("more", "same", "less"):
            cell = table.locator(f"tr[data-direction={direction}] td").nth(column)
            shown = cell.inner_text().strip()
            assert re.search(rf"\({want[direction]}\)$", shown), (heading, direction, shown)
            box = cell.bounding_box()
            assert cell.is_visible() and box["y"] + box["height"] <= 800, \
                f"{heading} {direction} at {box} (below the first screen)"
    # Each compared aspect's chart marks the offered rung: a band behind its row, its label and the chart's name.
    for heading, want in expected.items():
        chart = page.locator("section.offer-chart", has=page.locator(f"h3:text-is('{heading}')")).locator("svg.bars")
        assert chart.locator("rect.bars__marked").count() == 1
        assert f"{want['offered']} (geboden)" in chart.locator("text").all_text_contents()
        assert chart.get_attribute("aria-label").endswith(f"geboden: {want['offered']}")
        assert chart.locator("title").text_content() == chart.get_attribute("aria-label")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MAX_HEIGHT, f"{slug}: the dashboard is {height} px tall at 1280 px"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_contents_and_disclosures_work_by_keyboard_without_javascript(new_context, seeded, staff_cookie):
    page = open_page(new_context, seeded, staff_cookie, f"/beheer/s/{SURVEYS[0]}", js=False)
    question = page.locator("details.details--question").first
    card = question.locator("section.summary.card")
    assert not card.is_visible()
    question.locator("summary").focus()
    page.keyboard.press("Enter")
    assert card.is_visible() and question.get_attribute("open") is not None
    # Every section of the contents list is on the page, and its link leads there.
    links = page.locator("nav.page-nav a")
    targets = [href for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))")]
    assert targets[0] == "#aanbod"
    for href in targets:
        assert page.locator(href).count() == 1, href
    page.locator("nav.page-nav a[href='#vragen']").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#vragen"
    assert page.locator("#vragen").bounding_box()["y"] < 100  # scrolled there


RESIDENT_VOICE = re.compile(r"\b(u|uw)\b", re.IGNORECASE)


@pytest.mark.parametrize("slug", SURVEYS)
def test_staff_headings_speak_about_residents(new_context, seeded, staff_cookie, slug):
    page = open_page(new_context, seeded, staff_cookie, f"/beheer/s/{slug}")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    # Where the page names an aspect: the offer table, the charts and their names, the tables per area.
    names = (page.locator("table.table--offer thead th, .offer-chart h3, table.table--rungs caption, "
                          "details[id^=ladder-] > summary").all_inner_texts()
             + page.locator(".offer-chart svg.bars").evaluate_all("ss => ss.map(s => s.getAttribute('aria-label'))"))
    assert len(names) >= 5
    aspects = [name for name in names if RESIDENT_VOICE.search(name)]
    assert not aspects, f"{slug}: headings in the resident's voice: {aspects}"
    if slug == "molenwaard-dorpsoverleg":
        assert "Hoe inwoners nu meedoen" in page.locator("main h3").all_inner_texts()


def test_amounts_read_as_money(new_context, seeded, staff_cookie):
    page = open_page(new_context, seeded, staff_cookie, f"/beheer/s/{SURVEYS[0]}")
    notes = page.locator("section.summary.card p.hint").all_text_contents()
    median = re.compile(r"Mediaan ([^,.]*[0-9](?:\.[0-9]{3})*(?:,[0-9]{2})?)")
    medians = [median.search(n).group(1) for n in notes if "Mediaan" in n]
    amounts = [m for m in medians if m.startswith("€")]
    assert len(amounts) == 2, medians  # the two euro questions of Molenwaard
    assert all(re.fullmatch(r"€\xa0[0-9]{1,3}(\.[0-9]{3})*(,[0-9]{2})?", m) for m in amounts), amounts


def test_report_back_form_error_summary_leads_to_fields(new_context, seeded, staff_cookie):
    slug = SURVEYS[1]
    page = open_page(new_context, seeded, staff_cookie, f"/beheer/s/{slug}/terugkoppeling")
    assert not page.locator("input[type=date]").count()  # day, month and year boxes, no browser date picker
    page.fill("#decision", "We zetten er twintig afvalbakken bij.")
    page.fill("#due_on-dag", "31")
    page.fill("#due_on-maand", "2")
    page.fill("#due_on-jaar", "2027")
    page.locator("form:has(#topic) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.title().startswith("Fout: ")
    summary = page.locator(".error-summary")
    assert summary.bounding_box()["y"] < 300  # at the top
    hrefs = summary.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["#topic", "#due_on-dag"]
    # what was typed stays
    assert [page.input_value(f"#due_on-{p}") for p in ("dag", "maand", "jaar")] == ["31", "2", "2027"]
    assert page.input_value("#decision") == "We zetten er twintig afvalbakken bij."
    summary.locator("a[href='#due_on-dag']").focus()
    page.keyboard.press("Enter")
    assert focused_matches(page, "#due_on-dag") or page.evaluate("location.hash") == "#due_on-dag"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
