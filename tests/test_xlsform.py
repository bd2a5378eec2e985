"""Surveys in and out as XLSForm (issue 14): the XPath subset as conditions, what does not map reported with
sheet, row and reason, the mapping sheet, and a round trip of every bundled survey."""
import tomllib

import pytest
from openpyxl import Workbook

from ladder import config
from ladder.plugins import load_registry
from ladder.survey_file import survey_from_dict
from ladder.text import text
from ladder.xlsform.xpath import Unsupported, constraint_to_options, relevant_to_condition
from ladder.xlsform.exporting import export_xlsform
from ladder.xlsform.importing import import_xlsform
from ladder.placing import mapping_place

REGISTRY = load_registry({k: getattr(config, k) for k in dir(config) if k.isupper()})


def workbook(path, survey, choices=(), settings=None, ladder=None):
    """Write a small XLSForm: each sheet a list of rows, the first row the headers."""
    book = Workbook()
    book.active.title = "survey"
    for row in survey:
        book.active.append(list(row))
    for name, rows in (("choices", choices), ("settings", settings or []), ("ladder", ladder or [])):
        if rows:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(list(row))
    book.save(path)
    return path


CHOICES = [("list_name", "name", "label::nl", "label::en"),
           ("janee", "ja", "Ja", "Yes"), ("janee", "nee", "Nee", "No"),
           ("thema", "groen", "Groen", "Green"), ("thema", "verkeer", "Verkeer", "Traffic"),
           ("thema", "spelen", "Spelen", "Play")]
SURVEY = [
    ("type", "name", "label::nl", "label::en", "hint::nl", "required", "relevant", "constraint", "parameters",
     "appearance"),
    ("begin group", "over_u", "Over u", "About you", None, None, None, None, None, None),
    ("note", "welkom", "Welkom bij deze vragenlijst.", "Welcome.", None, None, None, None, None, None),
    ("select_one janee", "kent", "Kent u het plan?", "Do you know the plan?", "Kies er één.", "yes", None, None,
     None, None),
    ("integer", "leeftijd", "Hoe oud bent u?", "How old are you?", None, "no", None, ". >= 16 and . <= 120", None,
     None),
    ("end group", None, None, None, None, None, None, None, None, None),
    ("begin group", "plan", "Het plan", "The plan", None, None, "${kent} = 'ja'", None, None, None),
    ("select_multiple thema", "themas", "Welke thema's?", "Which themes?", None, "yes", None,
     "count-selected(.) <= 2", None, None),
    ("range", "cijfer", "Welk cijfer?", "Which mark?", None, "yes", None, None, "start=1 end=10 step=1", None),
    ("rank thema", "volgorde", "Wat eerst?", "What first?", None, "yes", None, None, None, None),
    ("decimal", "bedrag", "Hoeveel euro?", "How many euros?", None, "no", "selected(${themas}, 'groen')", None,
     None, None),
    ("text", "toelichting", "Toelichting", "Explanation", None, "no",
     "not(${leeftijd} < 18) or count-selected(${themas}) > 0", "string-length(.) <= 500", None, "multiline"),
    ("end group", None, None, None, None, None, None, None, None, None),
]


@pytest.mark.parametrize("expression, condition", [
    ("${a} = 'ja'", {"question": "a", "equals": "ja"}),
    ("${a} != 'ja'", {"question": "a", "not_equals": "ja"}),
    ("${a} = 'x' or ${a} = 'y'", {"question": "a", "in": ["x", "y"]}),
    ("selected(${t}, 'groen')", {"question": "t", "contains": "groen"}),
    ("${n} >= 3 and ${n} <= 7", {"question": "n", "min": 3, "max": 7}),
    ("${n} > 3", {"question": "n", "min": 4}),
    ("5 >= ${n}", {"question": "n", "max": 5}),
    ("${a} != ''", {"question": "a", "answered": True}),
    ("count-selected(${t}) = 0", {"question": "t", "answered": False}),
    ("not(${a} = 'ja') and (selected(${t}, 'x') or ${n} <= 2)",
     {"all": [{"not": {"question": "a", "equals": "ja"}},
              {"any": [{"question": "t", "contains": "x"}, {"question": "n", "max": 2}]}]}),
])
def test_relevant_expressions_in_the_subset_become_conditions(expression, condition):
    assert relevant_to_condition(expression) == condition


