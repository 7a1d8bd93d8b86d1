"""Background task (django-tasks): the derived warehouse of a new reference day.

A diagnostic requested for a day whose derived copy (rail service and indicators, about 12 s to
compute) does not exist yet is not computed inside the web request: the request enqueues
:func:`derive_day` and answers with a page that refreshes itself until the copy is ready. The task
worker started by ``teletravail serve`` runs it.
"""

from __future__ import annotations

import logging
from datetime import date

from django.core.cache import cache
from django_tasks import task

from teletravail.derived import ensure_derived
from teletravail.web.territories import service as territory_service

logger = logging.getLogger(__name__)
PENDING_SECONDS = 600  # a request enqueues the day again only after this many seconds


@task()
def derive_day(day: str, kind: str = "", code: str = "") -> str:
    """Build the derived warehouse of ``day`` (``AAAA-MM-JJ``), then the public diagnostic of the
    territory that asked for it (kept on disk: the refreshed page reads it at once); returns the
    derived warehouse's path."""
    from django.utils import timezone

    from teletravail.web.diagnostics import service

    chosen = date.fromisoformat(day)
    path, _ = ensure_derived(territory_service.warehouse(), day=chosen)
    logger.info("Copie dérivée du %s prête : %s", day, path)
    service.prune_stored_pages(path.parent)  # pages of rebuilt copies or older report code
    if kind and code:
        measures = service.measures_for(kind, code, team=False, today=timezone.localdate())
        service.diagnostic_data(kind, code, path, chosen, measures)
    return str(path)


def request_day(day: date, kind: str, code: str) -> None:
    """Enqueue :func:`derive_day` for ``day`` unless this process did so in the last
    ``PENDING_SECONDS`` (a refreshing page must not queue the same day again and again)."""
    key = f"teletravail:derive:{territory_service.warehouse()}:{day.isoformat()}"
    if cache.add(key, 1, PENDING_SECONDS):
        derive_day.enqueue(day.isoformat(), kind, code)
