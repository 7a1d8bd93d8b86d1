"""Services theme (issue 10): BPE diversity, INSEE ranges, equipment per 10,000 inhabitants."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from teletravail.diagnostic.compute import compute_indicators
from teletravail.opendata.loaders.bpe import package_nomenclature
from tests.conftest import MINI_MIRROR
from tests.diagnostic.conftest import attach, value


def _fixture_types(codes: set[str]) -> set[str]:
    with gzip.open(MINI_MIRROR / "insee/bpe2019-communes.csv.gz", "rt", encoding="utf-8") as fh:
        rows = [line.strip().split(";") for line in fh][1:]
    return {r[1] for r in rows if r[0] in codes and int(r[2]) > 0}


def _range_share(types: set[str], gamme: str) -> float:
    elements = [e for e in package_nomenclature().ranges if e.gamme == gamme]
    present = [e for e in elements if set(e.types) & types]
    return 100 * len(present) / len(elements)


def test_ranges_recounted_from_the_fixture(diag: duckdb.DuckDBPyConnection) -> None:
    # Arboys en Bugey = its own lines (01015) + those of its commune déléguée Saint-Bois (01340)
    types = _fixture_types({"01015", "01340"})
    assert value(diag, "commune", "01015", "nb_types_equipements_2019") == len(types)
    for gamme in ("proximite", "intermediaire", "superieure"):
        got = value(diag, "commune", "01015", f"part_gamme_{gamme}_2019")
        assert got == pytest.approx(_range_share(types, gamme))
    vitre = _fixture_types({"35360"})
    assert value(diag, "commune", "35360", "nb_types_equipements_2019") == len(vitre) == 126
    assert value(diag, "commune", "35360", "part_gamme_proximite_2019") == 100


def test_absent_commune_has_zero_equipment(diag: duckdb.DuckDBPyConnection) -> None:
    # Cesson-Sévigné is in the COG but not in the fixture BPE 2019: no equipment (0, not missing)
    assert value(diag, "commune", "35051", "nb_types_equipements_2019") == 0
    assert value(diag, "commune", "35051", "part_gamme_proximite_2019") == 0


# -- real mirror ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = attach(warehouse)
    compute_indicators(con)
    yield con
    con.close()


def test_vitre_and_sens_by_hand(real: duckdb.DuckDBPyConnection) -> None:
    # insee/bpe2019-communes.csv.gz: Vitré 126 types, 749 equipment, 23 D201; Sens 130, 1 192, 36.
    # insee/bpe2024-communes-groupes.json.gz: medecin_generaliste Vitré 25, Sens 26.
    for code, types, n19, gp19, gp24 in (
        ("35360", 126, 749, 23, 25),
        ("89387", 130, 1192, 36, 26),
    ):
        pop23, pop18 = real.execute(
            "SELECT c.population, k.p18_pop FROM communes c "
            "JOIN comparateur_2018 k ON k.commune_code = c.code WHERE c.code = ?",
            [code],
        ).fetchone() or (None, None)
        assert value(real, "commune", code, "nb_types_equipements_2019") == types
        assert value(real, "commune", code, "equipements_2019_pour_10000_hab") == pytest.approx(
            n19 / pop18 * 10000
        )
        assert value(real, "commune", code, "medecins_generalistes_2024") == gp24
        assert value(
            real, "commune", code, "medecins_generalistes_2024_pour_10000_hab"
        ) == pytest.approx(gp24 / pop23 * 10000)
        assert value(
            real, "commune", code, "evolution_medecins_generalistes_2019_2024"
        ) == pytest.approx(100 * (gp24 - gp19) / gp19)


def test_epci_range_is_the_union_of_its_communes(real: duckdb.DuckDBPyConnection) -> None:
    siren = "200039022"  # Vitré Communauté
    types = {
        r[0]
        for r in real.execute(
            "SELECT DISTINCT b.typequ FROM bpe_2019 b JOIN epci_membres m "
            "ON m.commune_code = b.commune_code WHERE m.epci_siren = ?",
            [siren],
        ).fetchall()
    }
    assert value(real, "epci", siren, "nb_types_equipements_2019") == len(types)
    assert value(real, "epci", siren, "part_gamme_superieure_2019") == pytest.approx(
        _range_share(types, "superieure")
    )