@pytest.mark.parametrize("expression", [
    "${a} + 1 = 3", "string-length(${a}) > 3", "${a} = ${b}", "today() > '2020-01-01'", "${a} = 'x' and",
    "(${a} = 'x'", "${n} > 2.5", "count-selected(${t}) >= 2", "/data/a = 'x'",
])
def test_expressions_outside_the_subset_are_unsupported_with_a_reason(expression):
    with pytest.raises(Unsupported) as info:
        relevant_to_condition(expression)
    assert str(info.value)


def test_constraints_that_a_types_settings_express():
    assert constraint_to_options(". >= 0 and . <= 10", "number") == {"min": 0, "max": 10}
    assert constraint_to_options("string-length(.) <= 80", "short_text") == {"max_length": 80}
    assert constraint_to_options("count-selected(.) >= 1 and count-selected(.) <= 3", "multiple_choice") == \
        {"min_choices": 1, "max_choices": 3}
    with pytest.raises(Unsupported):
        constraint_to_options("regex(., '[0-9]+')", "short_text")


def test_a_small_form_imports_with_types_pages_conditions_languages_and_hints(tmp_path):
    path = workbook(tmp_path / "form.xlsx", SURVEY, CHOICES, settings=[("form_title", "form_id"),
                                                                        ("Inspraak", "inspraak")])
    imported = import_xlsform(path, municipality="Testgemeente")
    assert imported.unsupported == []
    survey = survey_from_dict(imported.data, question_types=REGISTRY.question_types)
    assert survey.slug == "inspraak" and survey.municipality == "Testgemeente"
    # 'bedrag' looks at 'themas' on the same group: it starts a page of its own (with the group's condition).
    assert [[q.id for q in p.questions] for p in survey.pages] == [
        ["kent", "leeftijd"], ["themas", "cijfer", "volgorde"], ["bedrag", "toelichting"]]
    assert [p.id for p in survey.pages] == ["over_u", "plan", "plan-2"]
    assert survey.pages[0].intro["nl"] == "Welkom bij deze vragenlijst."
    assert survey.pages[1].show_if == survey.pages[2].show_if == {"question": "kent", "equals": "ja"}
    q = {q.id: q for q in survey.questions}
    assert [q[i].type for i in q] == ["single_choice", "number", "multiple_choice", "scale", "ranking", "number",
                                     "long_text"]
    assert q["kent"].label["en"] == "Do you know the plan?" and q["kent"].help["nl"] == "Kies er één."
    assert q["kent"].required and not q["leeftijd"].required
    assert (q["leeftijd"].options["min"], q["leeftijd"].options["max"]) == (16, 120)
    assert q["themas"].options["max_choices"] == 2 and [c.value for c in q["themas"].choices] == \
        ["groen", "verkeer", "spelen"]
    assert (q["cijfer"].options["min"], q["cijfer"].options["max"]) == (1, 10)
    assert q["bedrag"].options["integer"] is False
    assert q["toelichting"].options["max_length"] == 500
    assert q["toelichting"].show_if == {"any": [{"not": {"question": "leeftijd", "max": 17}},
                                                 {"question": "themas", "answered": True}]}
    assert survey.locales == ("nl", "en")


