"""Endpoints for whoever runs ladder: liveness, readiness and Prometheus metrics.

``/-/health`` answers as long as the process serves requests (a liveness probe restarts it otherwise);
``/-/ready`` answers 200 only when the database is reachable and at this code's newest migration (or at a
newer release's, during a rolling update) and, when the throttle's store is Redis, Redis answers too (a readiness probe stops sending residents to it otherwise).
Neither says why a check failed (an exception can name hosts): the log does. ``/-/metrics`` is off unless
``METRICS_TOKEN`` is set, and then asks for it as a bearer token, so residents' traffic is not public.
"""
from __future__ import annotations

import functools
import hmac
import logging
import time

from flask import Blueprint, abort, current_app, g, jsonify, request

from ... import db, metrics

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)
OK, FAILED = "ok", "failed"


@bp.get("/-/health")
def health():
    return jsonify({"status": OK})


@bp.get("/-/ready")
def ready():
    checks = {"database": _database(), "migrations": _migrations()}
    throttle = current_app.extensions.get("ladder_throttle")
    if throttle is not None and throttle.redis is not None:
        checks["redis"] = _redis(throttle)
    ready_ = all(result == OK for result in checks.values())
    return jsonify({"status": OK if ready_ else FAILED, "checks": checks}), 200 if ready_ else 503


@bp.get("/-/metrics")
def prometheus():
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return jsonify({"error": "bearer token required"}), 401, {"WWW-Authenticate": "Bearer"}
    body, content_type = metrics.exposition()
    return current_app.response_class(body, mimetype=None, content_type=content_type)


def _database() -> str:
    try:
        with db.engine().connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception:
        log.exception("readiness: the database is not reachable")
        return FAILED
    return OK


def _migrations() -> str:
    # alembic is imported at the first probe, not at every process start (tests/test_app_start.py)
    from alembic.runtime.migration import MigrationContext
    try:
        with db.engine().connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception:
        log.exception("readiness: could not read the database's migration")
        return FAILED
    known, heads = _revisions()
    if current == heads:
        return OK
    if current and not current <= known:
        # a newer release's migration (a rolling update): this code keeps serving, see docs/deploy.rst
        log.info("readiness: the database is at %s, newer than this code's %s", sorted(current), sorted(heads))
        return OK
    log.error("readiness: the database is at %s, the code expects %s: run `ladder init-db`",
              sorted(current) or "no migration", sorted(heads))
    return FAILED


@functools.cache
def _revisions() -> tuple[set[str], set[str]]:
    """Every migration this code ships and the newest ones (read once: they change only with the code)."""
    from alembic.script import ScriptDirectory

    from ...migrate import alembic_config
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {script.revision for script in scripts.walk_revisions()}, set(scripts.get_heads())


def _redis(throttle) -> str:
    # a client of its own with short timeouts: an unreachable host must fail the probe, not hang it
    client = current_app.extensions.get("ladder.ops_redis")
    if client is None:
        import redis
        client = current_app.extensions["ladder.ops_redis"] = redis.Redis.from_url(
            throttle.uri, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except Exception:
        log.exception("readiness: Redis is not reachable")
        return FAILED
    return OK


def init_app(app) -> None:
    """Count every request by endpoint (never by path: a path can hold a draft code), method and status."""
    app.register_blueprint(bp)

    @app.before_request
    def _start():
        g.ops_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("ops_started", None)
        if started is not None:
            metrics.request(request.endpoint or "unmatched", request.method, response.status_code,
                            time.perf_counter() - started)
        return response
