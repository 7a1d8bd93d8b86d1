"""Public pages: methodology (from the indicator catalogue), data sources, impact calculator."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from django.test import Client
from django.utils.html import escape

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.format_fr import vintage
from teletravail.impact.calculator import fr_number, impact_for
from teletravail.opendata.build import inspect_sources
from teletravail.opendata.catalogue import load_catalogue
from teletravail.web.pages.forms import error_field
from tests.conftest import MINI_MIRROR

VALID = {
    "mode": "voiturethermique",
    "distance": "30",
    "jours_teletravail": "2",
    "jours_bureau": "3",
    "occupants": "1",
}


@pytest.fixture
def client() -> Client:
    return Client()


def test_methodology_lists_every_indicator_and_the_score(client: Client) -> None:
    response = client.get("/methodologie/")
    assert response.status_code == 200
    html = response.content.decode()
    cat = load_indicator_catalogue()
    for theme in cat.themes:
        assert f'id="theme-{theme.id}"' in html and escape(theme.label) in html
    for ind in cat.indicators:
        assert f'id="indicateur-{ind.id}"' in html
        assert escape(ind.label) in html
        assert escape(ind.definition) in html and escape(ind.formula) in html
        for assumption in ind.assumptions:
            assert escape(assumption) in html
    assert 'id="attractivite"' in html
    for criterion in cat.score.criteria:
        for comp in criterion.components:
            assert escape(comp.justification) in html
    assert "<h1>Méthodologie du diagnostic</h1>" in html


def test_sources_page_shows_catalogue_build_and_state(
    client: Client, web_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELETRAVAIL_OPENDATA", str(MINI_MIRROR))
    response = client.get("/sources/")
    assert response.status_code == 200
    html = response.content.decode()
    for source in load_catalogue():
        assert f'id="source-{source.id}"' in html
        assert escape(source.licence) in html and escape(vintage(source.vintage)) in html
        if source.url.startswith("http"):
            assert f'href="{escape(source.url)}"' in html
        else:  # a path of the project's notes is no link for a reader
            assert f'href="{escape(source.url)}"' not in html
    con = duckdb.connect(str(web_warehouse), read_only=True)
    try:
        folder = con.execute("SELECT dossier_source FROM build_info").fetchone()
        communes = con.execute("SELECT count(*) FROM communes").fetchone()
    finally:
        con.close()
    # the server's folder is not shown to visitors; rows are counted per source, not per table
    assert folder and escape(folder[0]) not in html and str(MINI_MIRROR) not in html
    assert communes and "communes :" not in html
    assert "Empreintes vérifiées" in html
    for st in inspect_sources(MINI_MIRROR):
        if st.source.builtin:
            continue
        row = html.split(f'id="source-{st.source.id}"')[1].split("</tr>")[0]
        for label, state in st.checksums.items():
            assert f"{escape(label)} : {state}" in row
    # sources not loaded in the mini mirror are flagged
    row = html.split('id="source-tiers_lieux"')[1].split("</tr>")[0]
    assert ">non<" in row


def test_sources_page_without_readable_folder(
    client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TELETRAVAIL_OPENDATA", str(tmp_path / "absent"))
    html = client.get("/sources/").content.decode()
    assert "Empreintes non vérifiées" in html


def test_impact_form_is_accessible_with_csrf(client: Client) -> None:
    response = client.get("/impact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for name in VALID:
        assert f'<label class="fr-label" for="id_{name}">' in html
        assert f'name="{name}"' in html
    assert '<option value="voiturethermique"' in html and "Voiture – Moteur thermique" in html
    assert "Résultat" not in html


def test_impact_form_refuses_a_post_without_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/impact/", VALID).status_code == 403


def test_impact_form_with_csrf_token_computes(web_warehouse: Path) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.get("/impact/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/impact/", {**VALID, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Méthode ADEME Impact CO2" in response.content.decode()


def test_impact_result_tables_match_the_calculator(client: Client, web_warehouse: Path) -> None:
    response = client.post("/impact/", {**VALID, "distance": "12,5"})
    assert response.status_code == 200
    html = response.content.decode()
    con = duckdb.connect(str(web_warehouse), read_only=True)
    try:
        result = impact_for(
            con, "voiturethermique", distance_km=12.5, telework_days=2, office_days=3
        )
    finally:
        con.close()
    impact_pos = html.index("Méthode ADEME Impact CO2")
    ademe_pos = html.index("Bilan ADEME 2020 avec les effets rebond")
    assert impact_pos < ademe_pos
    assert f"{fr_number(result.impact_co2.evite_kgco2e_par_an)} kgCO2e/an" in html
    assert f"{fr_number(result.bilan_ademe_2020.bilan_net_kgco2e_par_an)} kgCO2e/an" in html
    for effect in result.bilan_ademe_2020.effets:
        assert escape(effect.source) in html
    assert 'href="#source-1"' in html and 'id="source-1"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"distance": "-3"}, "distance", "strictement positive"),
        ({"distance": "douze"}, "distance", "pas un nombre"),
        ({"jours_teletravail": "9"}, "jours_teletravail", "entre 0 et 7"),
        ({"mode": "fusee"}, "mode", "Mode de transport inconnu"),
        ({"occupants": "0"}, "occupants", "Au moins 1 personne"),
        ({"mode": "tgv", "occupants": "2"}, "occupants", "covoiturage"),
        ({"jours_teletravail": "4", "jours_bureau": "5"}, "jours_bureau", "plus de 7 jours"),
    ],
)
def test_impact_form_errors_next_to_fields(
    client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = client.post("/impact/", {**VALID, **changes})
    assert response.status_code == 200
    html = response.content.decode()
    group = html.split(f'id="id_{field}-groupe"')[1].split('<div class="fr-fieldset__element">')[0]
    assert "--error" in html.split(f'id="id_{field}-groupe"')[0][-80:]
    assert f'id="id_{field}-erreurs"' in group and message in group
    assert 'aria-invalid="true"' in group
    assert "Méthode ADEME Impact CO2" not in html


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("Distance invalide : 0 km.", "distance"),
        ("Nombre de jours au bureau invalide : 9.", "jours_bureau"),
        ("Le covoiturage (2 occupants) ne s'applique qu'aux voitures", "occupants"),
        ("Autre problème", None),
    ],
)
def test_error_field_mapping(message: str, field: str | None) -> None:
    assert error_field(message) == field
