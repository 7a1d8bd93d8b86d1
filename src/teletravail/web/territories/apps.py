"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    """Public territory pages."""

    name = "teletravail.web.territories"
    label = "territories"
    verbose_name = "Territoires"
