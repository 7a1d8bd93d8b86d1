"""Background jobs (django-tasks, database backend): Kobo imports, large exports, purges.

A web request only saves what the job needs (an uploaded file under ``TELETRAVAIL_VAR/jobs/``),
creates a :class:`~teletravail.web.surveys.models.Job` and enqueues its task; the worker
(``python -m django db_worker``, started by ``teletravail serve``) runs it and writes progress and
the final report on the job, which the job page shows.

The retention purge is a periodic job: :func:`purge_task` runs :func:`purge.purge_expired` and
enqueues its next run an hour later (:func:`schedule_purge`, also called by ``teletravail serve``).
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError
from django.utils import timezone
from django_tasks import task

from teletravail.errors import TeletravailError
from teletravail.web.surveys import answer_exports, purge
from teletravail.web.surveys.models import Campaign, Job, JobKind, JobStatus, SurveyForm

logger = logging.getLogger(__name__)
PURGE_INTERVAL = timedelta(hours=1)
JOBS_FOLDER = "jobs"


def _folder(job: Job) -> Path:
    """The job's own folder under ``TELETRAVAIL_VAR`` (created)."""
    folder = Path(settings.VAR_DIR) / JOBS_FOLDER / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_name(name: str, default: str = "fichier") -> str:
    """A file name without folders nor unusual characters, at most 100 characters (extension
    kept)."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^0-9A-Za-z_-]+", "-", stem).strip("-")[:90] or default
    ext = re.sub(r"[^0-9A-Za-z]+", "", ext)[:8]
    return f"{stem}.{ext}" if ext else stem


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.VAR_DIR)))


def _progress(job: Job) -> Callable[[int, int, str], None]:
    """A progress callback writing (rows done, rows in all, stage) on the job row (autocommit,
    so the job page sees it while the job runs)."""

    def update(done: int, total: int, stage: str) -> None:
        Job.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total, stage=stage)

    return update


def _start(job_id: int) -> Job:
    job = Job.objects.select_related("campaign", "form", "requested_by").get(pk=job_id)
    job.status, job.started_at = str(JobStatus.RUNNING), timezone.now()
    job.save(update_fields=["status", "started_at"])
    return job


def _finish(job: Job, status: str, report: dict[str, Any], **fields: Any) -> dict[str, Any]:  # noqa: ANN401
    changes = {"status": status, "report": report, "finished_at": timezone.now(), **fields}
    Job.objects.filter(pk=job.pk).update(**changes)
    return report


def _failure(exc: TeletravailError) -> dict[str, Any]:
    """The report of a job refused for a reason the user can fix (file, sheet, line, column)."""
    report: dict[str, Any] = {"error": str(exc)}
    for attr in ("sheet", "line", "column", "reason"):
        value = getattr(exc, attr, None)
        if value is not None:
            report[attr] = value
    return report


INTERNAL = (
    "Erreur interne : la tâche n'a pas abouti. Rien n'a été enregistré ; réessayez plus tard."
)


@task()
def kobo_import_task(job_id: int) -> dict[str, Any]:
    """Import the job's uploaded KoboToolbox export, all or nothing (see ``imports``)."""
    from teletravail.web.surveys.imports import import_kobo

    job = _start(job_id)
    upload = Path(settings.VAR_DIR) / job.input_path
    try:
        assert job.form is not None
        result = import_kobo(
            job.campaign, job.form, upload.read_bytes(), job.input_name, progress=_progress(job)
        )
    except TeletravailError as exc:
        return _finish(job, str(JobStatus.FAILED), _failure(exc))
    except IntegrityError:
        return _finish(
            job,
            str(JobStatus.FAILED),
            {
                "error": "Des réponses de ce fichier ont été enregistrées pendant l'import : "
                "rien n'a été importé, relancez l'import."
            },
        )
    except Exception:
        _finish(job, str(JobStatus.FAILED), {"error": INTERNAL})
        raise
    finally:
        shutil.rmtree(upload.parent, ignore_errors=True)
    report = result.as_json()
    status = str(JobStatus.FAILED) if result.refused else str(JobStatus.DONE)
    return _finish(job, status, report, rows_done=result.total, rows_total=result.total)


