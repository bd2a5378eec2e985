"""`ladder codes` writes full links for the letters when BASE_URL is set, and says so when it is not (issue 23)."""
from __future__ import annotations

import csv
import io

from conftest import make_app

SLUG = "testdorp-inspraak"


def test_codes_are_full_links_with_a_base_url(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, BASE_URL="https://inspraak.testgemeente.nl/")
    result = app.test_cli_runner().invoke(args=["codes", SLUG, "--count", "2"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["adres"] for r in rows] == [f"https://inspraak.testgemeente.nl/s/{SLUG}"] * 2
    assert all(r["link"] == f"https://inspraak.testgemeente.nl/s/{SLUG}/uitnodiging#{r['code']}" for r in rows)
    assert result.stderr == ""


def test_codes_without_a_base_url_warn_that_the_links_are_relative(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, BASE_URL="")
    result = app.test_cli_runner().invoke(args=["codes", SLUG, "--count", "1"])
    assert result.exit_code == 0
    assert list(csv.DictReader(io.StringIO(result.stdout)))[0]["adres"] == f"/s/{SLUG}"
    assert "BASE_URL is not set" in result.stderr
