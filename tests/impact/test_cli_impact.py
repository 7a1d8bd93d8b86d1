"""``teletravail impact``: text and JSON output, exit codes and French messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from teletravail.cli.impact import impact

app = typer.Typer()
app.command("impact")(impact)


@app.callback()
def _root() -> None:
    """Test application holding the single command."""


runner = CliRunner()


def _run(warehouse: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["impact", *args, "--entrepot", str(warehouse)], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_json_output(mini_warehouse: Path) -> None:
    code, out, _ = _run(
        mini_warehouse,
        "--mode",
        "voiturethermique",
        "--distance",
        "30",
        "--jours-teletravail",
        "2",
        "--jours-bureau",
        "3",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == "1" and data["type"] == "impact_teletravail"
    assert data["impact_co2"]["emissions_jour_hebdo_kgco2e_par_an"] == 600.576
    assert data["impact_co2"]["emis_kgco2e_par_an"] == 1801.728
    assert data["impact_co2"]["evite_kgco2e_par_an"] == 900.864
    assert data["bilan_ademe_2020"]["bilan_net_kgco2e_par_an"] == 828.795


def test_text_output_impactco2_first_then_ademe(mini_warehouse: Path) -> None:
    code, out, _ = _run(
        mini_warehouse,
        "--mode",
        "ter",
        "--distance",
        "40",
        "--jours-teletravail",
        "2",
        "--jours-bureau",
        "3",
    )
    assert code == 0
    assert out.index("Méthode ADEME Impact CO2") < out.index("Bilan ADEME 2020")
    # 0.02769 × 40 × 92 = 101.8992 ; × 3 = 305.6976 ; 0.75 × 2 × 101.8992 = 152.8488
    for text in ("101,899 kgCO2e/an", "305,698 kgCO2e/an", "152,849 kgCO2e/an"):
        assert text in out
    assert "[1] ADEME Impact CO2, catégories de déplacement, millésime 2024" in out
    assert "ADEME Impact CO2, simulateur télétravail" in out
    assert "Caractérisation des effets rebond induits par le télétravail », 2020" in out


def test_french_decimal_comma(mini_warehouse: Path) -> None:
    code, out, _ = _run(
        mini_warehouse,
        "--mode",
        "voiturethermique",
        "--distance",
        "12,5",
        "--jours-teletravail",
        "1,5",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["entree"] == {
        "mode": "voiturethermique",
        "distance_km": 12.5,
        "jours_teletravail": 1.5,
        "jours_bureau": 3.5,
        "occupants": 1,
    }
    # 0.2176 × 12.5 × 92 = 250.24 ; 0.75 × 1.5 × 250.24 = 281.52
    assert data["impact_co2"]["evite_kgco2e_par_an"] == 281.52


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--mode", "bidule", "--distance", "30", "--jours-teletravail", "2"],
            "Mode de transport inconnu : « bidule ». Modes valides (slugs ADEME Impact CO2) : avion",
        ),
        (
            ["--mode", "ter", "--distance", "-3", "--jours-teletravail", "2"],
            "Distance invalide : \u22123 km",  # a real minus sign
        ),
        (
            ["--mode", "ter", "--distance", "trente", "--jours-teletravail", "2"],
            "Valeur invalide pour --distance : « trente »",
        ),
        (
            ["--mode", "ter", "--distance", "30", "--jours-teletravail", "9"],
            "jours de télétravail invalide : 9",
        ),
        (
            ["--mode", "ter", "--distance", "30", "--jours-teletravail", "2", "--occupants", "2"],
            "ne s'applique qu'aux voitures",
        ),
        (  # the domain names the field, the CLI its option
            ["--mode", "ter", "--distance", "30", "--jours-teletravail", "2", "--occupants", "2"],
            "Indiquez 1 occupant. (option --occupants)",
        ),
        (
            [
                "--mode",
                "voiturethermique",
                "--distance",
                "30",
                "--jours-teletravail",
                "2",
                "--occupants",
                "1,5",
            ],
            "nombre entier",
        ),
    ],
)
def test_bad_input_exit_2(mini_warehouse: Path, args: list[str], message: str) -> None:
    code, out, err = _run(mini_warehouse, *args)
    assert code == 2
    assert message in " ".join(err.split())
    assert "Traceback" not in err + out


def test_missing_warehouse(tmp_path: Path) -> None:
    code, _, err = _run(
        tmp_path / "absent.duckdb", "--mode", "ter", "--distance", "3", "--jours-teletravail", "1"
    )
    assert code == 2 and "Entrepôt de données introuvable" in err


def test_all_mirror_modes(warehouse: Path) -> None:
    """Real mirror: the 18 Impact CO2 modes (the e-scooter shares the e-bike's slug), and the
    factors of FACTS.md (rounded there to 4 decimals)."""
    code, _, err = _run(warehouse, "--mode", "?", "--distance", "3", "--jours-teletravail", "1")
    assert code == 2
    listed = " ".join(err.split()).split("Impact CO2) : ")[1].rstrip(".").split(", ")
    assert len(listed) == 18
    assert {
        "intercites",
        "busthermique",
        "buselectrique",
        "tramway",
        "moto",
        "autocar",
        "rer",
        "metro",
        "scooter",
        "busgnv",
        "veloelectrique-17",
    } <= set(listed)
    facts = {
        "voiturethermique": 0.2176,
        "voitureelectrique": 0.1034,
        "busthermique": 0.1224,
        "buselectrique": 0.0217,
        "ter": 0.0277,
        "intercites": 0.0075,
        "tgv": 0.0029,
        "tramway": 0.0043,
        "veloelectrique": 0.0110,
        "moto": 0.2167,
    }
    for slug, value in facts.items():
        code, out, _ = _run(
            warehouse,
            "--mode",
            slug,
            "--distance",
            "10",
            "--jours-teletravail",
            "1",
            "--format",
            "json",
        )
        assert code == 0
        factor = json.loads(out)["mode"]["facteur_kgco2e_par_km"]
        assert factor == pytest.approx(value, abs=5.0001e-5), slug  # FACTS rounds to 4 digits
