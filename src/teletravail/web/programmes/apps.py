"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    """Visions and action programmes of the territories."""

    name = "teletravail.web.programmes"
    label = "programmes"
    verbose_name = "Visions et programmes d'actions"
