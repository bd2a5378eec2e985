"""``make run`` installs only when a setup file changed: the second start of an unchanged checkout serves in seconds.

The Makefile is asked what it would do (``make -n``) with a virtual environment of the test's own, whose
install stamp is made newer or older than the setup files.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SETUP_FILES = [ROOT / "setup.cfg", ROOT / "pyproject.toml", *sorted(ROOT.glob("plugins/*/setup.cfg"))]


def _dry_run(venv: Path) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-n", "run", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def venv(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    return venv


def _stamp(venv: Path, newest_setup_file_plus: float) -> None:
    """The stamp ``newest_setup_file_plus`` seconds after the newest setup file; the venv's python older than both."""
    newest = max(p.stat().st_mtime for p in SETUP_FILES)
    os.utime(venv / "bin" / "python", (newest - 3600,) * 2)
    (venv / ".installed").touch()
    os.utime(venv / ".installed", (newest + newest_setup_file_plus,) * 2)


def test_make_run_skips_pip_when_no_setup_file_changed(venv):
    _stamp(venv, +60)
    out = _dry_run(venv)
    assert "pip install" not in out, out
    assert f"{venv}/bin/ladder init-db" in out and f"{venv}/bin/ladder run" in out


def test_make_run_installs_when_a_setup_file_is_newer_than_the_stamp(venv):
    _stamp(venv, -60)
    out = _dry_run(venv)
    assert f"{venv}/bin/pip install --quiet -e ." in out, out
    assert out.index("pip install") < out.index("ladder run")


def test_make_run_installs_into_a_fresh_venv(venv):
    out = _dry_run(venv)  # no stamp yet: the first run installs
    assert "pip install" in out
