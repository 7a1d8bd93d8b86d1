"""A territory's vision and programme of actions, stored as the inputs of
:class:`teletravail.programmes.model.Programme` (``service.to_programme`` builds it).

One programme per territory; its actions (with their history of changes, kept by
django-simple-history), the team's comments on them, and the indicators it follows. A team chooses
whether its programme is published: other territories' teams may then read it (not the comments).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from teletravail.programmes.model import DEFAULT_THEMES, STATUSES
from teletravail.web.accounts.models import Territory

MAX_COMMENT = 2000


def default_themes() -> list[str]:
    """The themes a new programme starts with."""
    return list(DEFAULT_THEMES)


class TerritoryProgramme(models.Model):
    """The vision (text, horizon year) and themes of a territory's programme."""

    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, related_name="programme", verbose_name="territoire"
    )
    vision = models.TextField("vision à long terme", blank=True, max_length=10000)
    horizon = models.PositiveSmallIntegerField("horizon (année)", null=True, blank=True)
    themes = models.JSONField("thèmes", default=default_themes, blank=True)
    publie = models.BooleanField("publié", default=False)
    publie_le = models.DateTimeField("publié le", null=True, blank=True)
    updated = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "programme d'actions"
        verbose_name_plural = "programmes d'actions"

    def __str__(self) -> str:
        return f"Programme — {self.territory}"


class ProgrammeAction(models.Model):
    """An action of a programme (fields of :class:`teletravail.programmes.model.Action`)."""

    programme = models.ForeignKey(
        TerritoryProgramme, on_delete=models.CASCADE, related_name="actions"
    )
    titre = models.CharField("titre", max_length=300)
    theme = models.CharField("thème", max_length=200)
    description = models.TextField("description", blank=True, max_length=5000)
    porteur = models.CharField("porteur", max_length=200, blank=True)
    partenaires = models.CharField("partenaires", max_length=1000, blank=True)
    budget = models.DecimalField(
        "budget (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    financements = models.JSONField("financements", default=list, blank=True)
    debut = models.DateField("début", null=True, blank=True)
    fin = models.DateField("fin", null=True, blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=list(STATUSES.items()), default="idee"
    )
    motifs = models.JSONField("motifs", default=list, blank=True)
    created = models.DateTimeField("créée le", auto_now_add=True)
    updated = models.DateTimeField("modifiée le", auto_now=True)
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
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ("programme", "theme", "debut", "titre")

    def __str__(self) -> str:
        return self.titre


class ActionComment(models.Model):
    """A team member's comment on an action (never shown outside the team)."""

    action = models.ForeignKey(ProgrammeAction, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    texte = models.TextField("commentaire", max_length=MAX_COMMENT)
    created = models.DateTimeField("écrit le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ("created",)

    def __str__(self) -> str:
        return self.texte[:60]


class ProgrammeIndicator(models.Model):
    """An indicator the programme follows (fields of
    :class:`teletravail.programmes.model.FollowedIndicator`)."""

    programme = models.ForeignKey(
        TerritoryProgramme, on_delete=models.CASCADE, related_name="indicators"
    )
    source = models.CharField(
        "source", max_length=20, choices=[("diagnostic", "Diagnostic"), ("enquete", "Enquête")]
    )
    reference = models.CharField("référence", max_length=200)
    libelle = models.CharField("libellé", max_length=300)
    unite = models.CharField("unité", max_length=50, blank=True)
    valeur_initiale = models.FloatField("valeur initiale", null=True, blank=True)
    date_initiale = models.DateField("date de la valeur initiale", null=True, blank=True)
    cible = models.FloatField("cible", null=True, blank=True)
    annee_cible = models.PositiveSmallIntegerField("année de la cible", null=True, blank=True)
    valeur_actuelle = models.FloatField("valeur actuelle", null=True, blank=True)
    date_actuelle = models.DateField("date de la valeur actuelle", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur suivi"
        verbose_name_plural = "indicateurs suivis"
        ordering = ("programme", "libelle")
        constraints = (
            models.UniqueConstraint(
                fields=("programme", "source", "reference"), name="programme_indicator_once"
            ),
        )

    def __str__(self) -> str:
        return self.libelle


class ProgrammeJob(models.Model):
    """A long task on a programme (spreadsheet import, full PDF), run by the task worker
    (django-tasks); ``report`` holds the counts or every refused cell, ``output_path`` the file
    produced (relative to ``TELETRAVAIL_VAR``)."""

    KINDS = (("import", "Import d'un tableur"), ("export_pdf", "Programme complet (PDF)"))
    programme = models.ForeignKey(TerritoryProgramme, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField("nature", max_length=20, choices=KINDS)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandée par",
    )
    status = models.CharField("état", max_length=12, default="en_attente")
    stage = models.CharField("étape", max_length=200, blank=True)
    input_path = models.CharField("fichier reçu", max_length=300, blank=True)
    input_name = models.CharField("nom du fichier reçu", max_length=200, blank=True)
    output_path = models.CharField("fichier produit", max_length=300, blank=True)
    report = models.JSONField("compte rendu", default=dict, blank=True)
    created_at = models.DateTimeField("demandée le", auto_now_add=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "tâche de programme"
        verbose_name_plural = "tâches de programme"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.programme}"

    @property
    def finished(self) -> bool:
        """Done or failed."""
        return self.status in ("termine", "echoue")

    @property
    def status_label(self) -> str:
        """The state in words."""
        return {
            "en_attente": "En attente",
            "en_cours": "En cours",
            "termine": "Terminé",
            "echoue": "Échoué",
        }.get(self.status, self.status)
