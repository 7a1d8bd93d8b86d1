"""The respondent's pages: a lean layout (service name only, no site menu, no login button), the
progress through the form, and the thanks said only once the answers are sent."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import Campaign, SurveyForm
from teletravail.web.surveys.service import ensure_shipped_forms
from tests.web.surveys.conftest import login, make_campaign, valid_post

pytestmark = pytest.mark.django_db

THANKS = "Merci pour vos réponses"


def _consented(campaign: Campaign) -> Client:
    client = Client()
    client.post(f"/enquetes/r/{campaign.token}/", {"consentement": "1"})
    return client


def _lean(html: str) -> None:
    assert 'class="fr-header' in html and "fr-header__service-title" in html
    assert "fr-nav" not in html  # no site menu
    assert "Se connecter" not in html and 'href="/connexion/"' not in html
    assert 'href="#recherche"' not in html  # no skip link to a search box that is not there


def _progress(html: str) -> tuple[int, int]:
    match = re.search(
        r"Questions répondues : <span data-repondues>(\d+)</span> sur <span data-total>(\d+)</span>",
        html,
    )
    assert match, "no progress on the page"
    bar = re.search(r'<progress id="progression-barre" max="(\d+)" value="(\d+)"', html)
    assert bar and (int(bar.group(2)), int(bar.group(1))) == (
        int(match.group(1)),
        int(match.group(2)),
    )
    return int(match.group(1)), int(match.group(2))


def test_public_pages_have_no_site_menu(campaign: Campaign, mini: SurveyForm) -> None:
    client = Client()
    _lean(client.get(f"/enquetes/r/{campaign.token}/").content.decode())
    client.post(f"/enquetes/r/{campaign.token}/", {"consentement": "1"})
    form = client.get(f"/enquetes/r/{campaign.token}/mini/")
    assert form.status_code == 200
    _lean(form.content.decode())
    sent = client.post(f"/enquetes/r/{campaign.token}/mini/", valid_post())
    _lean(sent.content.decode())
    _lean(client.post(f"/enquetes/r/{campaign.token}/mini/", valid_post()).content.decode())
    _lean(client.get("/enquetes/recu/").content.decode())


def test_interviewer_mode_keeps_the_site_layout(
    campaign: Campaign, member: User, mini: SurveyForm
) -> None:
    html = login(member).get(f"/enquetes/{campaign.pk}/saisie/mini/").content.decode()
    assert "fr-nav" in html and "Se déconnecter" in html


def test_progress_counts_the_questions_shown_and_answered(
    campaign: Campaign, mini: SurveyForm
) -> None:
    client = _consented(campaign)
    url = f"/enquetes/r/{campaign.token}/mini/"
    # Empty form: situation, teletravail, jours and lieux (shown until teletravail is "non"),
    # souhaits, trajets[1]/destination; the note is not a question.
    assert _progress(client.get(url).content.decode()) == (0, 6)
    # Two answers; "non" hides jours and lieux; a second trip is added (no JavaScript).
    page = client.post(
        url,
        {
            "_uuid": "3f1c6a55-8d64-4f0e-9a57-2d0b8a8e7c12",
            "situation": "retraite",
            "teletravail": "non",
            "_n:trajets": "1",
            "trajets[1]/destination": "Rennes",
            "_action": "ajouter:trajets",
        },
    )
    assert _progress(page.content.decode()) == (3, 5)  # + trajets[2]/destination
    # An invalid sending shows the progress of what was typed.
    page = client.post(url, {**valid_post(), "jours": "9"})
    answered, total = _progress(page.content.decode())
    assert (answered, total) == (6, 6)


def test_progress_percent() -> None:
    from teletravail.web.surveys.formpage import Progress

    assert Progress(3, 4).percent == 75 and Progress(0, 0).percent == 100


def test_thanks_only_after_sending(manager: User, vitre: Territory) -> None:
    ensure_shipped_forms()
    shipped = SurveyForm.objects.filter(territory__isnull=True)
    campaign = make_campaign(vitre, *shipped)
    client = _consented(campaign)
    for form in shipped:
        page = client.get(f"/enquetes/r/{campaign.token}/{form.slug}/")
        assert page.status_code == 200
        assert THANKS not in page.content.decode(), form.slug


def test_receipt_page_thanks_the_respondent(campaign: Campaign, mini: SurveyForm) -> None:
    client = _consented(campaign)
    page = client.get(f"/enquetes/r/{campaign.token}/mini/")
    assert "Merci" not in page.content.decode()
    sent = client.post(f"/enquetes/r/{campaign.token}/mini/", valid_post())
    assert sent.status_code == 200 and THANKS in sent.content.decode()
