"""`/healthz`: whether this app instance can reach its database and its cache."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.health import worker_state

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while this instance can serve (database and cache); the background worker's
    state is said too, but does not take the instance out of a load balancer."""
    checks = {"database": _database(), "cache": _cache()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"} | {
        name: "ok" if fine else "failing" for name, fine in checks.items()
    }
    body["worker"] = _worker()
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def worker_healthz(request: HttpRequest) -> JsonResponse:
    """`/healthz/worker`: 503 when no worker takes work (for monitoring)."""
    state = _worker()
    return JsonResponse({"worker": state}, status=200 if state == "ok" else 503)


def _worker() -> str:
    try:
        return worker_state()
    except Exception:
        logger.exception("Health check: the workers' state could not be read")
        return "unknown"


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return False


def _cache() -> bool:
    # A key of its own: checks running at once on several instances must not read
    # each other's value (one key for all made concurrent checks fail).
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key) == value
        cache.delete(key)
        return bool(answered)
    except Exception:
        logger.exception("Health check: the cache is unreachable")
        return False
