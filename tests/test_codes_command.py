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


def run_ladder(tmp_path, *args, **env):
    """The `ladder` program as an officer runs it: settings from LADDER_* in the environment, not a test config."""
    import subprocess
    import sys
    from pathlib import Path

    from ladder.testing import migrate
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    migrate(url)
    env = {"LADDER_DATABASE_URL": url, "LADDER_SECRET_KEY": "x", "PATH": str(Path(sys.executable).parent),
           "HOME": str(tmp_path), "LADDER_INSTANCE_PATH": str(tmp_path / "instance"), **env}
    return subprocess.run([str(Path(sys.executable).parent / "ladder"), *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


BUNDLED_SLUG = "rotterdam-buurt-bestuurt"


def test_ladder_codes_to_a_file_takes_the_base_url_from_the_environment(tmp_path):
    """`ladder codes SLUG -o codes.csv` with LADDER_BASE_URL set, as docs/staff.rst tells an officer (issue 23:
    the links were relative, /s/rotterdam-buurt-bestuurt/uitnodiging#...)."""
    out = run_ladder(tmp_path, "codes", BUNDLED_SLUG, "--count", "2", "-o", "codes.csv",
                     LADDER_BASE_URL="https://inspraak.rotterdam.nl")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader((tmp_path / "codes.csv").open(encoding="utf-8")))
    assert len(rows) == 2
    for row in rows:
        assert row["adres"] == f"https://inspraak.rotterdam.nl/s/{BUNDLED_SLUG}"
        assert row["link"] == f"https://inspraak.rotterdam.nl/s/{BUNDLED_SLUG}/uitnodiging#{row['code']}"
    assert "BASE_URL" not in out.stderr


def test_ladder_codes_to_a_file_without_a_base_url_warns_on_the_terminal(tmp_path):
    out = run_ladder(tmp_path, "codes", BUNDLED_SLUG, "--count", "1", "-o", "codes.csv")
    assert out.returncode == 0, out.stderr
    assert "Warning: BASE_URL is not set, so the links are relative" in out.stderr
    assert "LADDER_BASE_URL" in out.stderr
    row = next(csv.DictReader((tmp_path / "codes.csv").open(encoding="utf-8")))
    assert row["link"].startswith(f"/s/{BUNDLED_SLUG}/uitnodiging#")
