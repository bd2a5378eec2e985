"""Prometheus metrics: requests, their latency, and submissions accepted or refused per survey.

Labels are bounded and say nothing about a resident: the Flask endpoint (not the path, which can hold a
draft code), the method, the status, the survey's slug, the channel and why a submission was refused.
Under gunicorn each worker counts for itself; with ``PROMETHEUS_MULTIPROC_DIR`` set (the container image
does) prometheus_client writes the counts to files there and ``exposition()`` adds the workers up.
"""
from __future__ import annotations

import functools
import logging
import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter("ladder_requests", "HTTP requests handled", ["endpoint", "method", "status"])
LATENCY = Histogram("ladder_request_duration_seconds", "Time to answer an HTTP request", ["endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
SUBMISSIONS = Counter("ladder_submissions", "Responses submitted, by survey, channel and outcome",
                      ["survey", "channel", "outcome"])

ACCEPTED = "accepted"
log = logging.getLogger(__name__)


def _never_failing(count):
    """Counting must not cost a resident a page or an answer (an unwritable PROMETHEUS_MULTIPROC_DIR, say):
    a failure is logged, once per process, and the request goes on."""
    @functools.wraps(count)
    def counted(*args, **kwargs):
        global _failed
        try:
            count(*args, **kwargs)
        except Exception:
            if not _failed:
                log.exception("metrics: could not count; requests go on uncounted")
            _failed = True
    return counted


_failed = False


@_never_failing
def submission(survey: str, channel: str, outcome: str) -> None:
    """Count one submission: ``outcome`` is ``accepted`` or why it was refused (``invalid``, ``closed``, ...)."""
    SUBMISSIONS.labels(survey=survey, channel=channel, outcome=outcome).inc()


@_never_failing
def request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(endpoint=endpoint, method=method, status=str(status)).inc()
    LATENCY.labels(endpoint=endpoint).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
