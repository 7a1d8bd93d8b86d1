from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.tiers_lieux import create_empty_tiers_lieux, load_tiers_lieux
from tests.conftest import FIXTURES, make_ctx

OPTIONAL = FIXTURES / "optional"
NAME = "bdftl-2023.csv"
FIXTURE = OPTIONAL / "francetierslieux" / NAME


@pytest.fixture
def loaded(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> LoadContext:
    ctx = make_ctx(cog_con, "tiers_lieux", OPTIONAL, tmp_path)
    load_tiers_lieux(ctx)
    return ctx


def write_root(tmp_path: Path, text: str, name: str = NAME, encoding: str = "utf-8") -> Path:
    root = tmp_path / "od"
    (root / "francetierslieux").mkdir(parents=True, exist_ok=True)
    (root / "francetierslieux" / name).write_text(text, encoding=encoding)
    return root


def test_rows(loaded: LoadContext) -> None:
    con = loaded.con
    assert con.execute("SELECT count(*) FROM tiers_lieux").fetchone() == (7,)
    assert con.execute(
        "SELECT nom, lat, lon, typologies, statut, millesime FROM tiers_lieux WHERE id = 'tl-0002'"
    ).fetchone() == (
        "Fablab Audomarois",
        50.7503,
        2.252,
        "Fablab / Makerspace; Ateliers artisanaux partagés",
        "SCIC",
        "2023",
    )


@pytest.mark.parametrize(
    ("ident", "source", "current"),
    [
        ("tl-0001", "35360", "35360"),
        ("tl-0004", "75101", "75056"),  # arrondissement
        ("tl-0005", "62807", "62757"),  # former code (Tatinghem)
        ("tl-0006", "35999", None),  # unknown: kept and reported
    ],
)
def test_communes(loaded: LoadContext, ident: str, source: str, current: str | None) -> None:
    assert loaded.con.execute(
        "SELECT code_commune_source, commune_code FROM tiers_lieux WHERE id = ?", [ident]
    ).fetchone() == (source, current)


def test_anomalies(loaded: LoadContext) -> None:
    assert [(a.code, a.name) for a in loaded.anomalies] == [("35999", "Lieu sans commune")]


def test_comma_file_with_other_column_names(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = write_root(
        tmp_path,
        "ID,NOM_TL,INSEECOM,NOMCOM,TYPO,LAT,LONG,Année\n"
        '1,Cowork Sens,89387,Sens,"Coworking, fablab",48.1975,3.2831,2024\n'
        "2,Tiers-lieu de Libourne,33243,Libourne,Hybride,44.9153,-0.2436,2024\n",
        name="bdftl_export.csv",
    )
    load_tiers_lieux(make_ctx(cog_con, "tiers_lieux", root, tmp_path))
    assert cog_con.execute(
        "SELECT id, commune_code, typologies, lat, statut, millesime FROM tiers_lieux"
    ).fetchall() == [
        ("1", "89387", "Coworking, fablab", 48.1975, None, "2024"),
        ("2", "33243", "Hybride", 44.9153, None, "2024"),
    ]


def test_decimal_comma_and_latin1(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = write_root(
        tmp_path,
        "nom;code_commune;latitude;longitude;statut\n"
        "Atelier partagé;1015;45,7189;5,6404;Association\n",
        encoding="latin-1",
    )
    load_tiers_lieux(make_ctx(cog_con, "tiers_lieux", root, tmp_path))
    assert cog_con.execute(
        "SELECT id, nom, commune_code, code_commune_source, lat, lon FROM tiers_lieux"
    ).fetchall() == [("1", "Atelier partagé", "01015", "01015", 45.7189, 5.6404)]


def test_create_empty(con: duckdb.DuckDBPyConnection) -> None:
    create_empty_tiers_lieux(con)
    assert con.execute("SELECT count(*) FROM tiers_lieux").fetchone() == (0,)
    assert [r[0] for r in con.execute("DESCRIBE tiers_lieux").fetchall()][:3] == [
        "id",
        "nom",
        "commune_code",
    ]


def test_missing_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        load_tiers_lieux(make_ctx(cog_con, "tiers_lieux", tmp_path, tmp_path))


def test_missing_commune_column(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = write_root(tmp_path, "nom;ville\nX;Vitré\n")
    with pytest.raises(SourceError, match="code_insee") as err:
        load_tiers_lieux(make_ctx(cog_con, "tiers_lieux", root, tmp_path))
    assert err.value.line == 1


def test_malformed_latitude(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8-sig").replace(";43.9277;", ";43.9277N;")
    root = write_root(tmp_path, text)
    with pytest.raises(SourceError) as err:
        load_tiers_lieux(make_ctx(cog_con, "tiers_lieux", root, tmp_path))
    assert (err.value.line, err.value.column, err.value.value) == (4, "latitude", "43.9277N")
    assert NAME in str(err.value)


def test_truncated_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8-sig")
    root = write_root(tmp_path, text[: text.index("Makerspace") + 3])  # inside quotes
    with pytest.raises(SourceError) as err:
        load_tiers_lieux(make_ctx(cog_con, "tiers_lieux", root, tmp_path))
    assert err.value.path.name == NAME
