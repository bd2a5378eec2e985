"""A short run of ``make bench-cluster``'s cluster part: two gunicorn servers on one PostgreSQL database and
one Redis, resident submissions over both; a survey closed on one server, a worker killed with ``kill -9``,
a server restarted; afterwards every accepted response is stored exactly once and nothing else is."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ladder.testing import skip_or_fail

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.postgresql


def test_two_servers_one_database_close_kill_restart_and_every_accepted_response_stored_once(tmp_path):
    from bench.cluster import check_services
    missing = check_services()
    if missing:
        skip_or_fail("bench-cluster needs " + "; ".join(missing))
    output = tmp_path / "cluster.json"
    run = subprocess.run([sys.executable, "-m", "bench.cluster", "--parts", "cluster", "--duration", "8",
                          "--clients", "4", "--output", str(output)], cwd=ROOT, capture_output=True, text=True,
                         timeout=240)
    assert output.exists(), run.stdout + run.stderr
    c = json.loads(output.read_text())["cluster"]
    assert c["refused_on_other_server_at_once"] and c["probe_status"] == 409, c
    assert c["accepted_after_close"] == 0, c
    assert c["killed_worker"] and c["b_workers_after"] >= 1, c  # gunicorn replaced the killed worker
    assert c["restarted_at_s"] > c["restart_started_s"], c
    assert c["accepted"] > 20 and c["statuses"].get("409", 0) >= 1, c
    assert c["accepted"] == c["stored"] and c["lost"] == 0 and c["duplicates"] == 0, c
    assert c["stored_without_201"] == 0 and c["never_answered"] == 0, c
    assert run.returncode == 0, run.stdout + run.stderr
