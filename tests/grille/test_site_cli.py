"""``site`` (``teletravail grille site``) invoked through a throwaway Typer app on the fixture
mirror's warehouse: text with sources, JSON with every fact, output file, French errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from teletravail.cli.grille_site import parse_team_places, site
from teletravail.errors import InputError
from tests.grille.test_site_warehouse import build_mini

runner = CliRunner()
app = typer.Typer()
app.command("site")(site)


@app.callback()
def _group() -> None:
    """Throwaway group: ``site`` stays a sub-command, as under ``teletravail grille``."""


@pytest.fixture(scope="module")
def mini_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_mini(tmp_path_factory)


VITRE = ["--lat", "48.1226", "--lon", "-1.20788"]


def _run(mini_warehouse: Path, *args: str) -> tuple[int, str, str]:
    day = [] if "--date" in args else ["--date", "2025-01-28"]
    result = runner.invoke(app, ["site", *args, "--entrepot", str(mini_warehouse), *day])
    return result.exit_code, result.stdout, result.stderr


def test_text(mini_warehouse: Path) -> None:
    code, out, _ = _run(mini_warehouse, *VITRE, "--tiers-lieu", "La Cordée;48.119;-1.205")
    assert code == 0, out
    for words in (
        "Vitré (35360)",
        "Vitré (UIC 87471300)",
        "Habitants à moins de 20 km (2023)",
        "dont télétravailleurs (estimation)",
        "INSEE, COG 2026",
        "Cerema, Cartofriches 2026",
        "La Cordée",
        "donnée non disponible",
        "Insee, enquête Emploi 2022",
    ):
        assert words in out, words


def test_json_and_output_file(mini_warehouse: Path, tmp_path: Path) -> None:
    code, out, _ = _run(mini_warehouse, *VITRE, "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["commune"]["code"] == "35360"
    assert data["residents"]["annee"] == 2023
    assert data["foncier"]["taux_vacance_pct"] is None  # Vitré is not in the LOVAC fixture
    assert data["tiers_lieux"]["recensement_disponible"] is False
    assert data["citations"]["lovac"] == "Cerema / DGALN, LOVAC 2025"
    for group in ("commune", "gares", "centre", "residents", "navetteurs", "programmes"):
        assert data[group]["sources"], group
    target = tmp_path / "site.json"
    code, out, _ = _run(mini_warehouse, *VITRE, "--format", "json", "--output", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == data
    text = tmp_path / "site.txt"
    code, _, _ = _run(mini_warehouse, *VITRE, "--output", str(text))
    assert code == 0 and "Faits du site" in text.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lat", "95", "--lon", "2"], "Latitude 95.0 hors bornes"),
        (["--lat", "51.5", "--lon", "-0.12"], "Aucune commune française"),
        ([*VITRE, "--tiers-lieu", "La Cordée;48,1"], "Tiers-lieu illisible"),
        ([*VITRE, "--date", "28/01/2025"], "Date illisible"),
    ],
)
def test_errors(mini_warehouse: Path, args: list[str], words: str) -> None:
    code, out, err = _run(mini_warehouse, *args)
    assert code == 2
    assert words in " ".join((out + err).split())
    assert "Traceback" not in out + err


def test_parse_team_places() -> None:
    places = parse_team_places(["La Cordée ; 48,119 ; -1.205"])
    assert [(p.nom, p.lat, p.lon) for p in places] == [("La Cordée", 48.119, -1.205)]
    with pytest.raises(InputError, match="latitude entre -90 et 90"):
        parse_team_places(["X;91;0"])
