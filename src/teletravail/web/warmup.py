"""Work done when the web application starts, so that no first request pays for it.

- :func:`prepare` (``teletravail serve``, before the server listens): the derived warehouse of the
  default reference day and the gazetteer kept beside the warehouse; the stored pages of older
  derived copies or report code are removed.
- :func:`start_worker_warmup` (each gunicorn worker, from ``wsgi.py``, in a background thread):
  imports the URLconf's views and the report modules, compiles the diagnostic
  templates, loads the gazetteer into memory, computes every station's features for the station
  pages and builds the diagnostics of the pilot EPCIs for the default day into the page cache (kept on disk too: see ``diagnostics.service``).
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)

# The six Fabrique Prospective pilot EPCIs (SIREN): Vitré Communauté first.
PILOT_EPCIS = ("200039022", "248100737", "200072346", "200069037", "248900334", "200070092")


def prepare() -> None:
    """Build what does not depend on a request: derived warehouse of the default day (seconds,
    once per warehouse build) and the pickled gazetteer."""
    from teletravail.territory.lookup import gazetteer_for
    from teletravail.web.diagnostics import service
    from teletravail.web.territories import service as territory_service

    gazetteer_for(territory_service.warehouse())
    derived, _ = service.derived_warehouse(None)
    service.prune_stored_pages(derived.parent)  # pages of older builds or report code


def warm_worker() -> None:
    """Load the modules and caches a diagnostic page needs, then the pilot EPCIs' pages."""
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import timezone

    import teletravail.reports.diagnostic  # noqa: F401  (the report modules)
    from teletravail.derived import current_derived
    from teletravail.errors import LookupFailed
    from teletravail.territory.lookup import gazetteer_for
    from teletravail.web.diagnostics import service
    from teletravail.web.territories import service as territory_service

    get_resolver().url_patterns  # noqa: B018  (imports every view module of the URLconf)
    for name in ("diagnostics/diagnostic.html", "diagnostics/pending.html"):
        get_template(name)  # compiled once into the cached template loader
    warehouse = territory_service.warehouse()
    gazetteer_for(warehouse)
    derived, day = current_derived(warehouse)
    if derived is None:
        return
    from teletravail.web.gares import service as station_service

    station_service.station_data(derived, day)  # every station's features (station pages)
    today = timezone.localdate()
    for siren in PILOT_EPCIS:
        try:
            territory_service.entry("epci", siren)
        except LookupFailed:  # a small test warehouse lacks some pilots
            continue
        measures = service.measures_for("epci", siren, team=False, today=today)
        service.diagnostic_data("epci", siren, derived, day, measures)
    _render_once(PILOT_EPCIS[0])


def _render_once(code: str) -> None:
    """Render one diagnostic page without sending it: the first real request then finds the URL
    resolver populated and the template filters' caches filled."""
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from teletravail.web.diagnostics import views

    host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h), "localhost")
    request = RequestFactory().get(f"/territoires/epci/{code}/diagnostic/", HTTP_HOST=host)
    request.user = AnonymousUser()
    try:
        views.diagnostic(request, "epci", code)
    except Exception:
        logger.info("Page de préchauffage non rendue (%s)", code, exc_info=True)


def _run() -> None:
    try:
        warm_worker()
    except Exception:  # a failed warm-up only leaves the work to the first requests
        logger.exception("Préchauffage du processus web interrompu")


def start_worker_warmup() -> threading.Thread:
    """Run :func:`warm_worker` in a daemon thread (the worker answers requests meanwhile)."""
    thread = threading.Thread(target=_run, name="teletravail-warmup", daemon=True)
    thread.start()
    return thread
