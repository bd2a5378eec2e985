"""The documentation builds without warnings, so a broken reference or table fails the suite."""
from pathlib import Path

from sphinx.cmd import build as sphinx  # a required test dependency (the docs extra): no skip

DOCS = Path(__file__).parents[1] / "docs"


def test_sphinx_builds_the_docs_without_warnings(tmp_path):
    status = sphinx.build_main(["-q", "-W", "-b", "html", str(DOCS), str(tmp_path / "html")])
    assert status == 0
    assert (tmp_path / "html" / "municipalities" / "rotterdam.html").exists()
    assert "register_surveys(app)" in (tmp_path / "html" / "plugin_hooks.html").read_text()


def test_the_doctests_in_the_plugin_docs_run():
    """The ``>>>`` examples in plugin_hooks.rst (reading a ladder's rung order) give what they show."""
    import doctest

    for page in ("plugin_hooks.rst",):
        result = doctest.testfile(str(DOCS / page), module_relative=False, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, page


def test_lifecycle_states_have_one_set_of_names():
    """Code names draft/open/closed and the staff's labels concept/open/gesloten, as the tutorial's table says."""
    import re

    table = (DOCS / "tutorial.rst").read_text()
    rows = dict(re.findall(r"^``(\w+)``\s+(\w+)\s{2,}", table, flags=re.MULTILINE))
    assert rows == {"draft": "concept", "open": "open", "closed": "gesloten"}
    templates = Path(__file__).parents[1] / "ladder" / "templates" / "staff"
    for name in ("home.html", "dashboard.html"):
        mappings = re.findall(r'\{("draft": [^}]*)\}', (templates / name).read_text())
        assert mappings, name
        for mapping in mappings:
            assert dict(re.findall(r'"(\w+)": _\("(\w+)"\)', mapping)) == rows, name
    # a survey file takes exactly the code names
    from ladder import BUILTIN_TYPES, SurveyFileError, load_survey
    source = (DOCS / "tutorial" / "participatieladder-voorbeelddorp" / "ladder_voorbeelddorp" / "surveys" /
              "voorbeelddorp-speeltuin.toml").read_text()
    types = {t.name: t for t in BUILTIN_TYPES}
    for status in rows:
        assert load_survey_text(source, f'status = "{status}"', types).status == status
    for label in ("concept", "gesloten"):
        try:
            load_survey_text(source, f'status = "{label}"', types)
        except SurveyFileError:
            continue
        raise AssertionError(f"status {label!r} (a label) was accepted as a state")


def load_survey_text(source, line, types):
    import tempfile

    from ladder import load_survey
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.toml"
        path.write_text(line + "\n" + source)
        return load_survey(path, question_types=types)
