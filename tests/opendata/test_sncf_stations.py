from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.sncf_stations import load_stations
from tests.conftest import MINI_MIRROR, make_ctx

SNCF = MINI_MIRROR / "sncf"


@pytest.fixture
def loaded(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> LoadContext:
    ctx = make_ctx(cog_con, "gares", MINI_MIRROR, tmp_path)
    load_stations(ctx)
    return ctx


def copy_mirror(tmp_path: Path, file: str | None = None, old: str = "", new: str = "") -> Path:
    """A copy of the fixture SNCF files, with ``old`` replaced by ``new`` once in ``file``."""
    root = tmp_path / "od"
    shutil.copytree(SNCF, root / "sncf", ignore=shutil.ignore_patterns("gtfs"))
    if file is not None:
        path = root / "sncf" / file
        data = path.read_bytes()
        assert old.encode() in data, old
        path.write_bytes(data.replace(old.encode(), new.encode(), 1))
    return root


def test_tables_and_counts(loaded: LoadContext) -> None:
    con = loaded.con
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in (
            "stations",
            "station_frequentation",
            "station_accessibilite",
            "station_horaires",
            "reseau_points",
        )
    }
    assert counts == {
        "stations": 14,
        "station_frequentation": 7 * 9,
        "station_accessibilite": 5,
        "station_horaires": 5,
        "reseau_points": 4,
    }
    scratch = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '\\_%' ESCAPE '\\'"
    ).fetchall()
    assert scratch == []


@pytest.mark.parametrize(
    ("uic", "source_code", "commune_code"),
    [
        ("87471300", "35360", "35360"),  # current code
        ("87758607", "75101", "75056"),  # Paris arrondissement
        ("87751008", "13201", "13055"),  # Marseille arrondissement
        ("87721001", "69381", "69123"),  # Lyon arrondissement
        ("87317099", "62807", "62757"),  # former code of a merged commune
        ("87745000", "01340", "01015"),  # commune déléguée
        ("87000001", "99999", None),  # unknown: kept, reported
    ],
)
def test_commune_mapping(
    loaded: LoadContext, uic: str, source_code: str, commune_code: str | None
) -> None:
    row = loaded.con.execute(
        "SELECT commune_code_source, commune_code FROM stations WHERE uic = ?", [uic]
    ).fetchall()
    assert row == [(source_code, commune_code)]


def test_multi_valued_station(loaded: LoadContext) -> None:
    row = loaded.con.execute(
        "SELECT uics, segment_drg, segment_drg_source, lat, lon, wifi, voyageurs_2023 "
        "FROM stations WHERE uic = '87758607'"
    ).fetchall()
    # Ridership and wifi are listed under the station's second UIC.
    assert row == [(["87758607", "87271411"], "A", "A;B", 48.8617, 2.3469, True, 30_000_000)]


@pytest.mark.parametrize(
    ("nom", "wifi", "equipements", "voyageurs"),
    [
        ("Vitré", True, 1, 1_000_000),
        ("Rennes", False, 3, 20_000_000),
        ("Sens", False, 0, 1_500_000),
        ("Libourne", None, 0, None),
        ("Albi-Ville", None, 0, 500_000),
    ],
)
def test_station_attributes(
    loaded: LoadContext, nom: str, wifi: bool | None, equipements: int, voyageurs: int | None
) -> None:
    row = loaded.con.execute(
        "SELECT wifi, nb_equipements_accessibilite, voyageurs_2023 FROM stations WHERE nom = ?",
        [nom],
    ).fetchall()
    assert row == [(wifi, equipements, voyageurs)]


def test_coordinates(loaded: LoadContext) -> None:
    assert loaded.con.execute(
        "SELECT lat, lon FROM stations WHERE uic = '87471003'"
    ).fetchall() == [(48.1034802, -1.6724278)]
    assert loaded.con.execute(
        "SELECT lat, lon FROM stations WHERE uic = '87731448'"
    ).fetchall() == [(None, None)]


