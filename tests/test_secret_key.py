"""The instance's secret key: created once, atomically, even when many workers start at the same moment."""
import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ladder.web.security import instance_secret

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 8
TRIALS = 25


def _start_worker(instance, barrier, results):
    barrier.wait()  # every worker asks for the key at the same moment, as gunicorn's workers do
    try:
        results.put(instance_secret(Path(instance)))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(f"error: {type(exc).__name__}: {exc}")


def start_at_once(instance: Path, workers: int = WORKERS) -> list[str]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_start_worker, args=(str(instance), barrier, results)) for _ in range(workers)]
    for p in procs:
        p.start()
    keys = [results.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(10)
    return keys


def test_many_workers_starting_at_once_on_a_fresh_instance_folder_share_one_non_empty_key(tmp_path):
    for trial in range(TRIALS):
        instance = tmp_path / f"instance-{trial}"
        instance.mkdir()
        keys = start_at_once(instance)
        stored = (instance / "secret_key").read_text()
        assert len(set(keys)) == 1, f"trial {trial}: {len(set(keys))} different keys: {keys}"
        assert keys[0] == stored.strip() and len(keys[0]) >= 32, f"trial {trial}: {keys[0]!r} / {stored!r}"
        assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
        assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temporary file left behind


def test_a_second_start_reads_the_same_key(tmp_path):
    first = instance_secret(tmp_path)
    assert instance_secret(tmp_path) == first


def test_an_empty_key_file_is_never_used(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="secret_key is empty"):
        instance_secret(tmp_path)


def test_real_app_processes_started_together_agree_on_the_key(tmp_path):
    """The same through ``create_app`` in separate interpreters (no fork), as ``gunicorn --preload`` off."""
    script = ("import os, sys; from ladder import create_app; "
              "print(create_app(instance_path=sys.argv[1]).secret_key)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADDER_")}
    env["LADDER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    instance = tmp_path / "instance"
    procs = [subprocess.Popen([sys.executable, "-c", script, str(instance)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-500:] for _out, err in outputs]
    keys = {out.strip().splitlines()[-1] for out, _err in outputs}
    assert keys == {(instance / "secret_key").read_text().strip()}
