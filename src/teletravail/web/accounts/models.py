"""Territories known to the application and who works on them, with which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class TerritoryKind(models.TextChoices):
    """Kind of territory: a commune (INSEE code) or an EPCI (SIREN)."""

    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"


class Role(models.TextChoices):
    """Role of a user; every role but ``national_admin`` is held on one territory."""

    NATIONAL_ADMIN = "national_admin", "Administrateur national"
    MANAGER = "manager", "Gestionnaire du territoire"
    MEMBER = "member", "Membre de l'équipe"
    READER = "reader", "Lecteur"


class Territory(models.Model):
    """A commune or an EPCI of the COG, as a team's workspace."""

    kind = models.CharField("type", max_length=10, choices=TerritoryKind.choices)
    code = models.CharField("code", max_length=9, help_text="Code INSEE ou SIREN (COG 2026).")
    nom = models.CharField("nom", max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ("kind", "nom")
        constraints = (
            models.UniqueConstraint(fields=("kind", "code"), name="territory_unique_kind_code"),
        )

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Membership(models.Model):
    """A user's role: on one territory, or nationally (``national_admin``, no territory)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="utilisateur",
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name="territoire",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = (
            models.UniqueConstraint(
                fields=("user", "territory"), name="membership_one_role_per_territory"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.NATIONAL_ADMIN, territory__isnull=True)
                    | (~models.Q(role=Role.NATIONAL_ADMIN) & models.Q(territory__isnull=False))
                ),
                name="membership_territory_iff_not_national",
            ),
        )

    def __str__(self) -> str:
        where = self.territory or "national"
        return f"{self.user} — {self.get_role_display()} ({where})"


class ApiToken(models.Model):
    """A personal key for the API's non-public endpoints; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="utilisateur",
    )
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField("début de la clé", max_length=12, editable=False)
    key_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True, editable=False)
    created = models.DateTimeField("créé le", auto_now_add=True)
    last_used = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


TEAM_ROLES = (Role.MANAGER, Role.MEMBER, Role.READER)


class Invitation(models.Model):
    """An invitation to join a territory's team, sent by e-mail to one address.

    Single use (``accepted_at``), time-limited (``expires``) and revocable (``revoked_at``). Only the
    SHA-256 digest of the random token is stored; a re-send replaces it, so the old link stops working.
    """

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name="territoire",
    )
    email = models.EmailField("adresse électronique", max_length=254)
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invité par",
    )
    token_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True, editable=False)
    created = models.DateTimeField("envoyée le", auto_now_add=True)
    expires = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="acceptée par",
    )
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ("-created",)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(role__in=[str(r) for r in TEAM_ROLES]),
                name="invitation_territorial_role",
            ),
            models.UniqueConstraint(
                fields=("territory", "email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_address",
            ),
        )

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} ({self.territory})"

    @property
    def pending(self) -> bool:
        """Neither accepted nor revoked (it may have expired)."""
        return self.accepted_at is None and self.revoked_at is None
