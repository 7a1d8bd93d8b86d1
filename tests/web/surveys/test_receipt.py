"""GDPR: a receipt code shows, exports (JSON) and deletes (confirmed POST) its answers."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from teletravail.web.surveys.models import Campaign, Submission, SurveyForm
from teletravail.web.surveys.service import store_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(campaign: Campaign, mini: SurveyForm) -> str:
    result = store_submission(
        campaign,
        mini,
        uuid.uuid4(),
        {"situation": "retraite", "teletravail": "non", "avis": {"souhaits": "Plus de trains"}},
        source="public",
        consent=True,
    )
    assert result.receipt_code
    return result.receipt_code


def test_lookup_shows_answers(code: str) -> None:
    client = Client()
    assert client.get("/enquetes/recu/").status_code == 200
    page = client.post("/enquetes/recu/", {"code": code.lower().replace("-", " ")})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Plus de trains" in html and "Vos souhaits" in html
    # choice labels, not codes (">retraite<" was shown)
    assert "<td>Retraité</td>" in html and "<td>Non</td>" in html
    assert ">retraite<" not in html and ">non<" not in html
    wrong = client.post("/enquetes/recu/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 404 and "Aucune réponse" in wrong.content.decode()


def test_export_json(code: str, campaign: Campaign) -> None:
    page = Client().post("/enquetes/recu/export/", {"code": code})
    assert page.status_code == 200
    assert page["Content-Disposition"].startswith("attachment;")
    payload = json.loads(page.content)
    assert payload["reponses"]["avis"] == {"souhaits": "Plus de trains"}
    assert payload["campagne"] == campaign.title
    assert Client().post("/enquetes/recu/export/", {"code": "x"}).status_code == 404
    assert Client().get("/enquetes/recu/export/").status_code == 405


def test_delete_needs_confirmation_and_csrf(code: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post("/enquetes/recu/supprimer/", {"code": code, "confirmer": "1"}).status_code
        == 403
    )
    client = Client()
    unconfirmed = client.post("/enquetes/recu/supprimer/", {"code": code})
    assert unconfirmed.status_code == 400 and Submission.objects.count() == 1
    done = client.post("/enquetes/recu/supprimer/", {"code": code, "confirmer": "1"})
    assert done.status_code == 200 and "supprimées" in done.content.decode()
    assert Submission.objects.count() == 0
    assert client.post("/enquetes/recu/", {"code": code}).status_code == 404
