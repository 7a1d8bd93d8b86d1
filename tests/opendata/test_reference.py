from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.loaders.reference import load_reference_figures, read_figures
from tests.conftest import MINI_MIRROR, make_ctx


@pytest.fixture
def ref_con(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    load_reference_figures(make_ctx(con, "reference", MINI_MIRROR, tmp_path))
    return con


@pytest.mark.parametrize(
    ("figure_id", "value", "unit", "source", "year"),
    [
        ("tt_cadres_2021", 55.0, "%", "Insee Focus n°263", 2021),
        ("tt_salaries_semaine_2021", 22.0, "%", "Insee Focus n°263", 2021),
        ("tt_cadres_2022", 52.2, "%", "Insee, enquête Emploi 2022", 2022),
        ("tt_occasionnel_2023", 26.0, "%", "Dares Analyses, novembre 2024", 2023),
        ("tt_prive_regulier_2024", 22.0, "%", "Insee Analyses n°105", 2024),
        ("domicile_travail_voiture_2017", 74.0, "%", "Insee Première n°1835", 2017),
        ("temps_trajet_moyen_2012", 23.5, "min", "Observatoire des territoires", 2012),
        ("impactco2_facteur_voiture_thermique", 0.2176, "kgCO2e/passager.km", None, 2024),
        ("impactco2_trajets_par_an", 92.0, "trajets/an", None, 2024),
        ("ademe_gain_jour_hebdo", 271.0, "kgCO2e/an", None, 2020),
        ("base_carbone_voiture_moyenne", 0.218, "kgCO2e/km", "ADEME Base Carbone v22", 2018),
        ("tiers_lieux_hors_metropoles", 62.0, "%", "France Tiers-Lieux, recensement 2023", 2023),
        ("acv_conventions", 222.0, "conventions", None, 2024),
    ],
)
def test_figures(
    ref_con: duckdb.DuckDBPyConnection,
    figure_id: str,
    value: float,
    unit: str,
    source: str | None,
    year: int,
) -> None:
    row = ref_con.execute(
        "SELECT value, unit, source, year FROM reference_figures WHERE id = ?", [figure_id]
    ).fetchone()
    assert row is not None
    assert row[0] == pytest.approx(value) and row[1] == unit and row[3] == year
    if source is not None:
        assert row[2] == source
    else:
        assert row[2]


def test_every_figure_has_source_and_theme(ref_con: duckdb.DuckDBPyConnection) -> None:
    counts = dict(
        ref_con.execute("SELECT theme, count(*) FROM reference_figures GROUP BY 1").fetchall()
    )
    assert set(counts) == {"teletravail", "deplacements", "environnement", "territoires"}
    assert ref_con.execute(
        "SELECT count(*) FROM reference_figures WHERE source IS NULL OR source = ''"
    ).fetchone() == (0,)
    impact = ref_con.execute(
        "SELECT count(*) FROM reference_figures WHERE id LIKE 'impactco2_facteur_%'"
    ).fetchone()
    assert impact == (10,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[figure]]\nid = 'a'\n", "manquant"),
        ("[[figure\nid = 'a'", "TOML invalide"),
        ("x = 1\n", "aucun chiffre"),
        (
            "[[figure]]\nid='a'\ntheme='t'\nlabel='l'\nsource='s'\nvalue='beaucoup'\n",
            "non numérique",
        ),
        ("[[figure]]\nid='a'\ntheme='t'\nlabel='l'\nsource='s'\nyear=21\n", "année invalide"),
        ("[[figure]]\nid='a'\ntheme='t'\nlabel='l'\nsource='s'\n" * 2, "en double"),
        ("[[figure]]\nid='a'\ntheme='t'\nlabel='l'\nsource='s'\nvaleur=1\n", "inconnue"),
    ],
)
def test_malformed_figures(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_figures(text)
