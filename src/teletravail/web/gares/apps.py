"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class GaresConfig(AppConfig):
    """Station district portraits and the teams' assessments."""

    name = "teletravail.web.gares"
    label = "gares"
    verbose_name = "Quartiers de gare"
