"""Station district pages: search, portrait, ranking, and a team's assessment with its rights,
checks, conflicts and history (on the mini warehouse of tests/fixtures)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.gares.models import StationAssessment

pytestmark = pytest.mark.django_db

DAY = "2025-01-28"
VITRE = "87471300"  # Vitré station in the mini mirror
CESSON = "87471557"  # Cesson-Sévigné: Rennes Métropole, not Vitré Communauté
EPCI = "200039022"
URL = f"/gares/{VITRE}/equipes/epci/{EPCI}/?date={DAY}"
PASSWORD = "un-mot-de-passe-solide-42"


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


def test_search_redirects_one_answer_and_lists_or_explains_the_others() -> None:
    client = _client()
    assert client.get("/gares/").status_code == 200
    found = client.get(f"/gares/?q=Vitré&date={DAY}")
    assert found.status_code == 302 and found["Location"] == f"/gares/{VITRE}/?date={DAY}"
    by_uic = client.get(f"/gares/?q={VITRE}&date={DAY}")
    assert by_uic["Location"].startswith(f"/gares/{VITRE}/")
    several = client.get(f"/gares/?q=Paris&date={DAY}")
    text = several.content.decode()
    assert several.status_code == 200
    assert "Paris Bourse RER E" in text and "Paris Châtelet - Les Halles" in text
    none = client.get(f"/gares/?q=Zzyzx&date={DAY}").content.decode()
    assert "Aucune gare ni commune ne correspond à « Zzyzx »" in none
    # punctuation alone listed « désigne plusieurs gares… »: ask for a letter or a digit
    marks = client.get(f"/gares/?q=%25%25%25&date={DAY}").content.decode()
    assert "Saisissez au moins une lettre ou un chiffre" in marks and "plusieurs" not in marks


def test_portrait_shows_levels_map_sources_gaps_and_checklist() -> None:
    response = _client().get(f"/gares/{VITRE}/?date={DAY}")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Quartier de gare — Vitré" in text and 'class="carte-gare"' in text
    assert "Pôle multimodal : niveau" in text and "SNCF" in text
    assert "Écarts au portrait-robot et actions" in text
    assert "Stationnement vélo sécurisé" in text and "à observer sur place" in text
    assert "Connectez-vous" in text  # anonymous: how to record observations
    pdf = _client().get(f"/gares/{VITRE}/?date={DAY}&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_portrait_of_unknown_or_malformed_station_is_404() -> None:
    assert _client().get(f"/gares/87999999/?date={DAY}").status_code == 404
    assert _client().get("/gares/8747/").status_code == 404


def test_ranking_page_exports_and_refuses_unknown_sort() -> None:
    client = _client()
    page = client.get(f"/gares/classement/?date={DAY}")
    text = page.content.decode()
    assert page.status_code == 200 and "Libourne" in text and "incomplète" in text
    assert f'href="/gares/{VITRE}/?date={DAY}"' in text
    csv = client.get(f"/gares/classement/?date={DAY}&format=csv")
    assert csv.status_code == 200 and "Gare principale" in csv.content.decode("utf-8-sig")
    sorted_page = client.get(f"/gares/classement/?date={DAY}&tri=departs_train&ordre=desc")
    assert sorted_page.status_code == 200
    bad = client.get(f"/gares/classement/?date={DAY}&tri=nimportequoi")
    assert bad.status_code == 400 and "Colonne de tri inconnue" in bad.content.decode()


def test_assessment_rights(team: dict[str, User]) -> None:
    anonymous = _client().get(URL)
    assert anonymous.status_code == 302 and "/connexion/" in anonymous["Location"]
    assert _client(team["ailleurs"]).get(URL).status_code == 403
    reader = _client(team["lecteur"])
    page = reader.get(URL)
    assert page.status_code == 200 and "Enregistrer les observations" not in page.content.decode()
    assert reader.post(URL, {"niveau_stationnement_velo": "2"}).status_code == 403
    assert not StationAssessment.objects.exists()
    # a station that does not serve the team's territory
    outside = f"/gares/{CESSON}/equipes/epci/{EPCI}/?date={DAY}"
    assert _client(team["gestion"]).get(outside).status_code == 404
    # the portrait page offers the assessment to the team's members only
    mine = _client(team["membre"]).get(f"/gares/{VITRE}/?date={DAY}").content.decode()
    assert f"/gares/{VITRE}/equipes/epci/{EPCI}/" in mine
    theirs = _client(team["ailleurs"]).get(f"/gares/{VITRE}/?date={DAY}").content.decode()
    assert "/equipes/epci/" not in theirs


def test_member_records_observations_gets_gaps_and_history(team: dict[str, User]) -> None:
    client = _client(team["membre"])
    before = client.get(URL).content.decode()
    assert "pas encore commencée" in before
    saved = client.post(
        URL,
        {
            "version": "0",
            "niveau_stationnement_velo": "0",
            "niveau_correspondances_bus": "3",
            "commentaire_stationnement_velo": "Aucun arceau sur le parvis.",
            "notes": "Visite du 3 décembre.",
        },
    )
    assert saved.status_code == 302 and saved["Location"] == URL
    found = StationAssessment.objects.get()
    assert found.observations == {"stationnement_velo": 0, "correspondances_bus": 3}
    assert found.commentaires == {"stationnement_velo": "Aucun arceau sur le parvis."}
    page = client.get(URL).content.decode()
    assert "Observations enregistrées" in page
    assert "Aucun arceau sur le parvis." in page and "Visite du 3 décembre." in page
    # the gap of the level-0 observation comes with its actions
    gaps = page.split('id="ecarts"')[1].split('id="observations"')[0]
    assert "Stationnement vélo sécurisé" in gaps and "Porteurs" in gaps
    # a second save by the manager: both versions in the history, with what changed
    manager = _client(team["gestion"])
    again = manager.post(URL, {"version": "1", "niveau_stationnement_velo": "2"})
    assert again.status_code == 302
    history = manager.get(URL).content.decode().split('id="historique"')[1]
    assert "gestion" in history and "membre" in history
    assert "Stationnement vélo sécurisé : niveau 0 → 2" in history
    assert "Correspondances bus et cars" in history and "retiré" in history
    pdf = manager.get(URL + "&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_bad_input_is_refused_with_its_field_and_nothing_saved(team: dict[str, User]) -> None:
    client = _client(team["gestion"])
    response = client.post(
        URL,
        {"version": "0", "niveau_stationnement_velo": "7", "notes": "texte\x00caché"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Niveau invalide « 7 »" in text and "caractère de contrôle U+0000" in text
    assert not StationAssessment.objects.exists()


def test_concurrent_save_is_refused_and_keeps_the_input(team: dict[str, User]) -> None:
    first, second = _client(team["gestion"]), _client(team["membre"])
    assert first.post(URL, {"version": "0", "niveau_mixite_usages": "1"}).status_code == 302
    stale = second.post(URL, {"version": "0", "niveau_mixite_usages": "3"})
    text = stale.content.decode()
    assert stale.status_code == 409 and "modifiée par gestion" in text
    assert StationAssessment.objects.get().observations == {"mixite_usages": 1}
    assert 'value="3" checked' in text  # the member's input is still in the form


def test_team_page_lists_the_territory_stations_and_their_assessment(
    team: dict[str, User],
) -> None:
    client = _client(team["lecteur"])
    before = client.get(f"/equipes/epci/{EPCI}/").content.decode()
    assert f"/gares/{VITRE}/equipes/epci/{EPCI}/" in before and "pas encore commencée" in before
    _client(team["membre"]).post(URL, {"version": "0", "niveau_mixite_usages": "2"})
    after = client.get(f"/equipes/epci/{EPCI}/").content.decode()
    assert "1 observation de terrain" in after


def test_review_findings_odd_digits_and_unknown_format(team: dict[str, User]) -> None:
    client = _client(team["gestion"])
    for odd in ("²", "٣", "9" * 5000):
        response = client.post(URL, {"version": "0", "niveau_stationnement_velo": odd})
        assert response.status_code == 400, odd
    assert client.post(URL, {"version": "²"}).status_code == 302  # unreadable version: no check
    assert _client().get(f"/gares/{VITRE}/?date={DAY}&format=xml").status_code == 400
    assert _client().get(f"/gares/{VITRE}%0A/?date={DAY}").status_code == 404


def test_a_bad_stored_record_never_breaks_the_page_the_pdf_or_the_history(
    team: dict[str, User],
) -> None:
    client = _client(team["gestion"])
    assert client.post(URL, {"version": "0", "niveau_stationnement_velo": "1"}).status_code == 302
    found = StationAssessment.objects.get()
    for observations, comments in (
        ({"stationnement_velo": "abc", "zzz": 2, "mixite_usages": 9}, {"x": 5}),
        ([["stationnement_velo", 1]], ["a"]),
        ({"stationnement_velo": 1.5}, {"mixite_usages": None}),
    ):
        StationAssessment.objects.filter(pk=found.pk).update(
            observations=observations, commentaires=comments
        )
        found.refresh_from_db()
        found.save()  # a history version holding the bad values too
        page = client.get(URL)
        assert page.status_code == 200, observations
        assert client.get(URL + "&format=pdf").status_code == 200
        team_page = client.get(f"/equipes/epci/{EPCI}/")
        assert team_page.status_code == 200
        assert "0 observation de terrain" in team_page.content.decode()


def test_line_breaks_count_once_and_unchanged_saves_add_no_version(team: dict[str, User]) -> None:
    client = _client(team["membre"])
    notes = "\r\n".join(["x" * 99] * 50)  # 4,999 characters as the browser counts them
    assert client.post(URL, {"version": "0", "notes": notes}).status_code == 302
    found = StationAssessment.objects.get()
    assert found.notes == notes.replace("\r\n", "\n")
    assert client.post(URL, {"version": "1", "notes": notes}).status_code == 302
    assert found.history.count() == 1  # nothing changed: no second version
