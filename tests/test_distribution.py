"""Install and run ladder as a municipality's IT does: from built wheels, in a fresh environment.

One slow test (``-m slow``; ``make test`` and CI run it, ``-m "not slow"`` leaves it out): from a copy of
the checkout it builds the sdist and wheel of the core and of every bundled plugin with ``python -m build``
(the wheel from the sdist, so both must carry everything), checks them with ``twine check --strict`` and
looks inside; installs the wheels into a fresh virtual environment (no ``--system-site-packages``, no
checkout on the path, run from elsewhere); runs ``ladder init-db``; serves with gunicorn and answers the
probes, a survey in Frisian (the compiled catalogue) and its stylesheet; and writes a plugin with the
installed ``ladder new-plugin``, installs it with pip and runs its tests. Dependencies come from the package
index through the installers' caches (CI runs on the machine that ran ``make install-test``, so they are warm).

uv makes the build environments and installs the built wheels: the same standards (PEP 517 builds, the
wheels' own metadata, the same index) in a fifth of pip's time, which was half of this test. pip installs the
new plugin from its folder, as the tutorial does.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ladder.testing import skip_or_fail

ROOT = Path(__file__).parents[1]
CORE_SOURCE = ("ladder", "setup.cfg", "pyproject.toml", "README.md", "LICENSE")
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist", "*.pyc")
BUNDLED = sorted(p.parent.name for p in (ROOT / "plugins").glob("*/setup.cfg"))


def _run(args, cwd, env=None, timeout=900) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 and any(sign in done.stdout + done.stderr
                                    for sign in ("No matching distribution", "Failed to fetch")):
        skip_or_fail(f"the installer could not reach a package index: {done.stderr[-500:]}")
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _copy_checkout(target: Path) -> None:
    target.mkdir()
    for name in CORE_SOURCE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=IGNORE)
        else:
            shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "plugins", target / "plugins", ignore=IGNORE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
def test_the_wheels_install_serve_and_build_a_plugin_in_a_fresh_environment(tmp_path):
    started = time.monotonic()
    source, dist = tmp_path / "src", tmp_path / "dist"
    _copy_checkout(source)
    # the catalogues are compiled before the build, as `make dist` does (.mo files are not in git)
    _run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", source / "ladder" / "translations"],
         cwd=source)
    # each build in its own isolated environment, as ever; three at a time (they mostly wait on pip)
    folders = [source, *(source / "plugins" / name for name in BUNDLED)]
    outdirs = [tmp_path / "built" / str(number) for number in range(len(folders))]  # outside the sources
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda folder, out: _run([sys.executable, "-m", "build", "--installer", "uv", "--outdir", out,
                                                folder], cwd=tmp_path), folders, outdirs))
    dist.mkdir()
    for built_file in (f for out in outdirs for f in out.iterdir()):
        shutil.move(built_file, dist / built_file.name)
    built = sorted(p.name for p in dist.iterdir())
    _run([sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir())], cwd=tmp_path)
    sizes = {p.name: p.stat().st_size for p in sorted(dist.iterdir())}
    print(f"built in {time.monotonic() - started:.0f} s: "
          + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in sizes.items()))

    # what a municipality's IT installs: one wheel per distribution, with everything inside
    (core,) = dist.glob("participatieladder-*.whl")
    inside = set(zipfile.ZipFile(core).namelist())
    for needed in ("ladder/templates/base.html", "ladder/templates/resident/start.html",
                   "ladder/translations/fy/LC_MESSAGES/messages.mo", "ladder/translations/en/LC_MESSAGES/messages.mo",
                   "ladder/migrations/env.py", "ladder/migrations/versions/0001_responses_and_drafts.py",
                   "ladder/plugin_template/cookiecutter.json", "ladder/lint_jargon.toml"):
        assert needed in inside, needed
    assert any(name.startswith("ladder/static/") and name.endswith(".css") for name in inside)
    assert not any("__pycache__" in name for name in inside)
    for name in BUNDLED:
        (wheel,) = dist.glob(f"participatieladder_{name}-*.whl")
        names = zipfile.ZipFile(wheel).namelist()
        assert any(n.startswith(f"ladder_{name}/surveys/") and n.endswith(".toml") for n in names), names
        assert not any(n.startswith("tests/") for n in names), names
    assert len(built) == 2 * (1 + len(BUNDLED)), built  # a wheel and an sdist each

    # a fresh environment: nothing of this checkout or of the test's environment on the path
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python, ladder = env_dir / "bin" / "python", env_dir / "bin" / "ladder"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LADDER_", "PYTHON", "VIRTUAL_ENV", "PYTEST_"))}
    env["LADDER_INSTANCE_PATH"] = str(tmp_path / "instance")
    home = tmp_path / "elsewhere"
    home.mkdir()
    before = time.monotonic()
    # uv writes no bytecode (Python compiles what it imports on first use); it reads the same metadata pip does
    uv = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", python]
    _run([*uv, core], cwd=home, env=env)
    pulled = json.loads(_run([python, "-m", "pip", "list", "--format", "json"], cwd=home, env=env))
    print(f"install of the core wheel: {time.monotonic() - before:.0f} s, {len(pulled)} distributions in the "
          f"environment: {', '.join(sorted(p['name'] for p in pulled))}")
    _run([*uv, *sorted(dist.glob("participatieladder_*.whl")), "pytest"], cwd=home, env=env)
    where = _run([python, "-c", "import ladder; print(ladder.__file__)"], cwd=home, env=env).strip()
    assert where.startswith(str(env_dir)), where

    _run([ladder, "init-db"], cwd=home, env=env)
    report = json.loads(_run([ladder, "plugins", "--json"], cwd=home, env=env))
    status = {p["name"]: p["status"] for p in report["plugins"]}
    assert all(status.get(name) == "loaded" for name in BUNDLED), status

    # served by gunicorn from the environment, as the container image does
    port = _free_port()
    server = subprocess.Popen([env_dir / "bin" / "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                               "ladder.wsgi:app"], cwd=home, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if _get(f"{base}/-/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer /-/health within 30 s")
        ready = _get(f"{base}/-/ready")
        assert ready[0] == 200 and json.loads(ready[1])["status"] == "ok", ready
        status_code, page = _get(f"{base}/s/sudwest-fryslan-belangen?lang=fy")
        assert status_code == 200 and "Mear oer dizze fragelist" in page  # from the wheel's compiled catalogue
        stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert _get(f"{base}{stylesheet}")[0] == 200, stylesheet
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    # the installed ladder writes a plugin (the template is package data), which installs and passes its tests
    _run([ladder, "new-plugin", "voorbeelddorp", "-o", tmp_path / "work"], cwd=home, env=env)
    plugin = tmp_path / "work" / "participatieladder-voorbeelddorp"
    _run([python, "-m", "pip", "install", "--quiet", "--no-compile", plugin], cwd=home, env=env)
    out = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=plugin, env=env)
    assert " passed" in out and "failed" not in out and "error" not in out, out
    assert not (plugin / "conftest.py").exists()
    report = json.loads(_run([ladder, "plugins", "--json"], cwd=home, env=env))
    found = {p["name"]: p for p in report["plugins"]}
    assert found["voorbeelddorp"]["status"] == "loaded" and "register_surveys" in found["voorbeelddorp"]["hooks"]
    surveys = json.loads(_run([ladder, "surveys", "--json"], cwd=home, env=env))
    assert "voorbeelddorp-inspraak" in json.dumps(surveys)
    print(f"whole test: {time.monotonic() - started:.0f} s")
