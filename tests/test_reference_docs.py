"""The reference pages name what the code has (issue 22): the built-in plugins, the fields of ``Summary`` and
``Exporter`` (docs/plugin_hooks.rst), and every public method and attribute of ``QuestionType`` and field of
``QuestionSummary`` (docs/question_types.rst). A name added to the code and not to the page fails here.

The tests read the classes, not file paths, so moving a module only changes an import below."""
import dataclasses
import inspect
import re
from pathlib import Path

from ladder import load_registry
from ladder.analysis.plugin_types import Exporter, Summary
from ladder.question_types import QuestionSummary, QuestionType

DOCS = Path(__file__).parents[1] / "docs"


def _terms(page: str) -> set[str]:
    """The terms of the page's definition lists: a line that is only ````name```` or ````name(args)````."""
    return set(re.findall(r"^``([\w.]+(?:\([\w, ]*\))?)``$", page, flags=re.MULTILINE))


def _section(page: str, heading: str) -> str:
    """The text under ``heading`` (a line of its own) up to the next heading of the same underline."""
    lines = page.splitlines()
    start = lines.index(heading)
    underline = lines[start + 1][0]
    end = next((i - 1 for i in range(start + 2, len(lines))
                if lines[i] and set(lines[i]) == {underline} and len(lines[i]) >= len(lines[i - 1])), len(lines))
    return "\n".join(lines[start:end])


def test_plugin_hooks_page_names_exactly_the_built_in_plugins():
    builtin = {name for name, info in load_registry({}).plugins.items() if info.default}
    assert builtin, "no built-in plugin registered"
    page = (DOCS / "plugin_hooks.rst").read_text()
    # the definition list after "Built-in features are plugins too": every term up to the next blank-line paragraph
    listing = page.split("Built-in features are plugins too", 1)[1].split("\n\n", 2)[1]
    listed = _terms(listing)
    assert listed == builtin, (f"docs/plugin_hooks.rst lists the built-in plugins {sorted(listed)}; "
                               f"registered are {sorted(builtin)}")


def test_plugin_hooks_page_documents_every_field_of_summary_and_exporter():
    page = (DOCS / "plugin_hooks.rst").read_text()
    for cls, hook in ((Summary, "register_summaries(app, config)"), (Exporter, "register_exporters(app, config)")):
        terms = _terms(_section(page, hook))
        missing = [f.name for f in dataclasses.fields(cls) if f.name not in terms]
        assert not missing, f"docs/plugin_hooks.rst, section {hook}: {cls.__name__} fields {missing} not described"


def _public(cls) -> list[str]:
    return sorted(name for name in dir(cls) if not name.startswith("_"))


def test_question_types_page_documents_every_public_method_and_attribute_of_question_type():
    """Each as a term of its own; a method with its exact parameters, like the hooks on the hook page."""
    terms = _terms((DOCS / "question_types.rst").read_text())
    missing = []
    for name in _public(QuestionType):
        member = inspect.getattr_static(QuestionType, name)
        if inspect.isfunction(member):
            params = list(inspect.signature(member).parameters)[1:]  # without self
            name = f"{name}({', '.join(params)})"
        if name not in terms:
            missing.append(name)
    assert not missing, f"docs/question_types.rst does not describe QuestionType's {missing}"


def test_question_types_page_documents_every_field_of_question_summary():
    page = (DOCS / "question_types.rst").read_text()
    described = set(re.findall(r"^\s+\* ``(\w+)``:", page, flags=re.MULTILINE))
    names = {f.name for f in dataclasses.fields(QuestionSummary)} | set(_public(QuestionSummary))
    missing = sorted(names - described)
    assert not missing, f"docs/question_types.rst does not describe QuestionSummary's {missing}"
