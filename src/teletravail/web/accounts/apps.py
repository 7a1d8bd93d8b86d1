"""Application configuration."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts and territory teams."""

    name = "teletravail.web.accounts"
    label = "accounts"
    verbose_name = "Comptes et équipes territoriales"
    default_auto_field = "django.db.models.BigAutoField"
