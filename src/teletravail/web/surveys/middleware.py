"""Run the retention purge at most once an hour in each process, on the way of a request."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from teletravail.web.surveys.purge import purge_expired

PURGE_INTERVAL_S = 3600.0
_lock = threading.Lock()
_last_run: list[float] = []  # monotonic time of the last purge in this process (empty: never)
logger = logging.getLogger(__name__)


def purge_if_due(now: float | None = None) -> bool:
    """Purge when the last purge of this process is more than an hour old; True when it ran."""
    now = time.monotonic() if now is None else now
    with _lock:
        if _last_run and now - _last_run[0] < PURGE_INTERVAL_S:
            return False
        _last_run[:] = [now]
    deleted = purge_expired(timezone.localdate())
    if deleted:
        logger.warning(
            "Purge des enquêtes : %d réponse(s) supprimée(s) (conservation échue).", deleted
        )
    return True


def reset() -> None:
    """Forget the last purge time (tests)."""
    with _lock:
        _last_run.clear()


class PurgeMiddleware:
    """Calls ``purge_if_due`` before handling the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        purge_if_due()
        return self.get_response(request)
