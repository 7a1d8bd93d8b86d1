"""``teletravail gare``: resolving a query to one station on the mini mirror's warehouse, and the
command's French errors. The station features come from the data side
(``teletravail.gares.features``): the full output is tested only once that module is present."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from teletravail.cli import app
from teletravail.cli.gare import parse_observations
from teletravail.derived import ensure_derived
from teletravail.errors import InputError, LookupFailed
from teletravail.gares.resolve import resolve_station
from teletravail.opendata.build import build_warehouse
from teletravail.rail.service import compute_rail_service
from teletravail.territory.lookup import Entry, Gazetteer, gazetteer_for
from teletravail.territory.normalize import normalize
from tests.conftest import MINI_MIRROR
from tests.rail.network import DAY as NETWORK_DAY
from tests.rail.network import UIC, build_network

DAY = date(2025, 1, 28)  # a Tuesday on which every feed of the mini mirror runs


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(warehouse, derived warehouse of DAY) built from tests/fixtures/opendata."""
    out = tmp_path_factory.mktemp("gares") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    derived, _ = ensure_derived(out, day=DAY)
    return out, derived


@pytest.fixture(scope="module")
def derived_con(mini: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(mini[1]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def gazetteer(mini: tuple[Path, Path]) -> Gazetteer:
    return gazetteer_for(mini[0])


@pytest.mark.parametrize(
    ("query", "uic", "par"),
    [
        ("Vitré", "87471300", "nom"),
        ("  vitre ", "87471300", "nom"),
        ("87471300", "87471300", "uic"),
        ("0087471300", "87471300", "uic"),
        ("87 471 300", "87471300", "uic"),
        ("Paris Chatelet-Les Halles", None, "nom"),
        ("Albi-Ville", "87615005", "nom"),
        ("Libourne", "87584052", "nom"),
    ],
)
def test_station_by_uic_or_name(
    derived_con: duckdb.DuckDBPyConnection,
    gazetteer: Gazetteer,
    query: str,
    uic: str | None,
    par: str,
) -> None:
    choice = resolve_station(derived_con, gazetteer, query, day=DAY)
    assert choice.par == par
    if uic is not None:
        assert choice.uic == uic
    else:
        assert choice.nom == "Paris Châtelet - Les Halles"


def test_territory_gives_its_busiest_station() -> None:
    """On the rail tests' synthetic network (a real timetable computation): station A has the
    most trains of commune 01001 and of EPCI 200000002; station Y is never served."""
    con = duckdb.connect()
    try:
        build_network(con)
        compute_rail_service(con, day=NETWORK_DAY)
        entries = [
            Entry("commune", "01001", "Ville A", normalize("Ville A"), 900, "01"),
            Entry("commune", "01005", "Ville Y", normalize("Ville Y"), 100, "01"),
            Entry("epci", "200000002", "CC Test", normalize("CC Test"), 3000, "CC"),
        ]
        gaz = Gazetteer(entries, {})
        choice = resolve_station(con, gaz, "Ville A", day=NETWORK_DAY)
        assert (choice.uic, choice.nom, choice.par) == (UIC["A"], "Gare A", "territoire")
        assert choice.territoire == "commune 01001"
        assert "la commune Ville A (01001) avec le plus de départs de trains le 28/01/2025" in (
            choice.regle
        )
        epci = resolve_station(con, gaz, "200000002", day=NETWORK_DAY)
        assert (epci.uic, epci.territoire) == (UIC["A"], "epci 200000002")
        assert "l'EPCI CC Test" in epci.regle
        with pytest.raises(LookupFailed, match=r"ne dessert la commune Ville Y \(01005\)"):
            resolve_station(con, gaz, "01005", day=NETWORK_DAY)
        # a station name wins over the territory
        assert resolve_station(con, gaz, "Gare Y", day=NETWORK_DAY).uic == UIC["Y"]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("", "Indiquez une gare"),
        ("1234567", "un code UIC de gare a 8 chiffres"),
        ("87999999", "Aucune gare de voyageurs n'a le code UIC « 87999999 »"),
        ("Xyzzyq", "Aucune gare ni commune ne correspond à « Xyzzyq »"),
        (
            # the commune Paris has no served station in the mini mirror: its stations are listed
            "Paris",
            "désigne plusieurs gares ou territoires : gare Paris Bourse RER E (UIC 87731448), "
            "gare Paris Châtelet - Les Halles",
        ),
    ],
)
def test_resolution_errors_are_french(
    derived_con: duckdb.DuckDBPyConnection, gazetteer: Gazetteer, query: str, words: str
) -> None:
    with pytest.raises(LookupFailed) as info:
        resolve_station(derived_con, gazetteer, query, day=DAY)
    assert words in str(info.value)