def test_a_condition_on_the_same_page_starts_a_new_page(tmp_path):
    rows = [SURVEY[0], ("begin group", "g", "Groep", None, None, None, None, None, None, None),
            ("select_one janee", "a", "A?", None, None, "yes", None, None, None, None),
            ("text", "b", "B?", None, None, "yes", "${a} = 'ja'", None, None, None),
            ("end group",) + (None,) * 9]
    imported = import_xlsform(workbook(tmp_path / "f.xlsx", rows, CHOICES))
    assert [[q["id"] for q in p["questions"]] for p in imported.data["pages"]] == [["a"], ["b"]]
    survey_from_dict(imported.data, question_types=REGISTRY.question_types)


def test_what_does_not_map_is_reported_with_sheet_row_and_reason(tmp_path):
    rows = [SURVEY[0], ("text", "naam", "Naam", None, None, "yes", None, None, None, None),
            ("calculate", "som", None, None, None, None, None, None, None, None),
            ("geopoint", "plek", "Waar?", None, None, None, None, None, None, None),
            ("begin repeat", "kind", "Kind", None, None, None, None, None, None, None),
            ("text", "kindnaam", "Naam kind", None, None, None, None, None, None, None),
            ("end repeat",) + (None,) * 9,
            ("text", "x", "X", None, None, None, "today() > ${naam}", None, None, None),
            ("begin loop over lijst", "lus", "Lus", None, None, None, None, None, None, None),
            ("text", "inlus", "In de lus", None, None, None, None, None, None, None),
            ("end loop",) + (None,) * 9]
    imported = import_xlsform(workbook(tmp_path / "f.xlsx", rows))
    found = {(p.sheet, p.row): p.reason for p in imported.unsupported}
    assert set(found) == {("survey", 3), ("survey", 4), ("survey", 5), ("survey", 8), ("survey", 9)}
    assert "calculation" in found[("survey", 3)] and "geo" in found[("survey", 4)]
    assert "repeat" in found[("survey", 5)] and "fixed value" in found[("survey", 8)]
    assert [q["id"] for p in imported.data["pages"] for q in p["questions"]] == ["naam"]


def test_the_command_fails_on_unsupported_parts_unless_told_to_skip_them(sqlite_url, tmp_path):
    from conftest import make_app
    rows = [SURVEY[0], ("text", "naam", "Naam", None, None, "yes", None, None, None, None),
            ("calculate", "som", None, None, None, None, None, None, None, None)]
    form = workbook(tmp_path / "f.xlsx", rows)
    out = tmp_path / "s.toml"
    runner = make_app(sqlite_url, tmp_path).test_cli_runner()
    failed = runner.invoke(args=["import-xlsform", str(form), "-o", str(out)])
    assert failed.exit_code == 1 and "survey, row 3" in failed.output and not out.exists()
    done = runner.invoke(args=["import-xlsform", str(form), "-o", str(out), "--skip-unsupported", "--slug", "proef"])
    assert done.exit_code == 0, done.output
    data = tomllib.loads(out.read_text())
    assert data["slug"] == "proef" and data["pages"][0]["questions"][0]["id"] == "naam"


def test_the_ladder_sheet_gives_simple_placement(tmp_path):
    path = workbook(tmp_path / "f.xlsx", SURVEY, CHOICES, ladder=[
        ("question", "choice", "aspect", "rung"), ("kent", "ja", "huidig", "raadplegen"),
        ("kent", "nee", "huidig", "informeren"), ("themas", "groen", "gewenst", "coproduceren")])
    imported = import_xlsform(path)
    place = mapping_place(imported.mapping)
    placed = {p.aspect: p.rung for p in place({"kent": "nee", "themas": ["verkeer", "groen"]})}
    assert placed == {"huidig": "informeren", "gewenst": "coproduceren"}
    bad = import_xlsform(workbook(tmp_path / "g.xlsx", SURVEY, CHOICES, ladder=[
        ("question", "choice", "aspect", "rung"), ("onbekend", "ja", "huidig", "raadplegen")]))
    assert [(p.sheet, p.row) for p in bad.unsupported] == [("ladder", 2)]


