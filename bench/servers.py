"""Start and stop one gunicorn server per app, on a free loopback port, logging into the temp dir."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    app_spec: str
    port: int
    log: Path
    proc: subprocess.Popen

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start(name: str, app_spec: str, env_extra: dict[str, str], workdir: Path, workers: int,
          pythonpath: list[str] = ()) -> Server:
    """Run ``gunicorn app_spec`` with sync workers from ``workdir``; imports look in ``pythonpath``
    first, then in this checkout (for ``bench``); the environment is ours less LADDER_*/BENCH_*,
    plus ``env_extra``."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LADDER_", "BENCH_"))}
    env.update(env_extra)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([*map(str, pythonpath), str(ROOT)]))
    log = workdir / f"{name}-gunicorn.log"
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
           "--bind", f"{HOST}:{port}", "--chdir", str(workdir), "--backlog", "2048",
           "--log-level", "warning", "--error-logfile", "-", app_spec]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=workdir,
                                start_new_session=True)
    return Server(name, app_spec, port, log, proc)


def wait_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    """Poll ``GET path`` until it answers 200, failing early if gunicorn exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name}: gunicorn exited with {server.proc.returncode}\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name}: not ready after {timeout:.0f} s\n{server.log_tail()}")


def stop(server: Server, timeout: float = 30.0) -> None:
    """Graceful stop (SIGTERM to the gunicorn master: workers finish what they have), then wait."""
    if server.proc.poll() is not None:
        return
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)  # our own session, started by us
        server.proc.wait()


def cpu_seconds(server: Server) -> float | None:
    """User + system CPU seconds used so far by the gunicorn master and its workers (Linux /proc)."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(entry.name), int(fields[1])
            if pid == server.proc.pid or ppid == server.proc.pid:
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick
    except (OSError, ValueError, AttributeError):
        return None
