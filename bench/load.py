"""A small closed-loop load generator: N threads, one new loopback connection per request.

gunicorn's sync workers close the connection after each response, so every request opens its own
(``Connection: close``), for both apps alike. A phase stops after ``requests`` requests or
``max_seconds``, whichever comes first; every request is recorded, failures included.
"""
from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    latency: float  # seconds, connect to last byte
    status: int | None  # None: no HTTP response (connection error, timeout)
    id: int | None = None  # the id in a 201 body
    error: str | None = None


@dataclass
class Phase:
    results: list[Result] = field(default_factory=list)
    elapsed: float = 0.0
    server_cpu_ms: float | None = None  # gunicorn master + workers, CPU ms per request
    client_cpu_ms: float | None = None  # this process (the load generator), CPU ms per request

    @property
    def ok(self) -> list[Result]:
        return [r for r in self.results if r.status == 201]

    def summary(self) -> dict:
        lat = sorted(r.latency for r in self.results)
        statuses: dict[str, int] = {}
        for r in self.results:
            key = str(r.status) if r.status is not None else "error"
            statuses[key] = statuses.get(key, 0) + 1
        n = len(self.results)
        return {
            "requests": n,
            "ok_201": len(self.ok),
            "not_201": n - len(self.ok),
            "statuses": statuses,
            "elapsed_s": round(self.elapsed, 3),
            "rps": round(len(self.ok) / self.elapsed, 1) if self.elapsed else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 2),
            "p95_ms": round(percentile(lat, 95) * 1000, 2),
            "p99_ms": round(percentile(lat, 99) * 1000, 2),
            "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else 0.0,
            "server_cpu_ms": None if self.server_cpu_ms is None else round(self.server_cpu_ms, 3),
            "client_cpu_ms": None if self.client_cpu_ms is None else round(self.client_cpu_ms, 3),
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil
    return sorted_values[int(rank) - 1]


def post_once(host: str, port: int, path: str, payload: bytes, timeout: float) -> Result:
    t0 = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.request("POST", path, body=payload,
                         headers={"Content-Type": "application/json", "Connection": "close"})
            resp = conn.getresponse()
            data = resp.read()
            status = resp.status
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - every failure is a counted result
        return Result(time.perf_counter() - t0, None, error=f"{type(exc).__name__}: {exc}")
    latency = time.perf_counter() - t0
    rid = None
    if status == 201:
        try:
            rid = json.loads(data)["id"]
        except (ValueError, KeyError, TypeError) as exc:
            return Result(latency, status, error=f"201 without an id: {exc}")
    return Result(latency, status, rid, None if status == 201 else data[:300].decode(errors="replace"))


def run_phase(host: str, port: int, path: str, payloads: list[bytes], *, requests: int, clients: int,
              max_seconds: float, timeout: float = 30.0, offset: int = 0) -> Phase:
    """Send up to ``requests`` POSTs from ``clients`` threads; payloads are used round-robin."""
    lock = threading.Lock()
    issued = 0
    phase = Phase()
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client():
        nonlocal issued
        mine: list[Result] = []
        start_gate.wait()
        while True:
            with lock:
                if issued >= requests or time.perf_counter() >= deadline[0]:
                    break
                i = issued
                issued += 1
            mine.append(post_once(host, port, path, payloads[(offset + i) % len(payloads)], timeout))
        with lock:
            phase.results.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    deadline[0] = t0 + max_seconds
    start_gate.wait()
    for t in threads:
        t.join()
    phase.elapsed = time.perf_counter() - t0
    return phase
