"""Site facts on the warehouse built from the real open-data mirror (skipped without it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.errors import LookupFailed
from teletravail.grille.site import site_facts

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    derived, _ = ensure_derived(warehouse)
    con = duckdb.connect(str(derived), read_only=True)
    yield con
    con.close()


def _station(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, float, float]:
    row = con.execute("SELECT lat, lon FROM stations WHERE nom = ?", [name]).fetchone()
    assert row is not None
    return (name, float(row[0]), float(row[1]))


def test_vitre_station(real: duckdb.DuckDBPyConnection) -> None:
    f = site_facts(real, [_station(real, "Vitré")])[0]
    assert (f.commune.code, f.commune.nom) == ("35360", "Vitré")
    first = f.gares.gares[0]
    assert first.nom == "Vitré" and first.distance_km < 0.01
    assert first.departs_train is not None and first.departs_train > 20
    assert first.metropole_nom == "Rennes Métropole"
    assert first.duree_metropole_min is not None and first.duree_metropole_min < 40
    r = f.residents
    assert r.population_5km is not None and r.population_10km is not None
    assert 19_000 < r.population_5km <= r.population_10km <= (r.population_20km or 0)
    n = f.navetteurs
    assert n.statut == "estimation"
    assert n.navetteurs_longs is not None and n.teletravailleurs_estimes is not None
    assert 0 < n.teletravailleurs_estimes < n.navetteurs_longs < (n.actifs_residents or 0)
    assert n.taux_teletravail_pct is not None and 5 < n.taux_teletravail_pct < 30
    assert f.programmes.acv is True and f.programmes.ort is True
    assert (f.densite.niveau, f.france_services.nombre) == (2, 0)
    assert f.foncier.friches is not None and f.foncier.taux_vacance_pct is not None
    assert not f.tiers_lieux.recensement_disponible


def test_ile_de_france_departures_not_known(real: duckdb.DuckDBPyConnection) -> None:
    f = site_facts(real, [_station(real, "Fontainebleau - Avon")])[0]
    assert f.commune.code == "77014"  # Avon
    assert f.gares.gares[0].departs_train is None  # Transilien R: absent from the feeds


def test_very_large_commune(real: duckdb.DuckDBPyConnection) -> None:
    f = site_facts(real, [("regina", 3.9, -53.0)])[0]  # Guyane: commune centres far apart
    assert f.commune.code == "97301"
    assert f.residents.communes_20km == 0 and f.residents.population_20km is None
    assert f.gares.gares == ()


def test_coast_and_abroad(real: duckdb.DuckDBPyConnection) -> None:
    # just off the simplified outline of the Gulf of Morbihan's shore
    f = site_facts(real, [("rive", 47.571474, -2.887353)])[0]
    assert "le plus proche" in f.commune.regle
    for point in (("large", 46.5, -5.0), ("geneve", 46.2044, 6.1432)):
        with pytest.raises(LookupFailed, match="Aucune commune française"):
            site_facts(real, [point])
