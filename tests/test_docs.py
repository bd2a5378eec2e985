"""The documentation builds without warnings, so a broken reference or table fails the suite."""
from pathlib import Path

from sphinx.cmd import build as sphinx  # a required test dependency (the docs extra): no skip

DOCS = Path(__file__).parents[1] / "docs"


def test_sphinx_builds_the_docs_without_warnings(tmp_path):
    status = sphinx.build_main(["-q", "-W", "-b", "html", str(DOCS), str(tmp_path / "html")])
    assert status == 0
    assert (tmp_path / "html" / "municipalities" / "rotterdam.html").exists()
    assert "register_surveys(app)" in (tmp_path / "html" / "plugin_hooks.html").read_text()
