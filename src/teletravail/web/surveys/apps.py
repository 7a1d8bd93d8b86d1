"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Survey campaigns: forms, public collection, interviewer mode, results, GDPR receipts."""

    name = "teletravail.web.surveys"
    label = "surveys"
    verbose_name = "Enquêtes"
    default_auto_field = "django.db.models.BigAutoField"
