"""One publication (issue 19): no module outside ``ladder.publication`` computes or hides a published number.

Renderers (``/r/`` and its JSON, the verslag, ``ladder summary``'s text) only format the publication's
tables: they import nothing that counts, shares, perturbs or suppresses, their templates do no
arithmetic, and only the publication package reaches its own builder, audit and cell keys.
"""
import re
from pathlib import Path

from test_structure import PACKAGE, imports_of, module_name

RENDERERS = ["web/views/results.py", "publication/verslag.py", "publication/text.py"]
RENDER_TEMPLATES = ["templates/results/show.html", "templates/results/_publication.html",
                    "publication/templates/verslag.html"]
# What computes or hides numbers: the frame and its summaries, disclosure control, intervals, weights, the
# dashboard's outcomes, the publication's own builder, audit and cell keys, and the libraries they use.
COMPUTING = ("ladder.analysis", "ladder.outcomes", "ladder.dashboard", "ladder.publication.build",
             "ladder.publication.audit", "ladder.publication.cellkey", "ladder.publication.represent",
             "pandas", "numpy", "scipy", "highspy")
# Formatting only: numbers and dates in Dutch words, SVG bars of a table's own numbers.
FORMATTING = ("ladder.analysis.report", "ladder.analysis.charts")
INSIDE = ("ladder.publication.build", "ladder.publication.audit", "ladder.publication.cellkey",
          "ladder.publication.represent")


def forbidden_imports(path: Path) -> list[str]:
    return sorted(m for m in imports_of(path)
                  if m.startswith(COMPUTING) and not m.startswith(FORMATTING))


def test_renderers_import_nothing_that_computes_or_hides_a_number():
    for name in RENDERERS:
        assert forbidden_imports(PACKAGE / name) == [], name


def test_the_check_catches_a_renderer_that_hides_or_counts_by_itself(tmp_path, monkeypatch):
    import test_structure
    planted = tmp_path / "ladder" / "views" / "results.py"
    planted.parent.mkdir(parents=True)
    planted.write_text((PACKAGE / "web/views/results.py").read_text()
                       + "\nfrom ..analysis.disclosure import protect\nimport pandas as pd\n"
                       + "def later():\n    from ..outcomes import of\n    from ..publication.audit import protect\n")
    monkeypatch.setattr(test_structure, "PACKAGE", tmp_path / "ladder")
    found = forbidden_imports(planted)
    assert {"ladder.analysis.disclosure", "pandas", "ladder.outcomes", "ladder.publication.audit"} <= set(found)


def test_only_the_publication_reaches_its_builder_audit_and_cell_keys():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        if name.startswith("ladder.publication"):
            continue
        bad = sorted({m for m in imports_of(path) if m.startswith(INSIDE)} - {"ladder.publication"})
        if bad:
            offenders.append((name, bad[0]))
    # the dashboard shows staff the same representativeness rule on the responses now (never published)
    assert offenders == [("ladder.web.views.staff_report", "ladder.publication.represent")]


def test_no_view_hides_numbers_with_its_own_disclosure_control():
    for path in (PACKAGE / "views").glob("*.py"):
        assert not [m for m in imports_of(path) if m.startswith("ladder.analysis.disclosure")], path.name


STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
EXPRESSION = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
ARITHMETIC = re.compile(r"(?<![\w\]])[-+*/%](?![\w\[(]*=)|\bsum\b|\bround\b|\|\s*(max|min|abs)\b")


def arithmetic_in(template: str) -> list[str]:
    found = []
    for match in EXPRESSION.finditer(template):
        code = STRING.sub("''", match.group(1) or match.group(2) or "")
        code = code.strip().strip("-")  # whitespace control: {%- and -%}
        if re.search(r"[\w)\]]\s*[-+*/%]\s*[\w(]|\bsum\b|\bround\b", code):
            found.append(code.strip())
    return found


def test_the_templates_that_show_published_numbers_do_no_arithmetic():
    for name in RENDER_TEMPLATES:
        assert arithmetic_in((PACKAGE / name).read_text()) == [], name


def test_the_arithmetic_check_catches_sums_and_differences():
    assert arithmetic_in("{{ row.cells.count - other }}") and arithmetic_in("{{ rows | sum(attribute='n') }}")
    assert arithmetic_in("{% set total = a + b %}") and arithmetic_in("{{ (n / total) | percent }}")
    assert not arithmetic_in('{{ _("tussen 1 - 2") }}{{ "q-" ~ loop.index }}{%- if x -%}')


def test_every_public_results_route_is_served_by_the_renderer(app):
    public = [r for r in app.url_map.iter_rules() if r.rule.startswith("/r/")]
    assert public and all(r.endpoint.startswith("results.") for r in public)
