"""Background jobs of the programmes (django-tasks, database backend, run by the worker that
``teletravail serve`` starts): the import of a spreadsheet (all or nothing) and the full PDF of a
programme (one page per few actions: minutes for a large programme). A request only saves the
upload, creates the :class:`ProgrammeJob` and enqueues its task; the job page shows the progress
and the final report."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django_tasks import task

from teletravail.errors import TeletravailError
from teletravail.programmes.workbook import WorkbookError
from teletravail.web.programmes import transfer
from teletravail.web.programmes.models import ProgrammeJob, TerritoryProgramme
from teletravail.web.surveys.jobs import safe_name

logger = logging.getLogger(__name__)
FOLDER = Path("jobs") / "programmes"
INTERNAL = (
    "Erreur interne : la tâche n'a pas abouti. Rien n'a été enregistré ; réessayez plus tard."
)


def _folder(job: ProgrammeJob) -> Path:
    folder = Path(settings.VAR_DIR) / FOLDER / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _start(job_id: int, stage: str) -> ProgrammeJob:
    job = ProgrammeJob.objects.select_related("programme__territory", "requested_by").get(pk=job_id)
    job.status, job.started_at, job.stage = "en_cours", timezone.now(), stage
    job.save(update_fields=["status", "started_at", "stage"])
    return job


def _finish(
    job: ProgrammeJob, status: str, report: dict[str, Any], **fields: str
) -> dict[str, Any]:
    ProgrammeJob.objects.filter(pk=job.pk).update(
        status=status, report=report, finished_at=timezone.now(), stage="", **fields
    )
    return report


@task()
def programme_import_task(job_id: int) -> dict[str, Any]:
    """Bring the job's uploaded spreadsheet into the programme, all or nothing."""
    job = _start(job_id, "Lecture du classeur")
    upload = Path(settings.VAR_DIR) / job.input_path
    try:
        result = transfer.import_workbook(
            job.programme, upload.read_bytes(), job.input_name, job.requested_by
        )
    except WorkbookError as exc:
        problems = [
            {
                "feuille": p.sheet,
                "ligne": p.row,
                "colonne": p.column,
                "valeur": "" if p.value is None else str(p.value)[:200],
                "motif": p.reason,
            }
            for p in exc.problems
        ]
        return _finish(
            job,
            "echoue",
            {"error": "Rien n'a été importé : corrigez le classeur.", "problems": problems},
        )
    except TeletravailError as exc:
        return _finish(job, "echoue", {"error": f"Rien n'a été importé : {exc}"})
    except Exception:
        _finish(job, "echoue", {"error": INTERNAL})
        raise
    finally:
        shutil.rmtree(upload.parent, ignore_errors=True)
    return _finish(
        job,
        "termine",
        {
            "actions_ajoutees": result.actions_ajoutees,
            "actions_mises_a_jour": result.actions_mises_a_jour,
            "indicateurs": result.indicateurs,
            "themes_ajoutes": result.themes_ajoutes,
            "vision": result.vision,
        },
    )


@task()
def programme_pdf_task(job_id: int) -> dict[str, Any]:
    """Write the full programme as a PDF under the job's folder."""
    job = _start(job_id, "Mise en page du programme")
    try:
        data = transfer.document(job.programme, "pdf", timezone.localdate())
        target = _folder(job) / transfer.filename(job.programme, "pdf")
        target.write_bytes(data)
    except Exception:
        _finish(job, "echoue", {"error": INTERNAL})
        raise
    relative = str(target.relative_to(Path(settings.VAR_DIR)))
    return _finish(job, "termine", {"octets": len(data)}, output_path=relative)


def enqueue_import(
    programme: TerritoryProgramme, data: bytes, name: str, user: AbstractBaseUser
) -> ProgrammeJob:
    """Save the upload and enqueue its import."""
    job = ProgrammeJob.objects.create(
        programme=programme, kind="import", requested_by=user, input_name=safe_name(name)[:200]
    )
    upload = _folder(job) / "entree" / safe_name(name, "classeur.xlsx")
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(data)
    job.input_path = str(upload.relative_to(Path(settings.VAR_DIR)))
    job.save(update_fields=["input_path"])
    programme_import_task.enqueue(job.pk)
    return job


def enqueue_pdf(programme: TerritoryProgramme, user: AbstractBaseUser) -> ProgrammeJob:
    """Enqueue the full PDF of the programme."""
    job = ProgrammeJob.objects.create(programme=programme, kind="export_pdf", requested_by=user)
    programme_pdf_task.enqueue(job.pk)
    return job
