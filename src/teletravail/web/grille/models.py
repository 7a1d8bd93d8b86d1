"""A territory's projects of a place adapted to telework, their candidate sites and the scores
each assessor gives them with the grid (``grille/grille.toml``).

Stored as the inputs of :class:`teletravail.grille.model.Project` (``service.to_project`` builds
it): weights and the optional pairwise comparisons (AHP) on the project, one row per site (with its
facts computed from open data, kept with the day they were computed) and one row per assessor,
site and criterion. Every change is kept by django-simple-history. Personal data: the assessors
are accounts of the team; nothing else about people is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from teletravail.web.accounts.models import Territory

MAX_DESCRIPTION = 3000
MAX_COMMENT = 1000


class GridProject(models.Model):
    """A project of a place adapted to telework (tiers-lieu, coworking, flexible offices)."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="grid_projects", verbose_name="territoire"
    )
    nom = models.CharField("nom du projet", max_length=200)
    description = models.TextField("description", blank=True, max_length=MAX_DESCRIPTION)
    poids = models.JSONField(
        "poids",
        default=dict,
        blank=True,
        help_text='{"themes": {id: poids}, "criteres": {id: poids}}',
    )
    ahp = models.JSONField(
        "comparaison par paires des thèmes",
        null=True,
        blank=True,
        help_text='{"elements": [ids], "matrice": [[...]]} (échelle de Saaty)',
    )
    tiers_lieux = models.JSONField(
        "tiers-lieux connus de l'équipe",
        default=list,
        blank=True,
        help_text='[{"nom": ..., "lat": ..., "lon": ...}]',
    )
    created = models.DateTimeField("créé le", auto_now_add=True)
    updated = models.DateTimeField("modifié le", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "projet de lieu"
        verbose_name_plural = "projets de lieux"
        ordering = ("territory", "nom")

    def __str__(self) -> str:
        return f"{self.nom} ({self.territory})"


class GridSite(models.Model):
    """A candidate site of a project: where it is, and its facts computed from open data."""

    project = models.ForeignKey(
        GridProject, on_delete=models.CASCADE, related_name="sites", verbose_name="projet"
    )
    code = models.CharField("identifiant", max_length=20)
    nom = models.CharField("nom", max_length=200)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    commune = models.CharField("commune", max_length=200, blank=True)
    lat = models.FloatField("latitude (WGS84, degrés)")
    lon = models.FloatField("longitude (WGS84, degrés)")
    faits = models.JSONField(
        "faits calculés",
        default=dict,
        blank=True,
        help_text="Faits du site tirés des données ouvertes (modèle SiteFacts en JSON).",
    )
    faits_jour = models.DateField("jour de référence des faits", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "site candidat"
        verbose_name_plural = "sites candidats"
        ordering = ("project", "code")
        constraints = (
            models.UniqueConstraint(fields=("project", "code"), name="grid_site_unique_code"),
        )

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class GridScore(models.Model):
    """One assessor's score of one criterion for one site: 0 to 4, or None (not scored)."""

    site = models.ForeignKey(
        GridSite, on_delete=models.CASCADE, related_name="scores", verbose_name="site"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grid_scores",
        verbose_name="évaluateur",
    )
    critere = models.CharField("critère", max_length=60)
    note = models.PositiveSmallIntegerField("note (0 à 4)", null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True, max_length=MAX_COMMENT)
    updated = models.DateTimeField("modifiée le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "note"
        verbose_name_plural = "notes"
        ordering = ("site", "assessor", "critere")
        constraints = (
            models.UniqueConstraint(
                fields=("site", "assessor", "critere"), name="grid_score_one_per_assessor"
            ),
            models.CheckConstraint(
                condition=models.Q(note__isnull=True) | models.Q(note__lte=4),
                name="grid_score_0_to_4",
            ),
        )

    def __str__(self) -> str:
        return f"{self.site} · {self.critere} · {self.note}"
