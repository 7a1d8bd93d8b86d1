"""KoboToolbox import, all or nothing: every row is checked first; when one is refused nothing is
stored, otherwise every new row is inserted in ONE transaction.

Run by the import job (``teletravail.web.surveys.jobs``), never inside a web request.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from teletravail.web.surveys.models import Campaign, Submission, SubmissionSource, SurveyForm
from teletravail.web.surveys.service import CampaignError

#: Progress callback: (rows done, rows in all, stage in French).
Progress = Callable[[int, int, str], None]
PROGRESS_EVERY = 500  # rows between two progress updates
INSERT_BATCH = 1000  # rows per INSERT statement
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # no KoboToolbox answer is older


@dataclass(frozen=True)
class RefusedRow:
    """A refused row: ``position`` (1-based rank of the answer in the file's main table),
    ``uuid``, ``column`` (question or column) and ``reason`` (French, says what to fix)."""

    position: int
    uuid: str
    column: str
    reason: str


@dataclass(frozen=True)
class KoboImportReport:
    """Outcome of an import: ``imported`` rows inserted, ``already`` rows whose uuid was already
    stored (skipped), ``refused`` rows (when there is one, ``imported`` is 0: nothing stored),
    ``total`` rows read."""

    imported: int
    already: int
    refused: tuple[RefusedRow, ...]
    total: int

    def as_json(self) -> dict[str, Any]:
        """The report as stored on the job (JSON)."""
        return {
            "imported": self.imported,
            "already": self.already,
            "total": self.total,
            "refused": [asdict(r) for r in self.refused],
        }


def _time_problem(moment: datetime | None, now: datetime) -> str | None:
    """Why a submission time cannot be stored (None when it can)."""
    if moment is None:
        return None
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST <= utc <= now + timedelta(days=1):
        return (
            f"date de soumission « {moment.isoformat()} » impossible : elle doit être comprise "
            f"entre le 1er janvier 2000 et aujourd'hui ({now.date().strftime('%d/%m/%Y')})."
        )
    return None


def _existing(uuids: list[uuid_module.UUID]) -> set[uuid_module.UUID]:
    """The uuids among ``uuids`` already stored (the trash included)."""
    found: set[uuid_module.UUID] = set()
    for start in range(0, len(uuids), INSERT_BATCH):
        chunk = uuids[start : start + INSERT_BATCH]
        found.update(Submission.all_objects.filter(uuid__in=chunk).values_list("uuid", flat=True))
    return found


def import_kobo(
    campaign: Campaign,
    form_obj: SurveyForm,
    data: bytes,
    filename: str,
    *,
    progress: Progress | None = None,
    today: date | None = None,
) -> KoboImportReport:
    """Import a KoboToolbox export (.csv or .xlsx) of ``form_obj`` into ``campaign``.

    Raises ``teletravail.surveys.kobo.ImportFileError`` (file, sheet, line, column) when the file
    cannot be read, ``CampaignError`` when the form is not one of the campaign's. Rows whose uuid
    is already stored are skipped; every other row is validated by the engine; when any row is
    refused nothing is stored and the report lists every refused row.
    """
    from teletravail.surveys.kobo import read_kobo_export
    from teletravail.surveys.validation import check_submission

    if form_obj.pk not in {f.pk for f in campaign.forms.all()}:
        raise CampaignError(
            f"Le formulaire « {form_obj.title} » ne fait pas partie de la campagne."
        )
    report = progress or (lambda done, total, stage: None)
    form = form_obj.form()
    rows = read_kobo_export(form, data, filename)
    total = len(rows)
    report(0, total, "Vérification des réponses")
    now = timezone.now()
    today = today or timezone.localdate()
    refused: list[RefusedRow] = []
    keys: list[uuid_module.UUID | None] = []
    for position, row in enumerate(rows, start=1):
        try:
            keys.append(uuid_module.UUID(row.uuid))
        except ValueError:
            keys.append(None)
            refused.append(
                RefusedRow(position, row.uuid, "_uuid", "identifiant invalide : UUID attendu.")
            )
    stored = _existing([k for k in keys if k is not None])
    new: list[Submission] = []
    already = 0
    for position, (row, key) in enumerate(zip(rows, keys, strict=True), start=1):
        if position % PROGRESS_EVERY == 0:
            report(position, total, "Vérification des réponses")
        if key is None:
            continue
        if key in stored:
            already += 1
            continue
        problem = _time_problem(row.submitted_at, now)
        if problem:
            refused.append(RefusedRow(position, row.uuid, "_submission_time", problem))
            continue
        checked = check_submission(form, row.data, today=today)
        for error in checked.errors:
            refused.append(RefusedRow(position, row.uuid, error.label or error.name, error.message))
        if refused:
            continue  # nothing will be stored: no need to build the rows
        new.append(
            Submission(
                uuid=key,
                campaign=campaign,
                form=form_obj,
                data=checked.data,
                source=SubmissionSource.KOBO,
                submitted_at=row.submitted_at or now,
            )
        )
    refused.sort(key=lambda r: r.position)
    if refused:
        report(total, total, "Import refusé")
        return KoboImportReport(0, already, tuple(refused), total)
    report(total, total, "Enregistrement des réponses")
    with transaction.atomic():
        Submission.objects.bulk_create(new, batch_size=INSERT_BATCH)
    return KoboImportReport(len(new), already, (), total)
