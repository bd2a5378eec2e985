"""Slugs are ASCII and no two look alike (issue 24): checked in survey files, plugins' surveys and uploads."""
import io

import pytest

from conftest import make_app
from ladder.plugins import Registry, _add, PluginConflict
from ladder.slugs import is_slug, look_alike
from ladder.survey_file import SurveyFileError, survey_from_dict
from test_resident import token
from test_staff import signed_in
from test_xlsform import CHOICES, SURVEY, workbook

CYRILLIC = "r\u043etterdam-buurt-bestuurt"  # a Cyrillic "о"


@pytest.mark.parametrize("slug, ok", [
    ("rotterdam-buurt-bestuurt", True), ("a1", True), (CYRILLIC, False), ("Rotterdam", False),
    ("caf\u00e9", False), ("\u0661\u0662", False), ("-a", False), ("a--b", False), ("a b", False), ("", False),
    ("a" * 101, False)])
def test_a_slug_is_lower_case_ascii_letters_digits_and_single_hyphens(slug, ok):
    assert is_slug(slug) is ok


def test_the_survey_file_refuses_a_slug_with_a_cyrillic_letter():
    data = {"slug": CYRILLIC, "title": "T", "municipality": "Rotterdam", "intro": "i", "purpose": "p",
            "retention": "r", "pages": []}
    with pytest.raises(SurveyFileError, match="lower-case letters a-z"):
        survey_from_dict(data)


@pytest.mark.parametrize("new, existing", [("testd0rp-inspraak", "testdorp-inspraak"), ("1eiden-wijk", "leiden-wijk"),
                                           ("testdorpinspraak", "testdorp-inspraak"), ("wijk-rnoerdijk", "wijk-moerdijk"),
                                           ("vvoerden", "woerden"), ("testdorp-insp-raak", "testdorp-inspraak")])
def test_slugs_that_look_alike_are_found(new, existing):
    assert look_alike(new, [existing, "anderdorp-inspraak"]) == existing


def test_slugs_that_differ_are_not_look_alikes():
    assert look_alike("testdorp-inspraak", ["testdorp-inspraak", "anderdorp-inspraak", "testdorp-enquete"]) is None


def test_the_registry_refuses_a_second_survey_that_looks_like_the_first():
    registry = Registry(pm=None, plugins={})
    _add(registry, "surveys", "rotterdam-buurt", object(), "first")
    with pytest.raises(PluginConflict, match="looks like survey 'rotterdam-buurt'"):
        _add(registry, "surveys", "r0tterdam-buurt", object(), "second")


def test_an_uploaded_xlsform_whose_slug_looks_like_an_existing_survey_is_refused(tmp_path, sqlite_url):
    form = workbook(tmp_path / "form.xlsx", SURVEY, CHOICES, settings=[("form_title", "form_id"),
                                                                        ("Inspraak", "testd0rp-inspraak")])
    app = make_app(sqlite_url, tmp_path)
    editor = signed_in(app, "editor")
    page = editor.get("/beheer/xlsform")
    response = editor.post("/beheer/xlsform", data={
        "csrf_token": token(page.data), "municipality": "Testgemeente",
        "form_file": (io.BytesIO(form.read_bytes()), "form.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Er is al een vragenlijst met de naam testdorp-inspraak." in response.get_data(as_text=True)