def _normal(value):
    """Texts as {locale: text} without surrounding spaces, so 'x' and {nl = 'x'} compare equal."""
    if isinstance(value, str) or (isinstance(value, dict) and "nl" in value and all(isinstance(v, str)
                                                                                      for v in value.values())):
        return {k: v.strip() for k, v in text(value).items()} if value is not None else None
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _question(q):
    out = {k: _normal(v) for k, v in q.items() if not (k == "required" and v is True)}
    if q["type"] == "number" and q.get("integer") is True:
        del out["integer"]  # the default (docs/survey-files.rst)
    return out


@pytest.mark.parametrize("slug", sorted(REGISTRY.surveys))
def test_every_bundled_survey_survives_a_round_trip(slug, tmp_path):
    survey = REGISTRY.surveys[slug]
    export_xlsform(survey.definition, tmp_path / "form.xlsx")
    imported = import_xlsform(tmp_path / "form.xlsx")
    assert imported.unsupported == []
    again = survey_from_dict(imported.data, question_types=REGISTRY.question_types)
    before, after = survey.definition, imported.data
    assert [_normal({k: v for k, v in p.items() if k != "questions"}) for p in before["pages"]] == \
        [_normal({k: v for k, v in p.items() if k != "questions"}) for p in after["pages"]]
    assert [_question(q) for p in before["pages"] for q in p["questions"]] == \
        [_question(q) for p in after["pages"] for q in p["questions"]]
    assert _normal({k: v for k, v in before.items() if k != "pages"}) == \
        _normal({k: v for k, v in after.items() if k != "pages"})
    assert again.slug == survey.slug and again.locales == survey.locales


@pytest.mark.parametrize("slug", sorted(REGISTRY.surveys))
def test_exported_forms_are_valid_xlsforms_for_pyxform(slug, tmp_path):
    from pyxform.xls2xform import convert
    export_xlsform(REGISTRY.surveys[slug].definition, tmp_path / "form.xlsx")
    result = convert(xlsform=str(tmp_path / "form.xlsx"), validate=False)
    assert "<h:html" in result.xform and result.warnings == []


def test_a_fixed_choice_filter_keeps_its_choices_and_one_on_an_earlier_answer_is_reported(tmp_path):
    choices = [("list_name", "name", "label", "groep"), ("plek", "a", "Dorpshuis", "binnen"),
               ("plek", "b", "Sportveld", "buiten"), ("plek", "c", "Bibliotheek", "binnen")]
    rows = [("type", "name", "label", "choice_filter", "required"),
            ("select_one plek", "binnen", "Waar binnen?", "groep = 'binnen'", "yes"),
            ("select_one plek", "elders", "Waar anders?", "groep != 'binnen' or name = 'c'", "yes"),
            ("select_one plek", "volgend", "En dan?", "groep = ${binnen}", "yes")]
    imported = import_xlsform(workbook(tmp_path / "f.xlsx", rows, choices))
    questions = {q["id"]: q for p in imported.data["pages"] for q in p["questions"]}
    assert [c["value"] for c in questions["binnen"]["choices"]] == ["a", "c"]
    assert [c["value"] for c in questions["elders"]["choices"]] == ["b", "c"]
    assert [(p.row, "earlier answer" in p.reason) for p in imported.unsupported] == [(4, True)]


def test_the_export_command_writes_a_workbook_the_import_reads_back(sqlite_url, tmp_path):
    from conftest import make_app
    runner = make_app(sqlite_url, tmp_path).test_cli_runner()
    out = tmp_path / "molenwaard.xlsx"
    done = runner.invoke(args=["export-xlsform", "molenwaard-dorpsoverleg", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert import_xlsform(out).data["slug"] == "molenwaard-dorpsoverleg"
    missing = runner.invoke(args=["export-xlsform", "bestaat-niet", "-o", str(out)])
    assert missing.exit_code != 0 and "no survey" in missing.output
