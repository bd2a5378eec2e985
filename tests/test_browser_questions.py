"""Question widgets in real Chromium: what a screen reader hears for scale points (Chromium's accessibility tree),
the area picker by keyboard and without JavaScript, the ranking's order and its row in error, the character count;
axe-core on each state in Dutch, Frisian and English."""
from __future__ import annotations

import re

import pytest
from browser_support import LiveServer, SLUG, axe_violations, click_and_load, describe_violations, path_of
from conftest import make_app

pytestmark = pytest.mark.browser


def radio_names(page) -> list[str]:
    """The accessible names Chromium gives the radios on the page, from its accessibility tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [n["name"]["value"] for n in nodes
            if not n.get("ignored") and n.get("role", {}).get("value") == "radio" and "name" in n]


def start(page, live, slug=SLUG, lang="nl"):
    page.goto(live.url(f"/s/{slug}?lang={lang}"))
    click_and_load(page, "button[value=start]")


def to_inspraak(page, live, lang="nl"):
    start(page, live, lang=lang)
    page.check("input[name=woonplaats][value=testdorp]")
    page.check("input[name=betrokken][value=soms]")
    click_and_load(page, "button[value=volgende]")
    assert path_of(page).endswith("/vraag/inspraak"), page.url


def assert_axe_clean(page, what):
    violations = axe_violations(page)
    assert not violations, f"axe-core on {what}:\n{describe_violations(violations)}"


@pytest.mark.parametrize("lang, of", [("nl", "van"), ("en", None), ("fy", None)])
def test_every_scale_point_has_an_accessible_name_with_its_end_words(new_context, live, lang, of):
    page = new_context().new_page()
    to_inspraak(page, live, lang)
    survey = live.app.extensions["ladder"].survey(SLUG)
    question = survey.question("gewenst")
    from ladder.text import pick
    low_words, high_words = (pick(question.options[k], lang) if isinstance(question.options[k], dict)
                             else question.options[k] for k in ("min_label", "max_label"))
    names = [name for name in radio_names(page) if re.match(r"^\d", name)]
    assert len(names) == 6, names
    word = of or re.match(r"^1 (\S+) 6", names[0]).group(1)  # "van" in Dutch, the catalogue's word otherwise
    assert names[0] == f"1 {word} 6, {low_words}"
    assert names[1:5] == [f"{n} {word} 6" for n in range(2, 6)]
    assert names[5] == f"6 {word} 6, {high_words}"
    assert_axe_clean(page, f"inspraak ({lang})")


def test_ranking_lists_the_order_while_choosing_and_marks_the_row_in_error(new_context, live):
    page = new_context().new_page()
    to_inspraak(page, live)
    page.check("input[name=huidig][value=raadplegen]")
    page.check("input[name=gewenst][value='4']")
    page.check("input[name=thema][value=groen]")
    click_and_load(page, "button[value=volgende]")
    order = page.locator("#q-prioriteiten-order")
    assert order.inner_text().strip() == "Nog geen plaatsen gekozen."
    page.select_option("#q-prioriteiten-3", "1")  # Een AED first
    page.select_option("#q-prioriteiten", "2")  # Bankjes second
    assert order.locator("li").all_inner_texts() == ["Een AED", "Bankjes"]
    assert order.get_attribute("aria-live") == "polite"
    # both Bankjes and Bloembakken on place 2: the error names Bloembakken's row and its link lands on it
    page.select_option("#q-prioriteiten-2", "2")
    page.fill("#q-kosten", "100")
    click_and_load(page, "button[value=volgende]")
    link = page.locator(".error-summary a")
    assert link.get_attribute("href") == "#q-prioriteiten-2"
    assert "‘Bankjes’ en bij ‘Bloembakken’" in link.inner_text()
    assert page.locator(".ranking-item--error select").get_attribute("id") == "q-prioriteiten-2"
    assert page.get_attribute("#q-prioriteiten-2", "aria-invalid") == "true"
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'q-prioriteiten-2'")
    assert_axe_clean(page, "ranking in error")


def test_character_count_counts_down_and_says_when_over(new_context, live):
    page = new_context().new_page()
    to_inspraak(page, live)
    page.check("input[name=huidig][value=raadplegen]")
    page.check("input[name=gewenst][value='4']")
    page.check("input[name=thema][value=groen]")
    click_and_load(page, "button[value=volgende]")
    limit = int(page.get_attribute("#q-toelichting-count", "data-limit"))
    assert "q-toelichting-count" in page.get_attribute("#q-toelichting", "aria-describedby").split()
    page.fill("#q-toelichting", "abc")
    assert page.inner_text("#q-toelichting-count") == f"Nog {limit - 3} tekens over."
    page.fill("#q-toelichting", "x" * (limit + 2))
    assert page.inner_text("#q-toelichting-count") == "2 tekens te veel."
    assert "character-count--over" in page.get_attribute("#q-toelichting-count", "class")


def test_character_count_without_javascript_states_the_limit(new_context, live):
    page = new_context(java_script_enabled=False).new_page()
    to_inspraak(page, live)
    page.check("input[name=huidig][value=raadplegen]")
    page.check("input[name=gewenst][value='4']")
    page.check("input[name=thema][value=groen]")
    click_and_load(page, "button[value=volgende]")
    assert re.fullmatch(r"Hoogstens \d+ tekens\.", page.inner_text("#q-toelichting-count"))


@pytest.fixture
def rotterdam(tmp_path):
    from conftest import skip_or_fail
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, EXTRA_PLUGINS=[])
    if "rotterdam-buurt-bestuurt" not in app.extensions["ladder"].surveys:
        skip_or_fail("bundled plugins not installed (make install)")
    server = LiveServer(app).start()
    yield server
    server.stop()


def test_area_picker_by_keyboard(new_context, rotterdam):
    page = new_context().new_page()
    start(page, rotterdam, "rotterdam-buurt-bestuurt")
    box = page.locator("#q-wijk")
    assert box.get_attribute("role") == "combobox"
    assert page.locator("select[name=wijk]").is_hidden()
    assert page.locator("label[for=q-wijk]").count() == 1  # the label now names the text box
    box.focus()
    page.keyboard.type("bospo")
    options = page.locator("#q-wijk-list [role=option]")
    assert options.all_inner_texts() == [t for t in options.all_inner_texts() if t.startswith("Bospolder")]
    assert options.count() == 1 and box.get_attribute("aria-expanded") == "true"
    assert page.locator(".autocomplete-status").inner_text() == "1 resultaat. Kies met de pijltjestoetsen."
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    page.keyboard.press("Enter")
    assert box.input_value().startswith("Bospolder")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.eval_on_selector("select[name=wijk]", "s => s.value") == "bospolder"
    assert_axe_clean(page, "area picker")
    click_and_load(page, "button[value=volgende]")
    assert "/vraag/wijk" not in path_of(page), page.locator(".error-summary").all_inner_texts()


def test_area_picker_without_javascript_is_a_grouped_select(new_context, rotterdam):
    page = new_context(java_script_enabled=False).new_page()
    start(page, rotterdam, "rotterdam-buurt-bestuurt")
    assert page.locator("select#q-wijk optgroup").count() >= 10
    page.select_option("#q-wijk", "bospolder")
    click_and_load(page, "button[value=volgende]")
    assert "/vraag/wijk" not in path_of(page)


@pytest.mark.parametrize("lang", ["nl", "fy", "en"])
def test_every_question_page_in_error_passes_axe_in_each_language(new_context, live, lang):
    """Each testdorp page sent empty (every widget with its error), in each language the survey offers."""
    page = new_context().new_page()
    start(page, live, lang=lang)
    assert page.get_attribute("html", "lang") == lang
    answers = [("woonplaats", "testdorp", "radio"), ("betrokken", "soms", "radio")], \
              [("huidig", "raadplegen", "radio"), ("gewenst", "4", "radio"), ("thema", "groen", "radio")], \
              [("kosten", "100", "fill"), ("prioriteiten", ["1", "2", ""], "rank")], [("opmerking", "", "fill")]
    for fields in answers:
        here = path_of(page)
        click_and_load(page, "button[value=volgende]")
        if path_of(page) == here:  # errors shown
            assert page.locator(".error-summary").count() == 1
            assert_axe_clean(page, f"{here} with errors ({lang})")
        else:
            page.goto(live.url(here))
        for name, value, how in fields:
            if how == "radio":
                page.check(f'input[name="{name}"][value="{value}"]')
            elif how == "rank":
                for i, position in enumerate(value):
                    page.locator(f"select[name={name}]").nth(i).select_option(position)
            else:
                page.fill(f"#q-{name}", value)
        click_and_load(page, "button[value=volgende]")
    assert path_of(page).endswith("/controleren"), page.url
    assert_axe_clean(page, f"check answers ({lang})")
