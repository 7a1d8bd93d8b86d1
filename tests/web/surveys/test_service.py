"""store_submission (validation, idempotence, receipt digest), receipt codes, purge, command."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from teletravail.web.accounts.models import Territory
from teletravail.web.surveys import receipts
from teletravail.web.surveys.models import (
    AnswerAudit,
    Campaign,
    Submission,
    SurveyForm,
    TextTag,
)
from teletravail.web.surveys.purge import purge_expired
from teletravail.web.surveys.service import CampaignError, store_submission
from tests.web.surveys.conftest import make_campaign, make_form, today

pytestmark = pytest.mark.django_db

ANSWERS = {"situation": "salarie_prive", "teletravail": "non"}


def test_store_valid_then_idempotent(campaign: Campaign, mini: SurveyForm) -> None:
    key = uuid.uuid4()
    first = store_submission(campaign, mini, key, dict(ANSWERS), source="public", consent=True)
    assert first.created and first.receipt_code and not first.errors
    stored = Submission.objects.get(uuid=key)
    assert {k: stored.data[k] for k in ANSWERS} == ANSWERS
    assert stored.consent_at is not None and stored.source == "public"
    assert stored.receipt_hash == receipts.code_hash(first.receipt_code)
    assert first.receipt_code.replace("-", "") not in str(stored.__dict__)
    again = store_submission(campaign, mini, str(key), dict(ANSWERS), source="public", consent=True)
    assert not again.created and again.duplicate and again.receipt_code is None
    assert Submission.objects.count() == 1


def test_store_refuses_invalid_answers(campaign: Campaign, mini: SurveyForm) -> None:
    result = store_submission(
        campaign,
        mini,
        uuid.uuid4(),
        {"situation": "salarie_prive", "teletravail": "regulier", "jours": 9},
        source="api",
        consent=False,
    )
    assert not result.created and result.errors
    assert any(e.key == "jours" and "Entre 0 et 5" in e.message for e in result.errors)
    assert Submission.objects.count() == 0


def test_store_refuses_form_outside_campaign_and_bad_uuid(
    campaign: Campaign, vitre: Territory
) -> None:
    other = make_form(vitre, slug="autre")
    with pytest.raises(CampaignError, match="ne fait pas partie"):
        store_submission(campaign, other, uuid.uuid4(), {}, source="api", consent=False)
    with pytest.raises(CampaignError, match="UUID"):
        store_submission(
            campaign, campaign.forms.get(), "pas-un-uuid", {}, source="api", consent=False
        )


def test_receipt_codes() -> None:
    code = receipts.new_code()
    assert len(code) == 19 and code.count("-") == 3
    assert all(c in receipts.ALPHABET for c in code.replace("-", ""))
    assert receipts.code_hash(code.lower().replace("-", " ")) == receipts.code_hash(code)
    digest = hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert receipts.code_hash(code) == digest
    assert receipts.code_hash("ABCD") is None and receipts.code_hash("0OIL" * 4) is None


def _expired_campaign(vitre: Territory, mini: SurveyForm) -> Campaign:
    campaign = make_campaign(vitre, mini)
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=today() - timedelta(days=40),
        closes_on=today() - timedelta(days=30),
        retention_until=today() - timedelta(days=1),
    )
    campaign.refresh_from_db()
    return campaign


def test_purge_trashes_only_expired_then_deletes_after_the_grace_period(
    campaign: Campaign, vitre: Territory, mini: SurveyForm
) -> None:
    from django.utils import timezone

    old = _expired_campaign(vitre, mini)
    kept = store_submission(
        campaign, mini, uuid.uuid4(), dict(ANSWERS), source="api", consent=False
    )
    assert kept.created
    Submission.objects.create(
        uuid=uuid.uuid4(), campaign=old, form=mini, data=ANSWERS, source="api"
    )
    gone = Submission.objects.get(campaign=old)
    TextTag.objects.create(submission=gone, question="souhaits", theme="mobilité")
    assert purge_expired(today() - timedelta(days=2)).trashed == 0  # retention not over then
    now = timezone.now()
    counts = purge_expired(today(), now=now)
    assert (counts.trashed, counts.deleted) == (1, 0)
    assert list(Submission.objects.values_list("campaign_id", flat=True)) == [campaign.pk]
    assert Submission.all_objects.count() == 2 and TextTag.objects.count() == 1  # in the trash
    assert purge_expired(today(), now=now + timedelta(days=29)).deleted == 0  # still restorable
    assert purge_expired(today(), now=now + timedelta(days=30, seconds=1)).deleted == 1
    assert Submission.all_objects.count() == 1 and TextTag.objects.count() == 0
    actions = list(AnswerAudit.objects.order_by("pk").values_list("action", "count", "user"))
    assert actions == [("corbeille", 1, None), ("suppression", 1, None)]


def test_purge_command(vitre: Territory, mini: SurveyForm) -> None:
    old = _expired_campaign(vitre, mini)
    for _ in range(2):
        Submission.objects.create(uuid=uuid.uuid4(), campaign=old, form=mini, data={}, source="api")
    out = StringIO()
    call_command("purger_enquetes", "--date", today().isoformat(), stdout=out)
    assert "2 réponses mises à la corbeille" in out.getvalue()
    assert Submission.objects.count() == 0 and Submission.all_objects.count() == 2


def test_no_purge_inside_a_request(vitre: Territory, mini: SurveyForm) -> None:
    """Regression: the purge ran inside web requests (hourly middleware)."""
    from django.conf import settings
    from django.test import Client

    assert not any("Purge" in m for m in settings.MIDDLEWARE)
    old = _expired_campaign(vitre, mini)
    Submission.objects.create(uuid=uuid.uuid4(), campaign=old, form=mini, data={}, source="api")
    Client().get("/enquetes/recu/")
    assert Submission.objects.count() == 1 and not AnswerAudit.objects.exists()


def test_campaign_dates_are_checked_by_the_database(vitre: Territory) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            territory=vitre,
            title="x",
            opens_on=today(),
            closes_on=today(),
            purpose="p",
            controller="c",
            retention_until=today() - timedelta(days=1),
        )
