"""The comparison page /comparer/ over the mini mirror's warehouse."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.test import Client
from openpyxl import load_workbook

from teletravail.reports.comparison import MAX_TERRITORIES, ROWS
from teletravail.web.diagnostics import compare, service

EPCI = "200039022"  # CA Vitré Communauté, in tests/fixtures/opendata
COMMUNE = "35360"  # Vitré
DAY = "2025-01-28"  # a Tuesday on which every feed of the mini mirror runs


@pytest.fixture
def client(db: None) -> Iterator[Client]:  # the page reads the published survey measures
    service.clear_caches()
    compare._cached.cache_clear()
    yield Client()
    compare._cached.cache_clear()


def test_table_of_two_territories(client: Client) -> None:
    response = client.get("/comparer/", {"t": [f"epci:{EPCI}", COMMUNE], "date": DAY})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html and html.count('<th scope="row"') == len(ROWS)
    assert f"/territoires/epci/{EPCI}/diagnostic/" in html
    assert "format=xlsx" in html and "format=pdf" in html
    assert "estimation" in html


def test_one_territory_shows_the_form(client: Client) -> None:
    response = client.get("/comparer/", {"t": f"epci:{EPCI}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" not in html and 'name="t"' in html and "Ajouter" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"t": [COMMUNE, "Zzyzx-sur-Rien"]}, "« Zzyzx-sur-Rien »"),
        ({"t": [COMMUNE, f"commune:{COMMUNE}"]}, "déjà dans la comparaison"),
        ({"t": [COMMUNE] * (MAX_TERRITORIES + 1)}, "Au plus 12"),
        ({"t": [COMMUNE, f"epci:{EPCI}"], "format": "docx"}, "Format d&#x27;export inconnu"),
    ],
)
def test_bad_parameters_give_400_under_the_field(
    client: Client, params: dict[str, object], message: str
) -> None:
    response = client.get("/comparer/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="q-erreur"' in html and message in html
    assert "Traceback" not in html


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_exports(client: Client, fmt: str) -> None:
    response = client.get(
        "/comparer/", {"t": [f"epci:{EPCI}", COMMUNE], "format": fmt, "date": DAY}
    )
    assert response.status_code == 200
    assert f'filename="comparaison.{fmt}"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
    else:
        assert load_workbook(io.BytesIO(content)).sheetnames == ["Comparaison", "Sources"]


def test_linked_from_diagnostic_and_site_map(client: Client) -> None:
    assert "/comparer/" in client.get("/plan-du-site/").content.decode()
    html = client.get(f"/territoires/epci/{EPCI}/diagnostic/", {"date": "2025-01-28"}).content
    assert f"/comparer/?t=epci:{EPCI}".encode() in html
