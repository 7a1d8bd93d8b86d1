"""A team's assessment of one station against the portrait-robot of the station district.

One assessment per (territory, station): the team's field observations (a level 0 to 3 per field
feature of ``gares/portrait.toml``, absent when not observed yet), a comment per feature and its
notes. Every save is kept by django-simple-history (who, when, what), which is the assessment's
history shown on its page. No personal data beyond the author of each version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from teletravail.web.accounts.models import Territory

MAX_NOTES = 5000  # characters of the team's notes
MAX_COMMENT = 1000  # characters of the comment on one feature


class StationAssessment(models.Model):
    """The field observations and notes of a territory's team on one passenger station."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="station_assessments",
        verbose_name="territoire",
    )
    uic = models.CharField("code UIC de la gare", max_length=8)
    gare_nom = models.CharField("nom de la gare", max_length=200)
    observations = models.JSONField(
        "observations de terrain",
        default=dict,
        blank=True,
        help_text="Identifiant de caractéristique -> niveau observé (0 à 3).",
    )
    commentaires = models.JSONField(
        "commentaires",
        default=dict,
        blank=True,
        help_text="Identifiant de caractéristique -> commentaire de l'équipe.",
    )
    notes = models.TextField("notes de l'équipe", blank=True, max_length=MAX_NOTES)
    created = models.DateTimeField("créée le", auto_now_add=True)
    updated = models.DateTimeField("modifiée le", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifiée par",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "évaluation de quartier de gare"
        verbose_name_plural = "évaluations de quartiers de gare"
        ordering = ("territory", "gare_nom")
        constraints = (
            models.UniqueConstraint(
                fields=("territory", "uic"), name="station_assessment_one_per_team"
            ),
        )

    def __str__(self) -> str:
        return f"{self.gare_nom} ({self.uic}) — {self.territory}"

    @property
    def niveaux_observes(self) -> int:
        """How many field features have a valid level (what the pages count)."""
        from teletravail.web.gares.assessments import clean_levels

        return len(clean_levels(self.observations))
