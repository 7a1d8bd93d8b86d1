"""The JSON ingestion API: POST /api/v1/enquetes/<token>/reponses (idempotent, validated)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from teletravail.web.surveys.models import Campaign, Submission
from teletravail.web.surveys.receipts import code_hash

UUID = "0b9d8a1e-2f40-4c55-9a3e-6c1f2d3e4a5b"


def _post(client: Client, campaign: Campaign, body: dict[str, object]):
    return client.post(
        f"/api/v1/enquetes/{campaign.token}/reponses",
        json.dumps(body),
        content_type="application/json",
    )


def _body(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "uuid": UUID,
        "formulaire": "mini",
        "consentement": True,
        "reponses": {
            "situation": "salarie_prive",
            "teletravail": "regulier",
            "jours": 2,
            "lieux": ["domicile"],
            "avis": {"souhaits": "Un tiers-lieu"},
            "trajets": [{"destination": "Rennes"}],
        },
    }
    body.update(changes)
    return body


def test_stored_once_with_a_receipt(campaign: Campaign) -> None:
    client = Client()
    first = _post(client, campaign, _body())
    assert first.status_code == 201, first.content
    out = first.json()
    assert out["statut"] == "enregistree" and out["uuid"] == UUID
    stored = Submission.objects.get(uuid=UUID)
    assert stored.source == "api" and stored.consent_at is not None
    assert stored.data["jours"] == 2 and stored.data["trajets"] == [{"destination": "Rennes"}]
    assert stored.receipt_hash == code_hash(out["code_recu"])
    again = _post(client, campaign, _body())  # the same uuid: nothing more is stored
    assert again.status_code == 200 and again.json()["statut"] == "deja_enregistree"
    assert again.json()["code_recu"] is None
    assert Submission.objects.filter(campaign=campaign).count() == 1


def test_invalid_answers_are_refused_field_by_field(campaign: Campaign) -> None:
    body = _body()
    body["reponses"] = {"situation": "salarie_prive", "teletravail": "regulier", "jours": 9}
    response = _post(Client(), campaign, body)
    assert response.status_code == 422
    details = response.json()["erreur"]["details"]
    assert {"champ": "jours", "message": "Entre 0 et 5 jours."} in details
    assert not Submission.objects.exists()
    body["reponses"] = {"situation": "salarie_prive"}
    details = _post(Client(), campaign, body).json()["erreur"]["details"]
    assert {"champ": "teletravail", "message": "Réponse obligatoire."} in details


def test_unknown_token_form_or_missing_consent(campaign: Campaign) -> None:
    client = Client()
    missing = client.post(
        "/api/v1/enquetes/inconnu/reponses", json.dumps(_body()), content_type="application/json"
    )
    assert missing.status_code == 404 and missing.json()["erreur"]["code"] == "introuvable"
    other = _post(client, campaign, _body(formulaire="employeurs"))
    assert other.status_code == 422 and "mini" in other.json()["erreur"]["message"]
    refused = _post(client, campaign, _body(consentement=False))
    assert refused.status_code == 422
    assert refused.json()["erreur"]["details"][0]["champ"] == "consentement"
    bad_uuid = _post(client, campaign, _body(uuid="pas-un-uuid"))
    assert bad_uuid.status_code == 422
    assert not Submission.objects.exists()


def test_closed_or_future_campaign(campaign: Campaign) -> None:
    today = timezone.localdate()
    campaign.opens_on, campaign.closes_on = today - timedelta(days=30), today - timedelta(days=1)
    campaign.save()
    closed = _post(Client(), campaign, _body())
    assert closed.status_code == 410 and "est close" in closed.json()["erreur"]["message"]
    campaign.opens_on, campaign.closes_on = today + timedelta(days=1), today + timedelta(days=9)
    campaign.save()
    future = _post(Client(), campaign, _body())
    assert future.status_code == 410 and "pas encore ouverte" in future.json()["erreur"]["message"]
    assert not Submission.objects.exists()


def test_resending_a_stored_uuid_is_never_refused(campaign: Campaign) -> None:
    client = Client()
    assert _post(client, campaign, _body()).status_code == 201
    changed = _body()
    changed["reponses"] = {"situation": "salarie_prive"}  # now incomplete: still the same uuid
    again = _post(client, campaign, changed)
    assert again.status_code == 200 and again.json()["statut"] == "deja_enregistree"
    assert Submission.objects.get(uuid=UUID).data["jours"] == 2  # the first answers are kept
