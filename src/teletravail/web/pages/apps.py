"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Methodology, data sources and impact calculator pages."""

    name = "teletravail.web.pages"
    label = "pages"
    verbose_name = "Pages publiques"
