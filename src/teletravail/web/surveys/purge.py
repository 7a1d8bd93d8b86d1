"""The answers' retention: trash, restore, final deletion, each recorded in ``AnswerAudit``.

An answer whose campaign's retention date is over (or that a manager purged after confirming) goes
to the campaign's trash: hidden everywhere (``Submission.objects`` leaves it out), restorable by a
manager for ``TELETRAVAIL_TRASH_DAYS`` days (30 by default), then deleted for good by the purge job
(``teletravail.web.surveys.jobs.purge_task``, run by the worker every hour, and the
``teletravail enquete purger`` command for cron). None of this runs inside a web request except
the restore (one UPDATE statement).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from teletravail.web.surveys.models import AnswerAction, AnswerAudit, Campaign, Job, Submission


@dataclass(frozen=True)
class PurgeCounts:
    """What one purge run did: answers put in the trash, answers deleted for good, export files
    removed."""

    trashed: int
    deleted: int
    files: int


def grace() -> timedelta:
    """How long an answer stays restorable in the trash."""
    return timedelta(days=int(settings.TELETRAVAIL_TRASH_DAYS))


def _audit(
    campaign: Campaign, action: str, count: int, user: AbstractBaseUser | None, reason: str
) -> None:
    AnswerAudit.objects.create(
        campaign=campaign,
        campaign_title=campaign.title,
        action=action,
        count=count,
        user=user if user is not None and user.pk is not None else None,
        reason=reason[:300],
    )


def trash_campaign(
    campaign: Campaign,
    *,
    user: AbstractBaseUser | None,
    reason: str,
    now: datetime | None = None,
) -> int:
    """Put every answer of ``campaign`` in its trash (restorable until now + grace); the number
    of answers trashed, recorded in the audit history when not zero."""
    now = now or timezone.now()
    with transaction.atomic():
        count = Submission.objects.filter(campaign=campaign).update(
            deleted_at=now, purge_after=now + grace()
        )
        if count:
            _audit(campaign, str(AnswerAction.TRASHED), count, user, reason)
    return count


def trash_expired(today: date, *, now: datetime | None = None) -> int:
    """Trash the answers of every campaign whose ``retention_until`` is before ``today``."""
    expired = Campaign.objects.filter(
        retention_until__lt=today, submissions__deleted_at__isnull=True
    ).distinct()
    return sum(
        trash_campaign(
            c, user=None, reason="Durée de conservation échue (purge automatique).", now=now
        )
        for c in expired
    )


def restore(campaign: Campaign, *, user: AbstractBaseUser | None) -> int:
    """Take every answer of ``campaign`` out of its trash; the number restored (audited)."""
    with transaction.atomic():
        count = Submission.all_objects.filter(campaign=campaign, deleted_at__isnull=False).update(
            deleted_at=None, purge_after=None
        )
        if count:
            _audit(
                campaign,
                str(AnswerAction.RESTORED),
                count,
                user,
                "Restauration depuis la corbeille.",
            )
    return count


def delete_for_good(now: datetime) -> int:
    """Delete the answers whose time in the trash is over (their theme tags go with them)."""
    due = Submission.all_objects.filter(deleted_at__isnull=False, purge_after__lte=now)
    total = 0
    per_campaign = due.values("campaign").annotate(n=Count("pk")).order_by("campaign")
    for row in per_campaign:
        campaign = Campaign.objects.get(pk=row["campaign"])
        with transaction.atomic():
            deleted = due.filter(campaign=campaign).delete()[1].get("surveys.Submission", 0)
            if deleted:
                _audit(
                    campaign,
                    str(AnswerAction.DELETED),
                    deleted,
                    None,
                    "Fin du délai de restauration (suppression définitive).",
                )
        total += deleted
    return total


def delete_expired_files(now: datetime) -> int:
    """Remove the files of jobs whose download period is over; the number of jobs cleaned."""
    cleaned = 0
    for job in Job.objects.filter(expires_at__lte=now).exclude(output_path=""):
        folder = (Path(settings.VAR_DIR) / job.output_path).parent
        shutil.rmtree(folder, ignore_errors=True)
        job.output_path = ""
        job.save(update_fields=["output_path"])
        cleaned += 1
    return cleaned


def purge_expired(today: date, *, now: datetime | None = None) -> PurgeCounts:
    """One purge run: trash the answers whose retention is over, delete for good those whose
    time in the trash is over, remove the expired export files."""
    now = now or timezone.now()
    trashed = trash_expired(today, now=now)
    return PurgeCounts(trashed, delete_for_good(now), delete_expired_files(now))
