"""Survey forms (XLSForm), campaigns per territory, submissions and free-text theme tags.

No IP address, no user agent, no receipt code is stored: only the SHA-256 digest of the code that
lets a respondent find, export or delete their answers.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from teletravail.web.accounts.models import Territory

if TYPE_CHECKING:
    from teletravail.surveys.form import Form


def new_token() -> str:
    """A random, URL-safe campaign token (24 random bytes, 32 characters)."""
    return secrets.token_urlsafe(24)


_PARSED: dict[tuple[int, str], Form] = {}
_PARSED_MAX = 256


class FormSource(models.TextChoices):
    """Where a form comes from."""

    SHIPPED = "fourni", "Fourni avec l'application"
    IMPORTED = "importe", "Importé par le territoire"


class SubmissionSource(models.TextChoices):
    """How a submission reached the application."""

    PUBLIC = "public", "Lien public"
    INTERVIEWER = "enqueteur", "Saisie par un enquêteur"
    KOBO = "kobo", "Import KoboToolbox"
    API = "api", "API"


class SurveyForm(models.Model):
    """An XLSForm file as uploaded (bytes kept as is); global (shipped) when ``territory`` is null."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="survey_forms",
        null=True,
        blank=True,
        verbose_name="territoire",
    )
    slug = models.SlugField("identifiant", max_length=80)
    title = models.CharField("titre", max_length=200)
    source = models.CharField("origine", max_length=10, choices=FormSource.choices)
    xlsform = models.BinaryField("fichier XLSForm")
    filename = models.CharField("nom du fichier", max_length=200)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    form_id = models.CharField("form_id", max_length=200)
    version = models.CharField("version", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "formulaire d'enquête"
        verbose_name_plural = "formulaires d'enquête"
        ordering = ("source", "title")
        constraints = (
            models.UniqueConstraint(
                fields=("territory", "slug"), name="surveyform_unique_territory_slug"
            ),
            models.UniqueConstraint(
                fields=("slug",),
                condition=models.Q(territory__isnull=True),
                name="surveyform_unique_shipped_slug",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def form(self) -> Form:
        """The parsed form, cached per process by (row, SHA-256 of the file): once a form is
        parsed, its file is not read from the database again (``xlsform`` may be deferred)."""
        from teletravail.surveys.xlsform import form_cache
        from teletravail.web.surveys.filenames import readable_filename

        key = (self.pk, self.sha256)
        found = _PARSED.get(key) if self.pk is not None else None
        if found is None:
            data = bytes(self.xlsform)
            found = form_cache(data, readable_filename(self.filename, data))
            if self.pk is not None and found.sha256 == self.sha256:
                if len(_PARSED) >= _PARSED_MAX:
                    _PARSED.clear()
                _PARSED[key] = found
        return found


class Campaign(models.Model):
    """A survey campaign of a territory: its forms, its dates and its GDPR notice."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="campaigns", verbose_name="territoire"
    )
    title = models.CharField("titre", max_length=200)
    forms = models.ManyToManyField(SurveyForm, related_name="campaigns", verbose_name="formulaires")
    opens_on = models.DateField("ouverture le")
    closes_on = models.DateField("clôture le")
    token = models.CharField("jeton du lien public", max_length=64, unique=True, default=new_token)
    purpose = models.TextField("finalité du traitement")
    controller = models.CharField("responsable du traitement", max_length=300)
    retention_until = models.DateField("conservation des réponses jusqu'au")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "campagne d'enquête"
        verbose_name_plural = "campagnes d'enquête"
        ordering = ("-opens_on", "-pk")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(retention_until__gte=models.F("closes_on")),
                name="campaign_retention_after_closing",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def state(self, today: date) -> str:
        """``"a_venir"``, ``"ouverte"`` or ``"close"`` on ``today`` (both bounds included)."""
        if today < self.opens_on:
            return "a_venir"
        if today > self.closes_on:
            return "close"
        return "ouverte"


class Submission(models.Model):
    """One answered form: the nested answers (see ``teletravail.surveys.instance``)."""

    uuid = models.UUIDField("identifiant de l'instance", unique=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="submissions", verbose_name="campagne"
    )
    form = models.ForeignKey(
        SurveyForm, on_delete=models.PROTECT, related_name="submissions", verbose_name="formulaire"
    )
    data = models.JSONField("réponses")
    source = models.CharField("origine", max_length=10, choices=SubmissionSource.choices)
    consent_at = models.DateTimeField("consentement le", null=True, blank=True)
    submitted_at = models.DateTimeField("envoyée le", null=True, blank=True)
    received_at = models.DateTimeField("reçue le", auto_now_add=True)
    receipt_hash = models.CharField(
        "empreinte du code de reçu", max_length=64, unique=True, null=True, blank=True
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enquêteur",
    )

    class Meta:
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        ordering = ("received_at", "pk")
        indexes = (models.Index(fields=("campaign", "form"), name="submission_campaign_form"),)

    def __str__(self) -> str:
        return str(self.uuid)


class TextTag(models.Model):
    """A qualitative theme given by a manager to a free-text answer."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="tags", verbose_name="réponse"
    )
    question = models.CharField("question", max_length=200)
    theme = models.CharField("thème", max_length=100)

    class Meta:
        verbose_name = "thème d'une réponse libre"
        verbose_name_plural = "thèmes des réponses libres"
        constraints = (
            models.UniqueConstraint(
                fields=("submission", "question", "theme"), name="texttag_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.question} : {self.theme}"
