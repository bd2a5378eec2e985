"""Survey files: loading checks every key and names file, key and reason."""
from pathlib import Path

import pytest

from ladder import SurveyFileError, load_survey
from ladder.question_types import BUILTIN_TYPES

TESTDORP = Path(__file__).parent / "plugins" / "testdorp.toml"
TYPES = {t.name: t for t in BUILTIN_TYPES}


def write(tmp_path, text):
    path = tmp_path / "survey.toml"
    path.write_text(text, encoding="utf-8")
    return path


def minimal(extra_page="", extra_top=""):
    return f'''slug = "proef"
municipality = "Proefgemeente"
title = "Proef"
intro = "Intro"
purpose = "Doel"
retention = "Een jaar"
{extra_top}
[[pages]]
id = "een"
title = "Een"
[[pages.questions]]
id = "vraag"
type = "short_text"
label = "Vraag?"
{extra_page}
'''


def test_testdorp_survey_loads_with_every_type():
    survey = load_survey(TESTDORP, question_types=TYPES)
    assert survey.slug == "testdorp-inspraak"
    assert {q.type for q in survey.questions} == set(TYPES)
    assert survey.question("gewenst").options == {"min": 1, "max": 6, "min_label": "alleen informatie",
                                                  "max_label": "zelf regelen"}
    assert survey.area("proefwijk").name["fy"] == "Proefwyk"


def test_version_changes_when_the_definition_changes(tmp_path):
    a = load_survey(write(tmp_path, minimal()))
    b = load_survey(write(tmp_path, minimal().replace('label = "Vraag?"', 'label = "Andere vraag?"')))
    assert a.version != b.version
    assert a.version == load_survey(write(tmp_path, minimal())).version


@pytest.mark.parametrize("change, key, reason", [
    (lambda s: s.replace('slug = "proef"', 'slug = "Proef Survey"'), "slug", "lower-case"),
    (lambda s: s.replace('purpose = "Doel"\n', ''), "purpose", "missing"),
    (lambda s: s + 'colour = "blue"\n', "pages[0].questions[0]", "unknown setting 'colour'"),
    (lambda s: s.replace('retention = "Een jaar"', 'retentie = "Een jaar"'), "retentie", "unknown key"),
    (lambda s: s.replace('type = "short_text"', 'type = "kleur"'), "pages[0].questions[0].type", "unknown question type"),
    (lambda s: s.replace('title = "Proef"', 'title = { en = "Test" }'), "title.nl", "every text needs Dutch"),
    (lambda s: s.replace('id = "vraag"', 'id = "vraag 1"'), "pages[0].questions[0].id", "column name"),
    (lambda s: s + 'show_if = { question = "vraag", equals = "x" }\n', "pages[0].questions[0].show_if",
     "not asked before this point"),  # a question's own answer, or a later one, cannot decide it
    (lambda s: s.replace('slug = "proef"', 'slug = "proef"\nstatus = "maybe"'), "status", "open, closed or draft"),
    (lambda s: s.replace('slug = "proef"', 'slug = "proef"\nresults_expected = "voorjaar"'), "results_expected",
     "must be a date"),
    (lambda s: s + "[[pages.questions]]\nid = \"vraag\"\ntype = \"short_text\"\nlabel = \"x\"\n",
     "pages[0].questions[1].id", "used twice"),
    (lambda s: s.replace('title = "Proef"', 'title = "Proef'), "-", "not valid TOML"),
])
def test_errors_name_file_key_and_reason(tmp_path, change, key, reason):
    path = write(tmp_path, change(minimal()))
    with pytest.raises(SurveyFileError) as info:
        load_survey(path, question_types=TYPES)
    assert info.value.path == str(path)
    assert info.value.key == key
    assert reason in info.value.reason
    assert str(path) in str(info.value)


def test_skip_logic_on_an_earlier_page_is_accepted(tmp_path):
    text = minimal() + '''
[[pages]]
id = "twee"
title = "Twee"
show_if = { question = "vraag", answered = true }
[[pages.questions]]
id = "tweede"
type = "short_text"
label = "Tweede?"
show_if = { any = [{ question = "vraag", equals = "ja" }, { not = { question = "vraag", in = ["nee"] } }] }
'''
    survey = load_survey(write(tmp_path, text), question_types=TYPES)
    assert survey.pages[1].show_if == {"question": "vraag", "answered": True}


def test_area_question_needs_areas(tmp_path):
    text = minimal().replace('type = "short_text"', 'type = "area"')
    with pytest.raises(SurveyFileError, match="needs the survey to list its areas"):
        load_survey(write(tmp_path, text), question_types=TYPES)


def test_staff_aspects_name_aspects_on_staff_pages(tmp_path):
    top = 'aspects = { huidig = "Hoe u nu meedoet", gewenst = "Hoe u wilt meedoen" }\n' \
          'staff_aspects = { huidig = "Hoe inwoners nu meedoen" }\n'
    survey = load_survey(write(tmp_path, minimal(extra_top=top)))
    assert survey.staff_aspect("huidig") == "Hoe inwoners nu meedoen"
    assert survey.staff_aspect("gewenst") == "Hoe u wilt meedoen"  # without a staff heading: the label
    wrong = top.replace("staff_aspects = { huidig", "staff_aspects = { vroeger")
    with pytest.raises(SurveyFileError) as raised:
        load_survey(write(tmp_path, minimal(extra_top=wrong)))
    assert (raised.value.key, raised.value.reason) == ("staff_aspects.vroeger", "no aspect 'vroeger' in [aspects]")
