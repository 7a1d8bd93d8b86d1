"""Exports of a form's answers in a campaign (CSV, XLSX), built by ``teletravail.surveys.exports``.

Small exports are built in the request, larger ones by an export job (the user downloads the file
from the job page). Thresholds (``TELETRAVAIL_EXPORT_SYNC_MAX``, per format): 2,000 answers in
XLSX, 10,000 in CSV. Measured by ``benchmarks/survey_export.py`` on the shipped residents'
questionnaire (one process, file building only): XLSX 500 answers 0.5 s, 2,000 answers 1.9 s,
5,000 answers 5.5 s (linear since rows are typed before they are appended); CSV 5,000 answers
0.75 s. So an export in the request stays within about two seconds, far from gunicorn's
30-second timeout even on a loaded server.

Answers can be large (up to 256 Ko each): 200 answers of that size took 1.2 s in XLSX and 0.9 s
in CSV (51 Mo of answers). An export whose stored answers exceed
``TELETRAVAIL_EXPORT_SYNC_MAX_BYTES`` (50 Mo by default) is therefore a job too, whatever their
number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Sum, TextField
from django.db.models.functions import Cast, Length

from teletravail.web.surveys.models import Campaign, Submission, SurveyForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
PROGRESS_EVERY = 1000  # rows between two progress updates


class ExportRow(NamedTuple):
    """A submission as the analysis exports read it."""

    uuid: str
    submitted_at: datetime
    source: str
    data: dict[str, Any]


def answers_count(campaign: Campaign, form_obj: SurveyForm) -> int:
    """Number of answers (not in the trash) of ``form_obj`` in ``campaign``."""
    return Submission.objects.filter(campaign=campaign, form=form_obj).count()


def answers_size(campaign: Campaign, form_obj: SurveyForm) -> int:
    """Total length (characters of their JSON text) of the answers of ``form_obj`` in
    ``campaign`` that are not in the trash."""
    total = Submission.objects.filter(campaign=campaign, form=form_obj).aggregate(
        size=Sum(Length(Cast("data", TextField())))
    )["size"]
    return int(total or 0)


def runs_as_job(count: int, fmt: str, size: Callable[[], int] | None = None) -> bool:
    """True when a ``fmt`` export of ``count`` answers is too large to be built in the request:
    more answers than ``TELETRAVAIL_EXPORT_SYNC_MAX[fmt]``, or (``size()``, only asked when the
    count is small enough) more than ``TELETRAVAIL_EXPORT_SYNC_MAX_BYTES`` characters of
    answers."""
    if count > int(settings.TELETRAVAIL_EXPORT_SYNC_MAX[fmt]):
        return True
    return size is not None and size() > int(settings.TELETRAVAIL_EXPORT_SYNC_MAX_BYTES)


def export_rows(
    campaign: Campaign,
    form_obj: SurveyForm,
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ExportRow]:
    """The answers of ``form_obj`` in ``campaign`` in reception order, read in chunks;
    ``progress(rows read)`` every 1,000 rows."""
    query = (
        Submission.objects.filter(campaign=campaign, form=form_obj)
        .order_by("received_at", "pk")
        .values_list("uuid", "submitted_at", "received_at", "source", "data")
    )
    for n, (u, submitted, received, source, data) in enumerate(query.iterator(2000), start=1):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
        yield ExportRow(str(u), submitted or received, source, data)


def build_export(
    campaign: Campaign,
    form_obj: SurveyForm,
    fmt: str,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The CSV or XLSX file of the answers (``fmt``: ``"csv"`` or ``"xlsx"``)."""
    from teletravail.surveys.exports import export_csv, export_xlsx

    rows = export_rows(campaign, form_obj, progress=progress)
    form = form_obj.form()
    if fmt == "xlsx":
        return export_xlsx(form, rows)
    if fmt == "csv":
        return export_csv(form, rows)
    raise ValueError(f"Format d'export inconnu « {fmt} » : « csv » ou « xlsx ».")


def export_filename(form_obj: SurveyForm, fmt: str) -> str:
    """The name of the downloaded file."""
    return f"reponses-{form_obj.slug}.{fmt}"
