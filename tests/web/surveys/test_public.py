"""Public link: consent, form, error summary, repeats without JavaScript, live relevance, receipt,
duplicate, closed or not yet open campaign."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import Campaign, Submission, SurveyForm
from tests.web.surveys.conftest import make_campaign, make_form, today, valid_post

pytestmark = pytest.mark.django_db


def _consent(campaign: Campaign) -> Client:
    client = Client(enforce_csrf_checks=False)
    page = client.get(f"/enquetes/r/{campaign.token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert campaign.purpose in html and "CA Vitré Communauté, dpo@example.org" in html
    assert "aucune donnée personnelle n'est demandée sauf" in html
    assert "consentement" in html
    refused = client.post(f"/enquetes/r/{campaign.token}/", {})
    assert "Cochez la case" in refused.content.decode()
    done = client.post(f"/enquetes/r/{campaign.token}/", {"consentement": "1"}, follow=True)
    assert done.status_code == 200
    return client


def test_form_needs_consent_first(campaign: Campaign) -> None:
    page = Client().get(f"/enquetes/r/{campaign.token}/mini/")
    assert page.status_code == 302 and page["Location"] == f"/enquetes/r/{campaign.token}/"


def test_full_public_flow(campaign: Campaign) -> None:
    client = _consent(campaign)
    page = client.get(f"/enquetes/r/{campaign.token}/mini/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="fr-fieldset' in html and 'class="fr-radio-group"' in html
    assert 'name="_uuid"' in html and "surveys/formulaire.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert 'name="trajets[1]/destination"' in html
    sent = client.post(f"/enquetes/r/{campaign.token}/mini/", valid_post())
    html = sent.content.decode()
    assert sent.status_code == 200, html
    code = re.search(r'id="code-recu">([A-Z0-9-]+)<', html)
    assert code and len(code.group(1)) == 19
    stored = Submission.objects.get()
    assert stored.source == "public" and stored.consent_at is not None
    assert stored.data["jours"] == 2 and stored.data["lieux"] == ["domicile", "tiers_lieu"]
    assert stored.data["trajets"] == [{"destination": "Rennes"}]
    assert stored.data["avis"] == {"souhaits": "Un tiers-lieu près de la gare"}
    # The same instance sent again: nothing new.
    again = client.post(f"/enquetes/r/{campaign.token}/mini/", valid_post())
    assert "Réponse déjà enregistrée" in again.content.decode()
    assert Submission.objects.count() == 1


def test_form_chooser_with_several_forms(campaign: Campaign, vitre: Territory) -> None:
    campaign.forms.add(make_form(vitre, slug="deuxieme"))
    client = _consent(campaign)
    page = client.get(f"/enquetes/r/{campaign.token}/formulaires/")
    html = page.content.decode()
    assert f"/enquetes/r/{campaign.token}/mini/" in html
    assert f"/enquetes/r/{campaign.token}/deuxieme/" in html


def test_invalid_answer_is_refused_with_summary(campaign: Campaign) -> None:
    client = _consent(campaign)
    data = valid_post()
    data["jours"] = "9"
    del data["situation"]
    page = client.post(f"/enquetes/r/{campaign.token}/mini/", data)
    html = page.content.decode()
    assert Submission.objects.count() == 0
    assert "Le formulaire contient 2 erreurs" in html
    # Each entry links to its field (the first radio button of a list of choices).
    assert 'href="#q-jours"' in html and 'href="#q-situation-1"' in html
    assert "Entre 0 et 5 jours." in html and "fr-error-text" in html
    assert 'value="3f1c6a55-8d64-4f0e-9a57-2d0b8a8e7c11"' in html  # the uuid is kept
    assert 'value="9"' in html  # the typed value is kept


def test_relevance_rendered_and_evaluated(campaign: Campaign) -> None:
    client = _consent(campaign)
    data = valid_post()
    data.update({"teletravail": "non", "_action": "ajouter:trajets"})
    page = client.post(f"/enquetes/r/{campaign.token}/mini/", data)
    html = page.content.decode()
    assert re.search(r'data-key="jours" hidden', html)
    answer = client.post(f"/enquetes/r/{campaign.token}/mini/evaluer/", data)
    assert answer.status_code == 200
    relevant = answer.json()["relevant"]
    assert relevant["jours"] is False and relevant["situation"] is True
    data["teletravail"] = "regulier"
    assert (
        client.post(f"/enquetes/r/{campaign.token}/mini/evaluer/", data).json()["relevant"]["jours"]
        is True
    )


def test_note_label_substitutes_values(campaign: Campaign) -> None:
    client = _consent(campaign)
    data = valid_post()
    data["_action"] = "ajouter:trajets"
    html = client.post(f"/enquetes/r/{campaign.token}/mini/", data).content.decode()
    assert "Vous télétravaillez 2 jour(s)." in html


def test_repeats_add_and_remove_without_javascript(campaign: Campaign) -> None:
    client = _consent(campaign)
    url = f"/enquetes/r/{campaign.token}/mini/"
    data = valid_post()
    data["_action"] = "ajouter:trajets"
    html = client.post(url, data).content.decode()
    assert 'name="_n:trajets" value="2"' in html and 'name="trajets[2]/destination"' in html
    data.update(
        {
            "_n:trajets": "3",
            "trajets[2]/destination": "Laval",
            "trajets[3]/destination": "Paris",
            "_action": "retirer:trajets[1]",
        }
    )
    html = client.post(url, data).content.decode()
    assert 'name="_n:trajets" value="2"' in html
    assert re.search(r'name="trajets\[1\]/destination" value="Laval"', html)
    assert re.search(r'name="trajets\[2\]/destination" value="Paris"', html)
    assert Submission.objects.count() == 0
    data.update(
        {
            "_n:trajets": "2",
            "trajets[1]/destination": "Laval",
            "trajets[2]/destination": "Paris",
            "_action": "envoyer",
        }
    )
    data.pop("trajets[3]/destination")
    client.post(url, data)
    assert Submission.objects.get().data["trajets"] == [
        {"destination": "Laval"},
        {"destination": "Paris"},
    ]


def test_closed_and_future_campaigns(vitre: Territory, mini: SurveyForm) -> None:
    closed = make_campaign(vitre, mini)
    Campaign.objects.filter(pk=closed.pk).update(
        opens_on=today() - timedelta(days=20), closes_on=today() - timedelta(days=1)
    )
    page = Client().get(f"/enquetes/r/{closed.token}/")
    assert page.status_code == 410 and "est terminée" in page.content.decode()
    assert Client().post(f"/enquetes/r/{closed.token}/mini/", valid_post()).status_code == 410
    future = make_campaign(vitre, mini)
    Campaign.objects.filter(pk=future.pk).update(opens_on=today() + timedelta(days=3))
    page = Client().get(f"/enquetes/r/{future.token}/")
    assert page.status_code == 404 and "pas encore ouverte" in page.content.decode()
    assert Client().get("/enquetes/r/inconnu/").status_code == 404
    assert Submission.objects.count() == 0


def test_public_post_needs_csrf(campaign: Campaign) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/enquetes/r/{campaign.token}/", {"consentement": "1"}).status_code == 403
