"""Programme pages: a team writes its vision, adds actions (history, comments), follows an
indicator of its diagnostic, publishes; another territory's team reads the published programme
without the comments; rights and bad input."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.programmes.models import ActionComment, ProgrammeAction, TerritoryProgramme

pytestmark = pytest.mark.django_db

EPCI = "200039022"
BASE = f"/programmes/epci/{EPCI}/"
PASSWORD = "un-mot-de-passe-solide-42"


@pytest.fixture(autouse=True)
def _fixture_day(settings: Settings) -> None:
    settings.TELETRAVAIL_REFERENCE_DAY = date(2025, 1, 28)


@pytest.fixture
def team() -> dict[str, User]:
    territory = Territory.objects.create(kind="epci", code=EPCI, nom="CA Vitré Communauté")
    other = Territory.objects.create(kind="commune", code="33243", nom="Libourne")
    users = {}
    for name, role, where in (
        ("gestion", Role.MANAGER, territory),
        ("membre", Role.MEMBER, territory),
        ("lecteur", Role.READER, territory),
        ("ailleurs", Role.MANAGER, other),
    ):
        users[name] = User.objects.create_user(name, f"{name}@example.fr", PASSWORD)
        Membership.objects.create(user=users[name], territory=where, role=role)
    return users


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ACTION = {
    "titre": "Ouvrir un tiers-lieu en gare",
    "theme": "Immobilier et bureaux",
    "description": "Dans l'ancienne halle.",
    "porteur": "Vitré Communauté",
    "partenaires": "SNCF Gares & Connexions, Région",
    "budget": "250000",
    "financements": "Région : 100 000 ; Banque des Territoires : 50 000,50 ; Europe (FEDER)",
    "debut": "2026-01-01",
    "fin": "2027-06-30",
    "statut": "prevue",
}


def test_team_writes_its_programme_and_another_team_reads_it(team: dict[str, User]) -> None:
    manager, member = _client(team["gestion"]), _client(team["membre"])
    assert manager.get(BASE).status_code == 200  # created empty on first visit
    vision = {
        "vision": "Une ville où l'on vit et travaille.",
        "horizon": "2040",
        "themes": "Immobilier et bureaux\nMobilité\nVie locale",
    }
    assert manager.post(BASE + "vision/", vision).status_code == 302
    created = member.post(BASE + "actions/nouvelle/", ACTION)
    assert created.status_code == 302
    action = ProgrammeAction.objects.get()
    assert action.financements == [
        {"source": "Région", "montant": 100000.0},
        {"source": "Banque des Territoires", "montant": 50000.5},
        {"source": "Europe (FEDER)", "montant": None},
    ]
    edit = dict(ACTION, statut="en_cours")
    assert manager.post(f"/programmes/actions/{action.pk}/modifier/", edit).status_code == 302
    assert (
        member.post(f"/programmes/actions/{action.pk}/", {"texte": "Réunion le 12."}).status_code
        == 302
    )
    page = member.get(f"/programmes/actions/{action.pk}/").content.decode()
    assert "Statut : Prévue → En cours" in page and "Réunion le 12." in page
    assert "gestion" in page and "membre" in page  # authors in the history
    programme = member.get(BASE).content.decode()
    assert "Une ville où" in programme and "horizon 2040" in programme
    assert "Ouvrir un tiers-lieu en gare" in programme
    assert re.search(r"250\s000 €", programme)  # French thousands separator
    # another territory's team: nothing before publication, the programme after, no comments
    other = _client(team["ailleurs"])
    assert other.get(BASE).status_code == 403
    assert other.get(f"/programmes/actions/{action.pk}/").status_code == 403
    assert manager.post(BASE + "publication/", {"publier": "oui"}).status_code == 302
    assert "CA Vitré Communauté" in other.get("/programmes/publies/").content.decode()
    read = other.get(BASE)
    assert read.status_code == 200 and "Ouvrir un tiers-lieu en gare" in read.content.decode()
    detail = other.get(f"/programmes/actions/{action.pk}/").content.decode()
    assert "Réunion le 12." not in detail and "Modifier l'action" not in detail
    assert other.post(f"/programmes/actions/{action.pk}/", {"texte": "Intrus"}).status_code == 403
    assert other.post(BASE + "actions/nouvelle/", ACTION).status_code == 403
    assert ActionComment.objects.count() == 1


def test_follow_an_indicator_of_the_diagnostic(team: dict[str, User]) -> None:
    member = _client(team["membre"])
    page = member.get(BASE + "indicateurs/").content.decode()
    assert "Suivre cet indicateur" in page
    followed = member.post(
        BASE + "indicateurs/",
        {"reference": "population_2023", "cible": "90000", "annee_cible": "2035"},
    )
    assert followed.status_code == 302, followed.content.decode()[:2000]
    indicator = TerritoryProgramme.objects.get().indicators.get()
    assert indicator.valeur_initiale is not None and indicator.valeur_initiale > 0
    assert indicator.date_initiale == date(2025, 1, 28)
    programme = member.get(BASE).content.decode()
    assert indicator.libelle in programme and "en 2035" in programme


def test_rights_and_bad_input(team: dict[str, User]) -> None:
    reader, member = _client(team["lecteur"]), _client(team["membre"])
    assert _client().get(BASE).status_code == 302  # to the login page
    assert reader.get(BASE).status_code == 200
    assert reader.post(BASE + "actions/nouvelle/", ACTION).status_code == 403
    assert member.post(BASE + "vision/", {"themes": "A"}).status_code == 403  # managers only
    assert member.post(BASE + "publication/", {"publier": "oui"}).status_code == 403
    bad = member.post(
        BASE + "actions/nouvelle/",
        dict(ACTION, fin="2025-01-01", financements="Région : douze", titre="x\x07"),
    )
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "La fin ne peut pas précéder le début" in text
    assert "Montant illisible" in text or "Financement illisible" in text
    assert "caractère de contrôle" in text
    assert not ProgrammeAction.objects.exists()
    assert _client(team["ailleurs"]).get("/programmes/epci/999999999/").status_code == 403


def test_suggested_actions_come_with_their_motive(team: dict[str, User]) -> None:
    member = _client(team["membre"])
    page = member.get(BASE + "suggestions/")
    text = page.content.decode()
    assert page.status_code == 200 and "Ajouter au programme" in text
    assert "/gares/87471300/" in text  # the busiest station's gaps (open data only)
    form = member.get(BASE + "actions/nouvelle/?suggestion=0").content.decode()
    title = text.split("<strong>")[1].split("</strong>")[0]
    assert title in form
    data = dict(ACTION, titre=html.unescape(title))
    assert member.post(BASE + "actions/nouvelle/?suggestion=0", data).status_code == 302
    action = ProgrammeAction.objects.get()
    assert action.motifs and action.motifs[0]["type"] == "gare"
    assert action.motifs[0]["url"] == "/gares/87471300/"
    assert title not in member.get(BASE + "suggestions/").content.decode().split("<ol>")[1]
    assert _client(team["lecteur"]).get(BASE + "suggestions/").status_code == 403


@pytest.mark.django_db(transaction=True)  # the task worker commits for real
def test_exports_and_import_round_trip(team: dict[str, User]) -> None:
    from tests.web.surveys.test_jobs import run_worker

    manager = _client(team["gestion"])
    assert manager.post(BASE + "actions/nouvelle/", ACTION).status_code == 302
    synthese = manager.get(BASE + "export/?format=synthese")
    assert synthese.status_code == 200 and synthese.content.startswith(b"%PDF")
    asked = manager.get(BASE + "export/?format=pdf")  # the full PDF: a background job
    assert asked.status_code == 302 and asked["Location"].startswith("/programmes/taches/")
    waiting = manager.get(asked["Location"]).content.decode()
    assert "En attente" in waiting and 'http-equiv="refresh"' in waiting
    run_worker()
    done = manager.get(asked["Location"]).content.decode()
    assert "Télécharger le programme (PDF)" in done
    full = manager.get(asked["Location"] + "fichier/")
    assert full.status_code == 200 and b"".join(full.streaming_content).startswith(b"%PDF")
    assert _client(team["ailleurs"]).get(asked["Location"]).status_code == 403
    xlsx = manager.get(BASE + "export/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert manager.get(BASE + "export/?format=doc").status_code == 400
    page = manager.get(BASE).content.decode()
    assert "Calendrier des actions" in page and 'class="graphique"' in page
    # the same workbook, with a second action typed by hand: one added, one updated
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book["actions"]
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    row = [None] * len(header)
    row[header.index("titre")] = "Navette gare – centre"
    row[header.index("theme")] = "Mobilité"
    row[header.index("statut")] = "En cours"
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "programme.xlsx"
    imported = manager.post(BASE + "import/", {"fichier": upload})
    assert imported.status_code == 302, imported.content.decode()[-3000:]
    run_worker()
    assert "Import terminé" in manager.get(imported["Location"]).content.decode()
    assert ProgrammeAction.objects.count() == 2
    assert ProgrammeAction.objects.get(titre="Navette gare – centre").statut == "en_cours"
    # a wrong cell: nothing imported, the cell named
    sheet.cell(row=sheet.max_row, column=header.index("statut") + 1, value="Peut-être")
    sheet.cell(row=sheet.max_row, column=header.index("titre") + 1, value="Autre action")
    out = io.BytesIO()
    book.save(out)
    bad = io.BytesIO(out.getvalue())
    bad.name = "programme.xlsx"
    refused = manager.post(BASE + "import/", {"fichier": bad})
    run_worker()
    text = manager.get(refused["Location"]).content.decode()
    assert (
        "Rien n&#x27;a été importé" in text and "Peut-être" in text and "Cases à corriger" in text
    )
    assert ProgrammeAction.objects.count() == 2
    assert _client(team["membre"]).post(BASE + "import/", {"fichier": bad}).status_code == 403


def test_an_action_cites_what_motivated_it(team: dict[str, User]) -> None:
    from teletravail.web.gares.models import StationAssessment

    territory = Territory.objects.get(code=EPCI)
    StationAssessment.objects.create(territory=territory, uic="87471300", gare_nom="Vitré")
    member = _client(team["membre"])
    form = member.get(BASE + "actions/nouvelle/").content.decode()
    assert (
        "Quartier de gare Vitré : évaluation de l" in form
        and 'value="indicateur:population_2023"' in form
    )
    data = dict(ACTION, motifs=["gare:87471300", "indicateur:population_2023", "gare:inconnue"])
    refused = member.post(BASE + "actions/nouvelle/", data)
    assert refused.status_code == 400  # a value the form does not offer
    data["motifs"] = ["gare:87471300", "indicateur:population_2023"]
    assert member.post(BASE + "actions/nouvelle/", data).status_code == 302
    action = ProgrammeAction.objects.get()
    assert [m["type"] for m in action.motifs] == ["gare", "indicateur"]
    page = member.get(f"/programmes/actions/{action.pk}/").content.decode()
    assert "Ce qui l" in page and f"/gares/87471300/equipes/epci/{EPCI}/" in page
    # editing keeps what is still chosen and drops what is not
    edit = dict(ACTION, motifs=["indicateur:population_2023"])
    assert member.post(f"/programmes/actions/{action.pk}/modifier/", edit).status_code == 302
    action.refresh_from_db()
    assert [m["reference"] for m in action.motifs] == ["population_2023"]
