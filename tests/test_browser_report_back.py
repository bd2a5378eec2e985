"""Report back in real headless Chromium (issue 12): /r/, the dashboard, the letters and the participatieverslag
of every bundled survey, with a few hundred seeded responses over several areas, at 320 and 1280 px: axe-core
(WCAG 2.1 A/AA), no sideways page scroll, chart text of 12 px or more, the Content-Security-Policy never
blocking anything (``new_context``). Without Chromium these tests skip, in CI they fail."""
from __future__ import annotations

import pytest
from browser_support import LiveServer, axe_violations, describe_violations, session_cookie

from conftest import make_app
from report_back_seed import publish, seed, set_status
from test_staff import signed_in

pytestmark = pytest.mark.browser

BUNDLED = ["haarlemmermeer-rollen-dorps-en-wijkraden", "molenwaard-dorpsoverleg", "rotterdam-participatiekompas",
           "rotterdam-buurt-bestuurt", "sudwest-fryslan-belangen", "zwijndrecht-dorpsraad-heerjansdam"]
WIDTHS = (320, 1280)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-back")
    app = make_app(f"sqlite:///{folder / 'ladder.sqlite3'}", folder, BASE_URL="https://inspraak.example.nl")
    for slug in BUNDLED:
        assert seed(app, slug, 240) == 240
        publish(app, slug)
        app.test_client().get(f"/r/{slug}")  # the first drawing protects every table (seconds): do it once here
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def staff_cookie(seeded):
    return session_cookie(signed_in(seeded.app, "admin", None))


def context(new_context, width, cookie=None):
    ctx = new_context(viewport={"width": width, "height": 900})
    ctx.set_default_timeout(60_000)  # a dashboard with a filter is computed on first view
    if cookie:
        ctx.add_cookies([cookie])
    return ctx


def check_page(page, name):
    """axe, no sideways scroll of the page itself, and chart text of at least 12 px as drawn."""
    failures = []
    violations = axe_violations(page)
    if violations:
        failures.append(f"{name}: axe\n{describe_violations(violations)}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        failures.append(f"{name}: page is {width}px wide in a {page.viewport_size['width']}px window")
    small = page.evaluate("""() => [...document.querySelectorAll('svg.bars text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize)).filter(s => s < 12)""")
    if small:
        failures.append(f"{name}: chart text of {min(small)} px")
    return failures


def cut_numbers(page) -> list[str]:
    """Cells of the tables meant to fit a phone (``table--fit``) whose number is cut off or that stick out."""
    return page.evaluate("""() => {
        const out = [];
        for (const table of document.querySelectorAll('table.table--fit')) {
            const box = table.closest('.table-scroll') || table.parentElement;
            if (table.getBoundingClientRect().width > box.clientWidth + 1)
                out.push(`${table.caption ? table.caption.textContent.trim() : 'table'}: ${Math.round(table.getBoundingClientRect().width)}px in ${box.clientWidth}px`);
            for (const cell of table.querySelectorAll('td.num'))
                if (cell.scrollWidth > cell.clientWidth + 1) out.push(`cell ${cell.textContent.trim()} cut`);
        }
        return out;
    }""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ("nl", "fy", "en"))
def test_public_results_of_every_bundled_survey(new_context, seeded, width, lang):
    page = context(new_context, width).new_page()
    failures = []
    for slug in BUNDLED:
        response = page.goto(seeded.url(f"/r/{slug}?lang={lang}"))
        assert response.status == 200
        assert page.locator("svg.bars").count() >= 1, slug
        failures += check_page(page, f"/r/{slug} ({lang}) at {width}")
        failures += [f"/r/{slug} ({lang}) at {width}: {c}" for c in cut_numbers(page)]
        # the chart names the rungs as the table beside it does, in the reader's language
        if page.locator("#ladder").count():
            first = page.locator("#ladder ~ figure svg.bars").first.text_content()
            table = page.locator("#ladder ~ div.table-scroll table.table--fit").first.locator("tbody th").all_inner_texts()
            missing = [name for name in table if name.split(". ", 1)[-1] not in first]
            if missing:
                failures.append(f"/r/{slug} ({lang}): chart lacks {missing}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_of_every_bundled_survey(new_context, seeded, staff_cookie, width):
    page = context(new_context, width, staff_cookie).new_page()
    failures = []
    for slug in BUNDLED:
        response = page.goto(seeded.url(f"/beheer/s/{slug}"))
        assert response.status == 200 and "/inloggen" not in page.url
        assert page.locator("section.summary.card").count() >= 1, slug
        failures += check_page(page, f"dashboard {slug} at {width}")
    # the filter works with the keyboard and without JavaScript: a plain GET form
    page.goto(seeded.url(f"/beheer/s/{BUNDLED[3]}"))
    page.select_option("#filter-kanaal", "online")
    page.focus("form.filters button")
    page.keyboard.press("Enter")
    page.wait_for_url("**kanaal=online**")
    assert "Gefilterd" in page.locator("main").inner_text()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", WIDTHS)
def test_letters_and_the_invitation_page(new_context, seeded, staff_cookie, width):
    page = context(new_context, width, staff_cookie).new_page()
    slug = BUNDLED[1]
    set_status(seeded.app, slug, "open")  # letters invite to an open survey (the fixture closed it to publish)
    try:
        _letters(page, new_context, seeded, slug, width)
    finally:
        set_status(seeded.app, slug, "closed")



def _letters(page, new_context, seeded, slug, width):
    page.goto(seeded.url(f"/beheer/s/{slug}"))
    page.fill("#count", "3")
    with page.expect_navigation():
        page.click("button[value=brieven]")
    assert page.locator("article.letter").count() == 3
    failures = check_page(page, f"letters at {width}")
    link = page.locator("article.letter").first.locator(".visually-hidden").last.inner_text().split(": ", 1)[1]
    code = page.locator(".letter__secret").first.inner_text().strip()
    assert link.endswith("#" + code) and link.startswith("https://inspraak.example.nl/")
    # the link's path on this server: the script copies the code from the fragment into the field
    resident = context(new_context, width).new_page()
    resident.goto(seeded.url(link.split("inspraak.example.nl", 1)[1]))
    assert resident.input_value("#q-invite_code") == code
    assert "#" not in resident.url  # taken out of the address bar and the history
    failures += check_page(resident, f"invitation at {width}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_participatieverslag(new_context, seeded, staff_cookie, width):
    ctx = context(new_context, width, staff_cookie)
    page = ctx.new_page()
    failures = []
    for slug in BUNDLED:
        response = ctx.request.get(seeded.url(f"/beheer/s/{slug}/participatieverslag"))
        assert response.status == 200 and "attachment" in response.headers["content-disposition"]
        page.set_content(response.text())
        assert page.locator("h2").count() >= 7
        failures += check_page(page, f"verslag {slug} at {width}")
    assert not failures, "\n".join(failures)