def test_frequentation_long_format(loaded: LoadContext) -> None:
    con = loaded.con
    assert con.execute(
        "SELECT annee, voyageurs, voyageurs_non_voyageurs, segment_drg FROM station_frequentation "
        "WHERE uic = '87471300' AND annee IN (2015, 2023) ORDER BY annee"
    ).fetchall() == [(2015, 920_000, 920_500, "B"), (2023, 1_000_000, 1_000_500, "B")]
    assert con.execute(
        "SELECT DISTINCT uic, uic_source FROM station_frequentation WHERE nom_gare LIKE 'Paris%'"
    ).fetchall() == [("87758607", "87271411")]
    # Unknown UIC: kept under its own code; empty segment: NULL.
    assert con.execute(
        "SELECT count(*), any_value(segment_drg) FROM station_frequentation WHERE uic = '87999999'"
    ).fetchall() == [(9, None)]
    assert con.execute("SELECT min(annee), max(annee) FROM station_frequentation").fetchall() == [
        (2015, 2023)
    ]


def test_accessibility_hours_network(loaded: LoadContext) -> None:
    con = loaded.con
    assert con.execute(
        "SELECT equipement FROM station_accessibilite WHERE uic = '87471003' ORDER BY 1"
    ).fetchall() == [
        ("Fauteuil roulant à disposition",),
        ("Présence du personnel",),
        ("Toilettes",),
    ]
    assert con.execute(
        "SELECT uic, uic_source, jour, horaire_normal, horaire_ferie FROM station_horaires "
        "WHERE nom_gare = 'Rennes' ORDER BY jour"
    ).fetchall() == [
        ("87471003", "0087471003", "Dimanche", "06:00-23:30", None),
        ("87471003", "0087471003", "Lundi", "04:45-23:30", "06:00-22:00"),
    ]
    assert con.execute(
        "SELECT uic FROM station_horaires WHERE uic_source = '0087271411'"
    ).fetchall() == [("87758607",)]
    rows = con.execute(
        "SELECT uic, voyageurs, fret, commune_nom, round(lat, 4), round(lon, 4), round(x_l93) "
        "FROM reseau_points ORDER BY uic, code_ligne"
    ).fetchall()
    assert rows[0] == (
        "87142554",
        False,
        True,
        "SAINTE-COLOMBE-SUR-SEINE",
        47.8704,
        4.5516,
        815991.0,
    )
    assert [r[0] for r in rows].count("87471003") == 2


def test_anomalies(loaded: LoadContext) -> None:
    found = {(a.file, a.code, a.problem.split(" (")[0]) for a in loaded.anomalies}
    assert found == {
        (
            "gares-de-voyageurs.csv",
            "99999",
            "gare : code commune absent du COG 2026 et sans correspondance connue",
        ),
        ("gares-de-voyageurs.csv", "87731448", "gare sans coordonnées géographiques"),
        (
            "frequentation-gares.csv",
            "87999999",
            "fréquentation d'un code UIC absent de la liste des gares",
        ),
        (
            "gares-equipees-du-wifi.csv",
            "87999998",
            "wifi d'un code UIC absent de la liste des gares",
        ),
        (
            "equipements-accessibilite-en-gares.csv",
            "87756403",
            "équipement d'accessibilité d'un code UIC absent de la liste des gares",
        ),
        (
            "horaires-des-gares.csv",
            "87432906",
            "horaires d'un code UIC absent de la liste des gares",
        ),
    }


