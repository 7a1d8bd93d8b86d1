"""Survey campaigns without HTTP: shipped forms, storing a submission, measured telework.

``store_submission`` is what every way in uses (public link, interviewer, Kobo import, the JSON
API): it validates with the engine, then inserts in one transaction. It takes no request object.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from teletravail.errors import TeletravailError
from teletravail.web.accounts.models import Territory
from teletravail.web.surveys import receipts
from teletravail.web.surveys.models import (
    Campaign,
    FormSource,
    Submission,
    SubmissionSource,
    SurveyForm,
    SurveyReference,
)

if TYPE_CHECKING:
    from teletravail.surveys.validation import Checked, FieldError


class CampaignError(TeletravailError):
    """A submission cannot be stored in that campaign (form not in the campaign, bad source)."""


@dataclass(frozen=True)
class StoreResult:
    """Outcome of ``store_submission``.

    - ``created``: True when a new submission was inserted; False when the uuid was already stored
      (idempotent re-send) or the answers are invalid (then ``errors`` is not empty).
    - ``receipt_code``: the respondent's receipt code (shown once, never stored), None otherwise.
    - ``errors``: the engine's field errors (French messages), empty when valid.
    """

    created: bool
    receipt_code: str | None
    errors: tuple[FieldError, ...] = ()

    @property
    def duplicate(self) -> bool:
        """The uuid was already stored (nothing inserted, no error)."""
        return not self.created and not self.errors


def ensure_shipped_forms() -> None:
    """Create the shipped instruments (``teletravail.surveys.instruments``) missing from the
    database, as global forms (no territory). Existing rows are left unchanged."""
    from teletravail.surveys.instruments import INSTRUMENTS, instrument_bytes
    from teletravail.surveys.xlsform import form_cache

    present = set(SurveyForm.objects.filter(territory__isnull=True).values_list("slug", flat=True))
    for info in INSTRUMENTS:
        if info.id in present:
            continue
        data = instrument_bytes(info.id)
        form = form_cache(data)
        try:
            with transaction.atomic():
                SurveyForm.objects.create(
                    territory=None,
                    slug=info.id,
                    title=info.title,
                    source=FormSource.SHIPPED,
                    xlsform=data,
                    filename=f"{info.id}.xlsx",
                    sha256=form.sha256,
                    form_id=form.form_id,
                    version=form.version,
                )
        except IntegrityError:  # created meanwhile by another process
            continue


def _insert_once(values: dict[str, Any]) -> bool:
    """Insert one submission unless its uuid is stored: True when inserted.

    One statement, ``INSERT … ON CONFLICT (uuid) DO NOTHING RETURNING id`` (PostgreSQL and
    SQLite ≥ 3.35): in autocommit mode it is its own transaction, committed (and, with
    ``synchronous=FULL`` or PostgreSQL's default ``synchronous_commit``, on disk) before the
    function returns, in a single round trip, with no check-then-insert race. Inside an atomic
    block (tests, callers' transactions) it runs in a savepoint so that a failure leaves the
    outer transaction usable.
    """
    conn = connections[Submission.objects.db]
    meta = Submission._meta
    columns, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        columns.append(conn.ops.quote_name(field.column))
        params.append(field.get_db_prep_save(value, connection=conn))
    sql = (
        f"INSERT INTO {conn.ops.quote_name(meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({conn.ops.quote_name(meta.get_field('uuid').column)}) DO NOTHING "
        f"RETURNING {conn.ops.quote_name(meta.pk.column)}"
    )

    def run() -> bool:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() is not None

    if conn.in_atomic_block:
        with transaction.atomic(using=conn.alias):
            return run()
    return run()


def store_submission(
    campaign: Campaign,
    form_obj: SurveyForm,
    uuid: uuid_module.UUID | str,
    answers: dict[str, Any],
    *,
    source: str,
    consent: bool,
    interviewer: AbstractBaseUser | None = None,
    submitted_at: datetime | None = None,
    today: date | None = None,
    checked: Checked | None = None,
) -> StoreResult:
    """Validate ``answers`` (nested, see ``teletravail.surveys.instance``) against the form and
    store them once per ``uuid``.

    ``checked``: the result of ``check_submission(form_obj.form(), answers)`` when the caller
    has just computed it (the web form does, for the page): it is not computed again.

    Answers are checked first, then inserted by one ``INSERT … ON CONFLICT DO NOTHING``: a uuid
    already stored gives ``created=False`` (and no error when the answers were valid or when the
    uuid is stored: the re-send of a stored submission is never refused).

    ``source`` is a ``SubmissionSource`` value; ``consent`` records the consent time (now) when
    True; ``submitted_at`` is when the respondent sent them (default: now). The caller must pass a
    form of the campaign (``CampaignError`` otherwise). A uuid already stored gives
    ``created=False`` and no error, whatever the answers (idempotent re-send).
    """
    from teletravail.surveys.validation import check_submission

    if source not in SubmissionSource.values:
        raise CampaignError(f"Origine de réponse inconnue « {source} ».")
    if form_obj.pk is None or form_obj.pk not in {f.pk for f in campaign.forms.all()}:
        raise CampaignError(
            f"Le formulaire « {form_obj.title} » ne fait pas partie de la campagne "
            f"« {campaign.title} »."
        )
    try:
        key = uuid if isinstance(uuid, uuid_module.UUID) else uuid_module.UUID(str(uuid))
    except ValueError as exc:
        raise CampaignError(f"Identifiant de réponse invalide « {uuid} » : UUID attendu.") from exc
    if checked is None:
        checked = check_submission(form_obj.form(), answers, today=today or timezone.localdate())
    if checked.errors:
        if Submission.objects.filter(uuid=key).exists():  # a re-send of stored answers
            return StoreResult(created=False, receipt_code=None)
        return StoreResult(created=False, receipt_code=None, errors=tuple(checked.errors))
    now = timezone.now()
    values = {
        "uuid": key,
        "campaign": campaign.pk,
        "form": form_obj.pk,
        "data": checked.data,
        "source": source,
        "consent_at": now if consent else None,
        "submitted_at": submitted_at or now,
        "received_at": now,
        "interviewer": interviewer.pk if interviewer is not None else None,
    }
    for _attempt in range(3):
        code = receipts.new_code()
        try:
            inserted = _insert_once({**values, "receipt_hash": receipts.code_hash(code)})
        except IntegrityError:
            continue  # a receipt digest collision (about 2^-78): draw another code
        if not inserted:  # the uuid is already stored: idempotent re-send
            return StoreResult(created=False, receipt_code=None)
        return StoreResult(created=True, receipt_code=code)
    raise CampaignError("Impossible d'enregistrer la réponse : réessayez.")


def free_slug(territory: Territory, wanted: str) -> str:
    """A slug for a form imported by ``territory``: ``wanted`` (slugified) or ``wanted-2``, … so
    that it repeats neither a shipped form's nor another of the territory's forms."""
    base = slugify(wanted)[:70] or "formulaire"
    taken = set(
        SurveyForm.objects.filter(
            Q(territory__isnull=True) | Q(territory=territory), slug__startswith=base
        ).values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def import_form(
    territory: Territory, data: bytes, filename: str, *, user: AbstractBaseUser | None
) -> SurveyForm:
    """Check an XLSForm file with the engine and store it as a form of ``territory``.

    Raises ``teletravail.surveys.errors.FormError`` (sheet, row, column, reason) when invalid.
    """
    from teletravail.surveys.xlsform import load_xlsform
    from teletravail.web.surveys.filenames import stored_filename

    form = load_xlsform(data, filename)
    return SurveyForm.objects.create(
        territory=territory,
        slug=free_slug(territory, form.form_id),
        title=form.title or form.form_id,
        source=FormSource.IMPORTED,
        xlsform=data,
        filename=stored_filename(filename),  # shortened, extension kept
        sha256=form.sha256,
        form_id=form.form_id,
        version=form.version,
        created_by=user,
    )


RESIDENTS_SLUG = "residents"
TELEWORK_INDICATOR = "part_teletravail_actifs"
DAYS_INDICATOR = "jours_teletravail_moyen"


def _asks_telework(form_obj: SurveyForm) -> bool:
    """True when the form has the residents questions the telework share comes from."""
    form = form_obj.form()
    try:
        form.question("situation")
        form.question("teletravail")
    except KeyError:
        return False
    return True


MIN_N = 5


@dataclass(frozen=True)
class MeasuredTelework:
    """Share of active workers who telework, measured by a residents survey of the territory.

    ``value``, ``ci_low``, ``ci_high``: fractions in [0, 1] (Wilson 95 % interval); ``n``: active
    workers who answered the telework question; the campaign's ``campaign_title``, ``opens_on``,
    ``closes_on`` and ``campaign_url`` (its page, for the team) say where the figure comes from.
    """

    value: float
    ci_low: float | None
    ci_high: float | None
    n: int
    campaign_title: str
    opens_on: date
    closes_on: date
    campaign_url: str
    days: float | None = None  # mean telework days a week of the teleworkers (None: hidden)
    days_ci_low: float | None = None
    days_ci_high: float | None = None
    days_n: int = 0


def reference_of(territory_kind: str, code: str) -> SurveyReference | None:
    """The territory's reference row (campaign chosen by its team, publication), None when the
    team never chose one."""
    return (
        SurveyReference.objects.select_related("campaign")
        .filter(territory__kind=territory_kind, territory__code=code)
        .first()
    )


def measured_telework(territory_kind: str, code: str) -> MeasuredTelework | None:
    """The telework share among active workers measured by the territory's REFERENCE campaign
    (chosen by its team, see :class:`SurveyReference`; never another campaign, however recent),
    from a form with the residents' telework questions, on at least 5 people; None when there
    is no reference campaign or it gives no such value.

    Cached per process until the reference or the campaign's answers change (the stamp holds the
    reference campaign, its dates and its answers' count, latest id and time), so a diagnostic
    page does not analyse the answers again at each visit."""
    from django.db.models import Count, Max

    ref = reference_of(territory_kind, code)
    if ref is None or ref.campaign is None:
        return None
    campaign = ref.campaign
    answers = Submission.objects.filter(campaign=campaign).aggregate(
        n=Count("pk"), last=Max("pk"), received=Max("received_at")
    )
    stamp = (
        campaign.pk,
        campaign.title,
        campaign.opens_on,
        campaign.closes_on,
        tuple(sorted(answers.items())),
    )
    return _measured_telework(campaign.pk, stamp)


@lru_cache(maxsize=256)
def _measured_telework(campaign_pk: int, stamp: tuple[object, ...]) -> MeasuredTelework | None:
    from django.urls import reverse

    from teletravail.surveys.analysis import analyse

    campaign = Campaign.objects.prefetch_related("forms").filter(pk=campaign_pk).first()
    if campaign is None:
        return None
    # The shipped residents form first, then any form with its telework questions (a copy
    # adapted by the territory keeps the names the analysis reads).
    for form_obj in sorted(campaign.forms.all(), key=lambda f: f.slug != RESIDENTS_SLUG):
        if not _asks_telework(form_obj):
            continue
        rows = list(
            Submission.objects.filter(campaign=campaign, form=form_obj).values_list(
                "data", flat=True
            )
        )
        if len(rows) < MIN_N:
            continue
        analysis = analyse(form_obj.form(), rows)
        by_id = {i.id: i for i in analysis.indicators}
        found = by_id.get(TELEWORK_INDICATOR)
        if found is None or found.value is None or found.hidden_reason or found.n < MIN_N:
            continue
        days = by_id.get(DAYS_INDICATOR)
        shown = days is not None and days.value is not None and not days.hidden_reason
        return MeasuredTelework(
            value=found.value,
            ci_low=found.ci_low,
            ci_high=found.ci_high,
            n=found.n,
            campaign_title=campaign.title,
            opens_on=campaign.opens_on,
            closes_on=campaign.closes_on,
            campaign_url=reverse("surveys:campaign", args=(campaign.pk,)),
            days=days.value if shown and days else None,
            days_ci_low=days.ci_low if shown and days else None,
            days_ci_high=days.ci_high if shown and days else None,
            days_n=days.n if shown and days else 0,
        )
    return None
