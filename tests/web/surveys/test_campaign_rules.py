"""Campaign rules: interviews only while the campaign is open, a form with answers stays in its
campaign, the stated purpose of a personal-data question is shown to the respondent."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from teletravail.web.surveys.models import Campaign, Submission, SurveyForm
from teletravail.web.surveys.service import ensure_shipped_forms, store_submission
from tests.web.surveys.conftest import login, make_campaign, today, valid_post

pytestmark = pytest.mark.django_db


def test_no_interview_outside_the_campaign_dates(member: User, campaign: Campaign) -> None:
    client = login(member)
    url = f"/enquetes/{campaign.pk}/saisie/mini/"
    assert client.get(url).status_code == 200
    campaign.opens_on, campaign.closes_on = today() - timedelta(days=9), today() - timedelta(days=1)
    campaign.save()
    closed = client.post(url, {**valid_post(), "_accord": "1"})
    assert closed.status_code == 410 and "terminée" in closed.content.decode()
    campaign.opens_on, campaign.closes_on = today() + timedelta(days=1), today() + timedelta(days=9)
    campaign.save()
    assert client.get(url).status_code == 404
    assert not Submission.objects.exists()


def test_a_form_with_answers_cannot_leave_its_campaign(
    manager: User, campaign: Campaign, mini: SurveyForm
) -> None:
    ensure_shipped_forms()
    residents = SurveyForm.objects.get(slug="residents", territory__isnull=True)
    campaign.forms.add(residents)
    answers = {"situation": "retraite", "teletravail": "non"}
    assert store_submission(
        campaign, mini, uuid.uuid4(), answers, source="api", consent=True
    ).created
    post = {
        "title": campaign.title,
        "forms": [residents.pk],  # mini unticked although it has an answer
        "opens_on": campaign.opens_on.isoformat(),
        "closes_on": campaign.closes_on.isoformat(),
        "purpose": campaign.purpose,
        "controller": campaign.controller,
        "retention_until": campaign.retention_until.isoformat(),
    }
    refused = login(manager).post(f"/enquetes/{campaign.pk}/modifier/", post)
    assert refused.status_code == 400
    assert "a déjà 1 réponse dans cette campagne" in refused.content.decode()
    assert set(campaign.forms.all()) == {mini, residents}
    post["forms"] = [mini.pk]  # the form without answers may go
    assert login(manager).post(f"/enquetes/{campaign.pk}/modifier/", post).status_code == 302
    assert list(campaign.forms.all()) == [mini]


def test_personal_data_purpose_is_shown(vitre, member: User) -> None:
    ensure_shipped_forms()
    residents = SurveyForm.objects.get(slug="residents", territory__isnull=True)
    campaign = make_campaign(vitre, residents)
    html = login(member).get(f"/enquetes/{campaign.pk}/saisie/residents/").content.decode()
    assert "Quel est votre âge" in html
    assert "Donnée personnelle, demandée pour :" in html
    purpose = residents.form().question("tranche_age").donnee_personnelle
    assert purpose and purpose.split()[0] in html