def test_observation_option_is_parsed() -> None:
    assert parse_observations(["stationnement_velo=2", " espace_travail = 0 "]) == {
        "stationnement_velo": 2,
        "espace_travail": 0,
    }
    with pytest.raises(InputError, match="Observation illisible « velo: deux »"):
        parse_observations(["velo: deux"])


def _run(mini: tuple[Path, Path], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["gare", *args, "--entrepot", str(mini[0]), "--date", "2025-01-28"]
    )
    return result.exit_code, result.stdout, result.stderr


def test_command_errors_exit_2_in_french(mini: tuple[Path, Path]) -> None:
    code, _, err = _run(mini, "Vitré", "--observation", "stationnement_velo=7")
    assert code == 2 and "niveau « 7 » invalide" in err
    code, _, err = _run(mini, "Vitré", "--observation", "parking=1")
    assert code == 2 and "Observation « parking » inconnue" in err
    code, _, err = _run(mini, "Xyzzyq")
    assert code == 2 and "Aucune gare ni commune" in err
    assert "Traceback" not in err


def test_command_text_and_json(mini: tuple[Path, Path], tmp_path: Path) -> None:
    code, out, err = _run(mini, "Vitré", "--observation", "stationnement_velo=1")
    assert code == 0, err
    assert "Portrait de la gare Vitré (UIC 87471300)" in out
    for theme in ("Pôle multimodal", "Services en gare", "Quartier", "Usages"):
        assert theme in out
    assert "Écarts au portrait-robot et actions" in out
    assert "Installer une consigne vélo sécurisée" in out
    assert "Observations à faire sur place" in out
    text_file = tmp_path / "vitre.txt"
    code, _, err = _run(mini, "Vitré", "--output", str(text_file))
    assert code == 0, err
    written = text_file.read_text("utf-8")
    assert "Portrait de la gare Vitré (UIC 87471300)" in written and "\x1b[" not in written
    target = tmp_path / "vitre.json"
    code, _, err = _run(mini, "87471300", "--format", "json", "--output", str(target))
    assert code == 0, err
    payload = json.loads(target.read_text("utf-8"))
    assert payload["gare"]["uic"] == "87471300"
    assert payload["caracteristiques_gare"]["uic"] == "87471300"
    levels = {f["id"]: f for f in payload["evaluation"]["caracteristiques"]}
    trains = payload["caracteristiques_gare"]["departs_train"]
    assert levels["trains_par_jour"]["valeur"] == trains
    assert len(payload["evaluation"]["themes"]) == 4


def test_command_html_and_pdf_with_the_district_map(
    mini: tuple[Path, Path], tmp_path: Path
) -> None:
    page = tmp_path / "vitre.html"
    code, out, err = _run(mini, "Vitré", "--format", "html", "--output", str(page))
    assert code == 0, err
    assert "Portrait écrit" in out
    html = page.read_text("utf-8")
    assert 'class="carte-gare"' in html and "500 m" in html  # the district map
    for theme in ("Pôle multimodal", "Services en gare", "Quartier", "Usages"):
        assert theme in html
    assert "Écarts au portrait-robot et actions" in html and "<script" not in html
    pdf = tmp_path / "vitre.pdf"
    code, _, err = _run(mini, "87471300", "--format", "pdf", "--output", str(pdf))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
