"""The grid's facts of a site (``grille.site_grid``): every fact of the grid mapped from the site's
facts, computed facts merged into a project without overwriting those typed by the team."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from teletravail.grille.catalogue import FACTS
from teletravail.grille.model import Project, Site
from teletravail.grille.site import site_facts
from teletravail.grille.site_grid import grid_facts, with_facts
from tests.grille.test_site_warehouse import build_site_db


@pytest.fixture(scope="module")
def site_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site_db(tmp_path_factory)


def test_every_grid_fact_comes_from_the_site_facts(site_db: Path) -> None:
    con = duckdb.connect(str(site_db), read_only=True)
    try:
        facts = site_facts(con, [("vitre", 48.1226, -1.20788)])[0]
    finally:
        con.close()
    flat = grid_facts(facts)
    assert set(flat) == set(FACTS)
    nearest = facts.gares.gares[0]
    assert flat["distance_gare_km"] == nearest.distance_km
    assert flat["departs_train"] == nearest.departs_train
    assert flat["distance_centre_km"] == facts.centre.distance_km
    assert flat["teletravailleurs_estimes"] == facts.navetteurs.teletravailleurs_estimes
    assert flat["france_services_1km"] == facts.france_services.nombre


def test_with_facts_keeps_typed_facts_and_sites_without_position(site_db: Path) -> None:
    project = Project(
        nom="Tiers-lieu",
        sites=[
            Site(id="gare", nom="Gare", lat=48.1226, lon=-1.20788, faits={"friches_commune": 9}),
            Site(id="ailleurs", nom="Sans position", faits={"distance_gare_km": 3.0}),
        ],
    )
    con = duckdb.connect(str(site_db), read_only=True)
    try:
        filled, full = with_facts(con, project)
    finally:
        con.close()
    gare, ailleurs = filled.sites
    assert set(full) == {"gare"}
    assert gare.faits["friches_commune"] == 9  # typed by the team: kept
    assert gare.faits["distance_gare_km"] is not None and gare.faits["distance_gare_km"] < 1
    assert ailleurs.faits == {"distance_gare_km": 3.0}
