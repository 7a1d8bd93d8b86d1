"""WSGI entry point (gunicorn ``teletravail.web.wsgi:application``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teletravail.web.settings")
application = get_wsgi_application()

if os.environ.get("TELETRAVAIL_WARMUP") == "1":  # set by ``teletravail serve`` for its workers
    from teletravail.web.warmup import start_worker_warmup

    start_worker_warmup()
