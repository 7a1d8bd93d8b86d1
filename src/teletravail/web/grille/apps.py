"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class GrilleConfig(AppConfig):
    """Projects of places adapted to telework, assessed with the grid."""

    name = "teletravail.web.grille"
    label = "grille"
    verbose_name = "Grille d'analyse des projets de lieux"
