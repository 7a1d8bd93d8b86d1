"""Public pages and JSON API over a warehouse built from the mini mirror."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils.html import escape

from teletravail.territory.card import card_for
from teletravail.territory.lookup import gazetteer_for
from teletravail.warehouse import open_warehouse


@pytest.fixture
def client() -> Client:
    return Client()


def _card(warehouse: Path, code: str) -> dict[str, object]:
    con = open_warehouse(warehouse)
    try:
        entry = next(e for e in gazetteer_for(warehouse).by_code[code])
        return card_for(con, entry).model_dump(mode="json")
    finally:
        con.close()


def test_home_has_an_accessible_search_form(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert 'class="fr-skiplinks"' in html and 'href="#content"' in html
    assert '<label class="fr-label" for="q">' in html and 'id="q" name="q"' in html
    assert "cdn" not in html.lower()
    assert "/static/dsfr/" in html


def test_search_finds_vitre_without_accent(client: Client) -> None:
    response = client.get("/", {"q": "vitre"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vitré" in html
    assert 'href="/territoires/commune/35360/"' in html


def test_search_without_result_says_so(client: Client) -> None:
    response = client.get("/", {"q": "zzzzqqqq"})
    assert response.status_code == 200
    assert "Aucun territoire ne correspond" in response.content.decode()


@pytest.mark.parametrize(("kind", "code"), [("commune", "35360"), ("epci", "200039022")])
def test_territory_page_shows_the_card(
    client: Client, web_warehouse: Path, kind: str, code: str
) -> None:
    card = _card(web_warehouse, code)
    response = client.get(f"/territoires/{kind}/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{card['nom']}</h1>" in html
    population = card["population"]
    assert isinstance(population, dict)
    assert f"{population['valeur']:,} habitants".replace(",", "\u202f") in html  # French
    for source in card["sources"]:  # type: ignore[attr-defined]
        assert escape(source["titre"]) in html


@pytest.mark.parametrize("path", ["/territoires/commune/99999/", "/territoires/region/35/"])
def test_unknown_territory_is_404(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_pages_send_security_headers(client: Client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_api_search_returns_cli_candidates(client: Client) -> None:
    response = client.get("/api/v1/territoires", {"q": "vitre"})
    assert response.status_code == 200
    body = response.json()
    assert body["requete"] == "vitre"
    assert body["statut"] in {"trouve", "ambigu"}
    first = body["candidats"][0]
    assert set(first) == {"type", "code", "nom", "detail", "population", "correspondance"}
    assert (first["type"], first["code"], first["nom"]) == ("commune", "35360", "Vitré")


def test_api_search_no_match(client: Client) -> None:
    body = client.get("/api/v1/territoires", {"q": "zzzzqqqq"}).json()
    assert body == {"statut": "aucun", "requete": "zzzzqqqq", "candidats": []}


@pytest.mark.parametrize(("kind", "code"), [("commune", "35360"), ("epci", "200039022")])
def test_api_card_is_the_cli_fiche(
    client: Client, web_warehouse: Path, kind: str, code: str
) -> None:
    response = client.get(f"/api/v1/territoires/{kind}/{code}")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(_card(web_warehouse, code)))


def test_api_unknown_territory_is_404_in_french(client: Client) -> None:
    response = client.get("/api/v1/territoires/commune/99999")
    assert response.status_code == 404
    erreur = response.json()["erreur"]
    assert erreur["code"] == "introuvable"
    assert "99999" in erreur["message"]


@pytest.mark.parametrize(
    ("path", "params", "champ"),
    [
        ("/api/v1/territoires", {}, "q"),
        ("/api/v1/territoires", {"q": ""}, "q"),
        ("/api/v1/territoires/region/35", {}, "kind"),
    ],
)
def test_api_bad_input_is_422_in_french(
    client: Client, path: str, params: dict[str, str], champ: str
) -> None:
    response = client.get(path, params)
    assert response.status_code == 422
    erreur = response.json()["erreur"]
    assert erreur["code"] == "entree_invalide"
    assert erreur["message"].startswith("Entrée invalide")
    assert [d["champ"] for d in erreur["details"]] == [champ]


def test_openapi_documents_the_territory_endpoints(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["version"] == "1"
    assert {"/api/v1/territoires", "/api/v1/territoires/{kind}/{code}"} <= set(spec["paths"])