@task()
def export_task(job_id: int) -> dict[str, Any]:
    """Build the job's export file under ``TELETRAVAIL_VAR/jobs/<id>/``."""
    job = _start(job_id)
    assert job.form is not None
    fmt = "xlsx" if job.kind == str(JobKind.EXPORT_XLSX) else "csv"
    total = answer_exports.answers_count(job.campaign, job.form)
    progress = _progress(job)
    progress(0, total, "Préparation du fichier")
    try:
        body = answer_exports.build_export(
            job.campaign,
            job.form,
            fmt,
            progress=lambda done: progress(done, total, "Préparation du fichier"),
        )
    except Exception:
        _finish(job, str(JobStatus.FAILED), {"error": INTERNAL})
        raise
    name = answer_exports.export_filename(job.form, fmt)
    path = _folder(job) / safe_name(name)
    path.write_bytes(body)
    days = int(settings.TELETRAVAIL_EXPORT_KEEP_DAYS)
    return _finish(
        job,
        str(JobStatus.DONE),
        {"rows": total, "bytes": len(body)},
        rows_done=total,
        rows_total=total,
        output_name=name,
        output_path=_relative(path),
        expires_at=timezone.now() + timedelta(days=days),
    )


@task()
def campaign_purge_task(job_id: int) -> dict[str, Any]:
    """Put a campaign's answers in its trash after a manager confirmed it.

    The retention date is read again when the job runs: if a manager has moved it back to today
    or later since the confirmation, nothing is trashed and the report says why."""
    job = _start(job_id)
    keep = job.campaign.retention_until
    if keep >= timezone.localdate():
        return _finish(
            job,
            str(JobStatus.DONE),
            {"trashed": 0, "kept_until": keep.isoformat()},
            rows_done=0,
            rows_total=0,
        )
    count = purge.trash_campaign(
        job.campaign,
        user=job.requested_by,
        reason=(
            f"Date de conservation fixée au {job.campaign.retention_until.strftime('%d/%m/%Y')}, "
            "confirmée par un gestionnaire."
        ),
    )
    return _finish(job, str(JobStatus.DONE), {"trashed": count}, rows_done=count, rows_total=count)


@task()
def purge_task() -> dict[str, int]:
    """The periodic purge: retention, end of the trash period, expired files; then the next run
    is enqueued an hour later."""
    counts = purge.purge_expired(timezone.localdate())
    if counts.trashed or counts.deleted:
        logger.warning(
            "Purge des enquêtes : %d réponse(s) mise(s) en corbeille, %d supprimée(s) "
            "définitivement.",
            counts.trashed,
            counts.deleted,
        )
    schedule_purge(delay=PURGE_INTERVAL)
    return {"trashed": counts.trashed, "deleted": counts.deleted, "files": counts.files}


def schedule_purge(*, delay: timedelta = timedelta(0)) -> bool:
    """Enqueue the periodic purge ``delay`` from now unless one is already waiting; True when
    enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=purge_task.module_path, status="READY").exists()
    if waiting:
        return False
    when = timezone.now() + delay
    (purge_task.using(run_after=when) if delay else purge_task).enqueue()
    return True


TASKS = {
    str(JobKind.KOBO_IMPORT): kobo_import_task,
    str(JobKind.EXPORT_XLSX): export_task,
    str(JobKind.EXPORT_CSV): export_task,
    str(JobKind.PURGE): campaign_purge_task,
}


def start_job(
    kind: str,
    campaign: Campaign,
    *,
    user: AbstractBaseUser | None,
    form_obj: SurveyForm | None = None,
    upload: tuple[str, bytes] | None = None,
) -> Job:
    """Create the job (saving ``upload`` = (file name, bytes) under ``TELETRAVAIL_VAR``) and
    enqueue its task."""
    job = Job.objects.create(
        kind=kind,
        campaign=campaign,
        form=form_obj,
        requested_by=user if user is not None and user.pk is not None else None,
    )
    if upload is not None:
        name, data = upload
        path = _folder(job) / safe_name(name)
        path.write_bytes(data)
        job.input_name, job.input_path = name[:255], _relative(path)
    result = TASKS[kind].enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["input_name", "input_path", "task_id"])
    return job
