"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    """Diagnostic report and ACV ranking pages."""

    name = "teletravail.web.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics"
