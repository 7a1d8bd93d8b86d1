"""Automatic deletion of the answers of campaigns whose retention period is over."""

from __future__ import annotations

from datetime import date

from teletravail.web.surveys.models import Submission


def purge_expired(today: date) -> int:
    """Delete every submission of a campaign whose ``retention_until`` is before ``today``.

    Returns the number of submissions deleted (their theme tags go with them).
    """
    deleted = Submission.objects.filter(campaign__retention_until__lt=today).delete()[1]
    return int(deleted.get("surveys.Submission", 0))
