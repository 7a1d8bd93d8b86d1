"""The four shipped instruments: created once as global forms, offered to every territory, and
rendered on the public link."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import SurveyForm
from teletravail.web.surveys.service import ensure_shipped_forms
from tests.web.surveys.conftest import login, make_campaign

pytestmark = pytest.mark.django_db


def test_shipped_forms_created_once_and_rendered(manager: User, vitre: Territory) -> None:
    ensure_shipped_forms()
    ensure_shipped_forms()
    shipped = SurveyForm.objects.filter(territory__isnull=True)
    assert sorted(shipped.values_list("slug", flat=True)) == [
        "elus_acteurs",
        "employeurs",
        "residents",
        "tiers_lieux",
    ]
    page = login(manager).get("/enquetes/epci/200039022/nouvelle/").content.decode()
    for form in shipped:
        assert form.title in page
    campaign = make_campaign(vitre, *shipped)
    client = Client()
    client.post(f"/enquetes/r/{campaign.token}/", {"consentement": "1"})
    for form in shipped:
        page = client.get(f"/enquetes/r/{campaign.token}/{form.slug}/")
        assert page.status_code == 200, form.slug
        assert "fr-fieldset" in page.content.decode()
    html = client.get(f"/enquetes/r/{campaign.token}/residents/").content.decode()
    assert 'name="profil/situation"' in html or 'name="situation"' in html
