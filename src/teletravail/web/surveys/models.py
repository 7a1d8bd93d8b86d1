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
from simple_history.models import HistoricalRecords

from teletravail.format_fr import count_text
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


class LiveSubmissionManager(models.Manager["Submission"]):
    """The answers that are not in the trash (the default manager: every page, export, receipt
    and analysis reads through it, so an answer in the trash is hidden everywhere)."""

    def get_queryset(self) -> models.QuerySet[Submission]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Submission(models.Model):
    """One answered form: the nested answers (see ``teletravail.surveys.instance``).

    ``deleted_at`` set: the answer is in the trash (hidden; ``objects`` leaves it out,
    ``all_objects`` sees it) until ``purge_after``, when the purge job deletes it for good.
    """

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
    deleted_at = models.DateTimeField("mise en corbeille le", null=True, blank=True)
    purge_after = models.DateTimeField("suppression définitive après le", null=True, blank=True)

    objects = LiveSubmissionManager()
    all_objects = models.Manager()

    class Meta:
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        ordering = ("received_at", "pk")
        indexes = (models.Index(fields=("campaign", "form"), name="submission_campaign_form"),)
        base_manager_name = "all_objects"

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


class JobKind(models.TextChoices):
    """What a background job does."""

    KOBO_IMPORT = "import_kobo", "Import KoboToolbox"
    EXPORT_XLSX = "export_xlsx", "Export des réponses (XLSX)"
    EXPORT_CSV = "export_csv", "Export des réponses (CSV)"
    PURGE = "purge", "Mise en corbeille des réponses"


class JobStatus(models.TextChoices):
    """Where a background job stands."""

    WAITING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "termine", "Terminé"
    FAILED = "echoue", "Échoué"


class Job(models.Model):
    """A long task asked by a user (import, export, purge), run by the task worker.

    ``task_id`` is the id of the django-tasks result; ``rows_done`` / ``rows_total`` the progress
    (answers); ``report`` the final report (JSON: counts, refused rows with sheet, line, column and
    reason); ``input_path`` / ``output_path`` files under ``TELETRAVAIL_VAR`` (relative paths).
    """

    kind = models.CharField("nature", max_length=20, choices=JobKind.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="jobs", verbose_name="campagne"
    )
    form = models.ForeignKey(
        SurveyForm,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="formulaire",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandée par",
    )
    task_id = models.CharField("identifiant de la tâche", max_length=64, blank=True)
    status = models.CharField(
        "état", max_length=12, choices=JobStatus.choices, default=JobStatus.WAITING
    )
    stage = models.CharField("étape", max_length=100, blank=True)
    rows_done = models.PositiveIntegerField("réponses traitées", default=0)
    rows_total = models.PositiveIntegerField("réponses à traiter", default=0)
    report = models.JSONField("compte rendu", default=dict, blank=True)
    input_name = models.CharField("fichier déposé", max_length=255, blank=True)
    input_path = models.CharField("chemin du fichier déposé", max_length=500, blank=True)
    output_name = models.CharField("fichier produit", max_length=255, blank=True)
    output_path = models.CharField("chemin du fichier produit", max_length=500, blank=True)
    expires_at = models.DateTimeField("fichier supprimé le", null=True, blank=True)
    created_at = models.DateTimeField("demandée le", auto_now_add=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "tâche de fond"
        verbose_name_plural = "tâches de fond"
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        """True once the job succeeded or failed."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        """Progress in percent (0-100)."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class AnswerAction(models.TextChoices):
    """What happened to a campaign's answers."""

    TRASHED = "corbeille", "Mise en corbeille"
    RESTORED = "restauration", "Restauration"
    DELETED = "suppression", "Suppression définitive"


class AnswerAudit(models.Model):
    """Audit history of the answers' trash: who put how many answers of which campaign in the
    trash, restored them or deleted them for good, and when (``user`` None: the automatic purge).
    The campaign's title is copied so that the record outlives the campaign."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answer_audit",
        verbose_name="campagne",
    )
    campaign_title = models.CharField("titre de la campagne", max_length=200)
    action = models.CharField("action", max_length=12, choices=AnswerAction.choices)
    count = models.PositiveIntegerField("nombre de réponses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    reason = models.CharField("motif", max_length=300, blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "historique des réponses"
        verbose_name_plural = "historique des réponses"
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_action_display()} : {count_text(self.count, 'réponse')}, {self.campaign_title}"


class SurveyReference(models.Model):
    """The territory's reference campaign (the one whose measure may replace the national
    estimates, see ``teletravail.surveys.measure_rule``) and whether its team published the
    measure. One row per territory; every change is kept in the history (who, when)."""

    territory = models.OneToOneField(
        Territory,
        on_delete=models.CASCADE,
        related_name="survey_reference",
        verbose_name="territoire",
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="campagne de référence",
    )
    published = models.BooleanField("mesure publiée", default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifiée par",
    )
    changed_at = models.DateTimeField("modifiée le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "campagne de référence"
        verbose_name_plural = "campagnes de référence"

    def __str__(self) -> str:
        return f"{self.territory} : {self.campaign or 'aucune'}"


class SubmissionCounter(models.Model):
    """A counter of anonymous submissions for one minute (``window``: minutes since the epoch),
    keyed by link and client or by link alone (hashed: no address is stored in clear).

    Written only by :mod:`teletravail.web.api_routes.limits`, one atomic upsert per submission
    (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, SQLite ≥ 3.35 and PostgreSQL); rows of past
    windows are deleted when a link's counter starts a new minute."""

    key = models.CharField("clé du compteur", max_length=80, primary_key=True, db_column="cle")
    window = models.BigIntegerField("minute (depuis 1970)", db_index=True, db_column="minute")
    count = models.IntegerField("envois", default=0, db_column="envois")

    class Meta:
        db_table = "teletravail_compteurs_envois"
        verbose_name = "compteur d'envois"
        verbose_name_plural = "compteurs d'envois"

    def __str__(self) -> str:
        return f"{self.key} : {self.count}"