def test_negative_ridership_kept_and_reported(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = copy_mirror(
        tmp_path,
        "frequentation-gares.csv",
        "Tatinghem,87317099,62219,C,10,10,5,5,",
        "Tatinghem,87317099,62219,C,10,10,-5,-5,",
    )
    ctx = make_ctx(cog_con, "gares", root, tmp_path)
    load_stations(ctx)
    assert ("87317099", "fréquentation négative en 2022") in {
        (a.code, a.problem.split(" (")[0]) for a in ctx.anomalies
    }
    # Kept as read: the warehouse check « frequentation_positive » then refuses the build.
    assert cog_con.execute(
        "SELECT voyageurs FROM station_frequentation WHERE uic = '87317099' AND annee = 2022"
    ).fetchall() == [(-5,)]


def test_official_quoted_liste_format(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """The official export quotes « C_GEO » and « Geo Point »: 18 columns instead of 20."""
    root = copy_mirror(tmp_path)
    path = root / "sncf" / "liste-des-gares.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fixed = [lines[0].removesuffix(",,")]
    for line in lines[1:]:
        head = line.split(",")[:15]
        lat, lon = head[14], head[13]
        fixed.append(",".join(head) + f',"{lat}, {lon}","{lat}, {lon}",""')
    path.write_text("\n".join(fixed) + "\n", encoding="utf-8")
    load_stations(make_ctx(cog_con, "gares", root, tmp_path))
    assert cog_con.execute("SELECT count(*), round(sum(lat), 4) FROM reseau_points").fetchall() == [
        (4, round(48.1226 + 2 * 48.1034802 + 47.87040423667916, 4))
    ]


def test_reordered_columns(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_mirror(tmp_path)
    path = root / "sncf" / "gares-equipees-du-wifi.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    swapped = [";".join([c, b, a]) for a, b, c in (line.split(";") for line in lines)]
    path.write_text("\ufeff" + "\r\n".join(swapped) + "\r\n", encoding="utf-8")
    load_stations(make_ctx(cog_con, "gares", root, tmp_path))
    assert cog_con.execute("SELECT wifi FROM stations WHERE uic = '87471300'").fetchall() == [
        (True,)
    ]


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file",
    [
        "gares-de-voyageurs.csv",
        "frequentation-gares.csv",
        "gares-equipees-du-wifi.csv",
        "equipements-accessibilite-en-gares.csv",
        "horaires-des-gares.csv",
        "liste-des-gares.csv",
    ],
)
def test_missing_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, file: str) -> None:
    root = copy_mirror(tmp_path)
    (root / "sncf" / file).unlink()
    with pytest.raises(SourceError, match="fichier introuvable") as err:
        load_stations(make_ctx(cog_con, "gares", root, tmp_path))
    assert err.value.path.name == file


def test_truncated_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_mirror(tmp_path)
    path = root / "sncf" / "gares-de-voyageurs.csv"
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b'"A;B"') + 3])  # cut inside a quoted field
    with pytest.raises(SourceError) as err:
        load_stations(make_ctx(cog_con, "gares", root, tmp_path))
    assert err.value.path.name == "gares-de-voyageurs.csv"
    assert err.value.line == 5


def test_header_only_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_mirror(tmp_path)
    path = root / "sncf" / "frequentation-gares.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="incomplet"):
        load_stations(make_ctx(cog_con, "gares", root, tmp_path))


def test_missing_column(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_mirror(tmp_path, "gares-de-voyageurs.csv", "Code(s) UIC", "UIC")
    with pytest.raises(SourceError, match=r"Code\(s\) UIC") as err:
        load_stations(make_ctx(cog_con, "gares", root, tmp_path))
    assert err.value.line == 1


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "column", "value"),
    [
        (
            "gares-de-voyageurs.csv",
            "48.1226, -1.20788",
            "48.1226 -1.20788",
            2,
            "Position géographique",
            "48.1226 -1.20788",
        ),
        (
            "gares-de-voyageurs.csv",
            "Sens;SNS;B;48.19959, 3.28272;89387;87683003",
            "Sens;SNS;B;48.19959, 3.28272;89387;8768300",
            12,
            "Code(s) UIC",
            "8768300",
        ),
        (
            "frequentation-gares.csv",
            "87683003,89100,B,1500000",
            "87683003,89100,B,1,5 M",
            5,
            None,
            None,
        ),
        (
            "frequentation-gares.csv",
            "87683003,89100,B,1500000",
            "87683003,89100,B,beaucoup",
            5,
            "v_2023",
            "beaucoup",
        ),
        (
            "gares-equipees-du-wifi.csv",
            "683003;Sens;Non",
            "683003;Sens;Peut-être",
            5,
            "Service Wifi",
            "Peut-être",
        ),
        ("horaires-des-gares.csv", "0087471300;Vitré", "00874713XX;Vitré", 4, "uic", "00874713XX"),
        (
            "liste-des-gares.csv",
            "Châtillon-sur-Seine,O,N",
            "Châtillon-sur-Seine,O,?",
            5,
            "VOYAGEURS",
            "?",
        ),
        ("liste-des-gares.csv", "380500.12", "380 500,12", 2, None, None),
    ],
)
def test_malformed_value_names_file_and_line(
    cog_con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    file: str,
    old: str,
    new: str,
    line: int,
    column: str | None,
    value: str | None,
) -> None:
    root = copy_mirror(tmp_path, file, old, new)
    with pytest.raises(SourceError) as err:
        load_stations(make_ctx(cog_con, "gares", root, tmp_path))
    assert err.value.path.name == file
    assert err.value.line == line
    assert f"ligne {line}" in str(err.value)
    if column is not None:
        assert err.value.column == column
    if value is not None:
        assert err.value.value == value
