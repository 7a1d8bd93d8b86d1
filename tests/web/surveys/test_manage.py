"""Team pages: create/edit a campaign, import an XLSForm, import Kobo answers, downloads,
interviewer mode, results and theme tags, measured telework."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import (
    Campaign,
    Submission,
    SurveyForm,
    SurveyReference,
    TextTag,
)
from teletravail.web.surveys.service import measured_telework, store_submission
from tests.web.surveys.conftest import FIXTURES, login, make_campaign, today, valid_post

pytestmark = pytest.mark.django_db


def _campaign_post(mini: SurveyForm, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Habitants 2026",
        "forms": [mini.pk],
        "opens_on": today().isoformat(),
        "closes_on": (today() + timedelta(days=30)).isoformat(),
        "purpose": "Mesurer le télétravail",
        "controller": "Mairie, dpo@example.org",
        "retention_until": (today() + timedelta(days=400)).isoformat(),
    }
    data.update(changes)
    return data


def test_create_and_edit_campaign(manager: User, mini: SurveyForm, vitre: Territory) -> None:
    client = login(manager)
    page = client.get("/enquetes/epci/200039022/nouvelle/")
    assert page.status_code == 200 and "Mini questionnaire" in page.content.decode()
    bad = client.post(
        "/enquetes/epci/200039022/nouvelle/",
        _campaign_post(mini, retention_until=today().isoformat()),
    )
    assert bad.status_code == 400 and "postérieure ou égale à la clôture" in bad.content.decode()
    done = client.post("/enquetes/epci/200039022/nouvelle/", _campaign_post(mini))
    campaign = Campaign.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/enquetes/{campaign.pk}/"
    assert campaign.territory == vitre and list(campaign.forms.all()) == [mini]
    assert len(campaign.token) >= 32 and campaign.created_by == manager
    edit = client.post(f"/enquetes/{campaign.pk}/modifier/", _campaign_post(mini, title="Nouveau"))
    assert edit.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Nouveau"
    page = client.get(f"/enquetes/{campaign.pk}/").content.decode()
    assert f"/enquetes/r/{campaign.token}/" in page
    listing = client.get("/enquetes/epci/200039022/").content.decode()
    assert "Nouveau" in listing


def test_other_territory_forms_are_not_offered(
    manager: User, mini: SurveyForm, sens: Territory
) -> None:
    from tests.web.surveys.conftest import make_form

    foreign = make_form(sens, slug="etranger")
    client = login(manager)
    page = client.post(
        "/enquetes/epci/200039022/nouvelle/", _campaign_post(mini, forms=[foreign.pk])
    )
    assert page.status_code == 400 and Campaign.objects.count() == 0


def test_import_xlsform_ok_and_error(manager: User, campaign: Campaign) -> None:
    client = login(manager)
    bad = client.post(
        f"/enquetes/{campaign.pk}/importer-formulaire/",
        {"fichier": _upload("invalid.md")},
    )
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Feuille « survey », ligne 3, colonne « relevant »" in html
    assert "Ligne : 3" in html
    ok = client.post(
        f"/enquetes/{campaign.pk}/importer-formulaire/", {"fichier": _upload("mini.md")}
    )
    assert ok.status_code == 302
    imported = SurveyForm.objects.exclude(
        pk__in=[f.pk for f in SurveyForm.objects.filter(slug="mini")]
    )
    new = imported.get()
    assert new.slug == "mini-2" and new.territory == campaign.territory
    assert campaign.forms.filter(pk=new.pk).exists()


def _upload(name: str) -> io.BytesIO:
    data = io.BytesIO((FIXTURES / name).read_bytes())
    data.name = name
    return data


def test_downloads_and_exports(manager: User, campaign: Campaign, mini: SurveyForm) -> None:
    store_submission(
        campaign,
        mini,
        uuid.uuid4(),
        {"situation": "retraite", "teletravail": "non"},
        source="api",
        consent=False,
    )
    client = login(manager)
    xls = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/xlsform/")
    workbook = b"".join(xls.streaming_content if xls.streaming else [xls.content])
    assert workbook[:2] == b"PK" and 'filename="mini.xlsx"' in xls["Content-Disposition"]
    from teletravail.surveys.xlsform import load_xlsform

    assert load_xlsform(workbook, "mini.xlsx").xform == mini.form().xform  # same form, as .xlsx
    xform = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/xform/")
    assert b"<h:html" in xform.content or b"<html" in xform.content
    text = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.csv").content.decode(
        "utf-8-sig"
    )
    rows = list(
        csv.reader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ",")
    )
    assert len(rows) == 2 and any("retraite" in cell for cell in rows[1])
    xlsx = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.pdf").status_code == 404


def test_labelled_export_beside_the_coded_one(
    manager: User, campaign: Campaign, mini: SurveyForm
) -> None:
    """The results page links a CSV with question and choice labels ("Retraité", not
    "retraite"); the coded CSV keeps the codes."""
    stored = store_submission(
        campaign,
        mini,
        uuid.uuid4(),
        {
            "situation": "retraite",
            "teletravail": "regulier",
            "jours": 2,
            "lieux": "domicile tiers_lieu",
        },
        source="api",
        consent=False,
    )
    assert stored.created, stored.errors
    client = login(manager)
    url = f"/enquetes/{campaign.pk}/formulaires/mini/reponses-libelles.csv"
    assert url in client.get(f"/enquetes/{campaign.pk}/resultats/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and "libelles.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:3] == ["Identifiant de la réponse", "Envoyée le", "Mode de collecte"]
    assert "Votre situation [situation]" in header
    values = dict(zip(header, row, strict=True))
    assert values["Votre situation [situation]"] == "Retraité"
    assert values["Télétravaillez-vous ? [teletravail]"] == "Régulièrement"
    assert values["Lieux [lieux]"] == "Domicile ; Tiers-lieu"
    assert values["Mode de collecte"] == "API"
    assert Client().get(url).status_code in (302, 403)  # a team's page


def test_interviewer_mode(member: User, campaign: Campaign) -> None:
    client = login(member)
    url = f"/enquetes/{campaign.pk}/saisie/mini/"
    page = client.get(url).content.decode()
    assert "La personne interrogée a donné son accord" in page
    refused = client.post(url, valid_post())
    assert "Confirmez que la personne interrogée" in refused.content.decode()
    assert Submission.objects.count() == 0
    data = valid_post()
    data["_accord"] = "1"
    done = client.post(url, data)
    assert "Code de reçu" in done.content.decode()
    stored = Submission.objects.get()
    assert stored.source == "enqueteur" and stored.interviewer == member


def test_results_and_tags(
    manager: User, reader: User, campaign: Campaign, mini: SurveyForm
) -> None:
    for i in range(6):
        store_submission(
            campaign,
            mini,
            uuid.uuid4(),
            {
                "situation": "salarie_prive",
                "teletravail": "regulier" if i % 2 else "non",
                **({"jours": 2} if i % 2 else {}),
                "avis": {"souhaits": f"Souhait {i}"},
            },
            source="api",
            consent=False,
        )
    page = login(reader).get(f"/enquetes/{campaign.pk}/resultats/?segment=situation")
    html = page.content.decode()
    assert page.status_code == 200
    assert "6 réponses analysées" in html and "Souhait 3" in html
    assert "Ajouter le thème" not in html
    first = Submission.objects.order_by("pk").first()
    assert first is not None
    client = login(manager)
    assert "Ajouter le thème" in client.get(f"/enquetes/{campaign.pk}/resultats/").content.decode()
    client.post(
        f"/enquetes/{campaign.pk}/resultats/themes/",
        {"reponse": first.pk, "question": "souhaits", "theme": "mobilité"},
    )
    assert TextTag.objects.get().theme == "mobilité"
    html = client.get(f"/enquetes/{campaign.pk}/resultats/").content.decode()
    assert "mobilité" in html
    for question in ("inexistante", "situation"):  # unknown, and not a free-text question
        refused = client.post(
            f"/enquetes/{campaign.pk}/resultats/themes/",
            {"reponse": first.pk, "question": question, "theme": "mobilité"},
            follow=True,
        )
        assert "n&#x27;est pas une question à réponse libre" in refused.content.decode()
    blank = client.post(
        f"/enquetes/{campaign.pk}/resultats/themes/",
        {"reponse": first.pk, "question": "souhaits", "theme": "   "},
        follow=True,
    )
    assert "indiquez un thème de 1 à 100 caractères" in blank.content.decode()
    assert TextTag.objects.count() == 1


def test_measured_telework(vitre: Territory, mini: SurveyForm) -> None:
    from tests.web.surveys.conftest import make_form

    residents = make_form(None, name="mini.md", slug="residents")
    campaign = make_campaign(vitre, residents)
    assert measured_telework("epci", "200039022") is None
    for i in range(12):
        store_submission(
            campaign,
            residents,
            uuid.uuid4(),
            {
                "situation": "salarie_prive",
                "teletravail": "regulier" if i < 6 else "non",
                **({"jours": 1} if i < 6 else {}),
            },
            source="api",
            consent=False,
        )
    assert measured_telework("epci", "200039022") is None  # no reference campaign chosen yet
    SurveyReference.objects.create(territory=vitre, campaign=campaign)
    measured = measured_telework("epci", "200039022")
    assert measured is not None
    assert measured.n == 12 and measured.value == pytest.approx(0.5)  # 6 of 12, both >= 5
    assert measured.ci_low is not None and measured.ci_low < 0.5 < (measured.ci_high or 0)
    assert measured.campaign_url == f"/enquetes/{campaign.pk}/"
    assert measured_telework("epci", "200067767") is None
