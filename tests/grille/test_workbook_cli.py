"""The offline workbook: modele → filled by openpyxl → evaluer, wrong cells listed with sheet, row
and column, and the ``teletravail grille`` commands in-process."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from teletravail.cli.app import app
from teletravail.grille.catalogue import load_grid
from teletravail.grille.workbook import WorkbookError, read_workbook, write_template

GRID = load_grid()
N = len(GRID.criteria)
runner = CliRunner()


def _block_row(sheet: Any, key: str) -> int:
    return next(
        r
        for r in range(1, sheet.max_row + 1)
        if sheet.cell(r, 1).value == "comparaison" and sheet.cell(r, 2).value == key
    )


def _filled(tmp_path: Path, *, bad: bool = False, ahp: bool = False) -> Path:
    """The template filled as a person would: two sites, two assessors."""
    result = runner.invoke(app, ["grille", "modele", "--output", str(tmp_path / "projet.xlsx")])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "projet.xlsx")
    sites = wb["sites"]
    sites.append(
        [
            "gare",
            "Ancienne halle de la gare",
            "1 place de la Gare",
            "Vitré",
            48.12,
            -1.21,
            2500,
            400,
            0.2,
        ]
    )
    sites.append(["centre", "Médiathèque", "", "Vitré", "48,124", None])
    ev = wb["evaluations"]
    ev.append(["Ana", "gare", *([4] * N)])
    ev.append(["Ana", "centre", *([1] * (N - 1)), None])
    ev.append(["Ben", "gare", *([2] * N)])
    ev.append(["Ben", "centre", *([1] * N)])
    if bad:
        ev.append(["Chloé", "friche", 5, "trois", *([2] * (N - 2))])
        sites.append(["gare", "Doublon", "", "", 95, None])
        wb["poids"]["D3"] = -2
        sheet = wb["ahp"]
        top = _block_row(sheet, "themes")
        sheet.cell(top, 4, "oui")
        sheet.cell(top + 2, 3, 3)  # besoin vs localisation = 3
        sheet.cell(top + 3, 2, 3)  # and localisation vs besoin = 3 too: contradicts
    if ahp:
        sheet = wb["ahp"]
        top = _block_row(sheet, "themes")
        sheet.cell(top, 4, "oui")
        n = len(GRID.themes)
        for i in range(n):
            for j in range(i + 1, n):
                sheet.cell(top + 2 + i, j + 2, 3 if i == 0 else 1)
        env = _block_row(sheet, "environnement")
        sheet.cell(env, 4, "oui")
        sheet.cell(env + 2, 3, "2")  # km_evites vs co2_evite
        sheet.cell(env + 2, 4, 4)
        sheet.cell(env + 3, 4, "1/2")  # co2_evite vs acces_sobre: inconsistent on purpose
    wb["poids"]["D2"] = 2  # theme « besoin » weighs twice
    path = tmp_path / "rempli.xlsx"
    wb.save(path)
    return path


def test_template_sheets_and_validation() -> None:
    wb = load_workbook(io.BytesIO(write_template()))
    assert wb.sheetnames == ["lisez-moi", "sites", "evaluations", "poids", "ahp"]
    ev = wb["evaluations"]
    assert [c.value for c in ev[3]][2:] == [c.id for c in GRID.criteria]
    assert any('"0,1,2,3,4"' in (dv.formula1 or "") for dv in ev.data_validations.dataValidation)
    assert [c.value for c in wb["sites"][1]][:6] == [
        "id",
        "nom",
        "adresse",
        "commune",
        "lat",
        "lon",
    ]
    assert wb["poids"]["D2"].value == 1


def test_round_trip(tmp_path: Path) -> None:
    project = read_workbook(_filled(tmp_path).read_bytes(), "rempli.xlsx")
    assert [s.id for s in project.sites] == ["gare", "centre"]
    assert project.sites[1].lat == pytest.approx(48.124) and project.sites[1].lon is None
    assert project.sites[0].faits["actifs_navetteurs_20km"] == 2500
    assert project.sites[0].faits["distance_gare_km"] == 0.2
    assert project.assessors == ["Ana", "Ben"]
    assert len(project.notes) == 4 * N
    blank = [n for n in project.notes if n.evaluateur == "Ana" and n.site == "centre"][-1]
    assert blank.note is None
    assert project.poids.themes == {"besoin": 2.0} | {
        t.id: 1.0 for t in GRID.themes if t.id != "besoin"
    }


def test_wrong_cells_are_all_listed(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as info:
        read_workbook(_filled(tmp_path, bad=True).read_bytes(), "rempli.xlsx")
    texts = [p.text() for p in info.value.problems]
    assert (
        "feuille « evaluations », ligne 8, colonne B : site absent de la feuille « sites » (valeur lue : « friche »)"
        in texts
    )
    assert (
        "feuille « evaluations », ligne 8, colonne C : note attendue : 0, 1, 2, 3, 4 ou vide (valeur lue : « 5 »)"
        in texts
    )
    assert (
        "feuille « evaluations », ligne 8, colonne D : note attendue : 0, 1, 2, 3, 4 ou vide (valeur lue : « trois »)"
        in texts
    )
    assert (
        "feuille « sites », ligne 4, colonne A : identifiant déjà utilisé ligne 2 (valeur lue : « gare »)"
        in texts
    )
    assert (
        "feuille « sites », ligne 4, colonne E : hors de [-90, 90] (valeur lue : « 95 »)" in texts
    )
    assert (
        "feuille « poids », ligne 3, colonne D : nombre positif ou nul attendu (valeur lue : « -2 »)"
        in texts
    )
    assert (
        "feuille « ahp », ligne 6, colonne B : le dessous de la diagonale est déduit : laissez "
        "vide ou écrivez 1/3 (valeur lue : « 3 »)" in texts
    )
    # the other upper cells of the block are blank: each is listed
    n = len(GRID.themes)
    assert sum("comparaison attendue de 1/9 à 9" in t for t in texts) == n * (n - 1) // 2 - 1
    assert len(texts) == 7 + n * (n - 1) // 2 - 1
    assert str(info.value).startswith(f"Classeur « rempli.xlsx » : {len(texts)} cellules")


def test_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "x.xlsx"
    fake.write_text("bonjour")
    result = runner.invoke(app, ["grille", "evaluer", str(fake)])
    assert result.exit_code == 2
    assert "n'est pas un classeur XLSX lisible" in result.output


def test_cli_text_and_json(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    result = runner.invoke(app, ["grille", "evaluer", str(path), "--tirages", "200"])
    assert result.exit_code == 0, result.output
    assert "Site Ancienne halle de la gare (gare) : note globale" in result.output
    assert "Désaccords entre évaluateurs" in result.output  # Ana 4, Ben 2 on every criterion
    assert "Sensibilité : 200 tirages" in result.output
    assert "Accès à pied depuis la gare : 0,2 km (note suggérée 4)" in result.output
    assert "Lutte contre la vacance : donnée non disponible" in result.output
    result = runner.invoke(
        app, ["grille", "evaluer", str(path), "--format", "json", "--methode", "wsm,topsis"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [m["methode"] for m in data["classement"]["methodes"]] == ["wsm", "topsis"]
    gare = next(s for s in data["sites"] if s["site"] == "gare")
    assert gare["score_global"] == pytest.approx(3.0)
    suggested = {a["critere"]: a["note_suggeree"] for a in gare["criteres"]}
    assert suggested["navetteurs_longue_distance"] == 3 and suggested["acces_gare"] == 4
    rank = {m["methode"]: m["rangs"] for m in data["classement"]["methodes"]}
    assert rank["wsm"] == {"gare": 1.0, "centre": 2.0}
    # the criterion left blank by Ana for « centre » still has Ben's score: no criterion is dropped
    assert data["classement"]["criteres_ecartes"] == []


def test_cli_ahp_and_outputs(tmp_path: Path) -> None:
    path = _filled(tmp_path, ahp=True)
    project = read_workbook(path.read_bytes(), "rempli.xlsx")
    assert project.ahp is not None and project.ahp.matrice[0][1] == 3.0
    assert project.ahp.matrice[1][0] == pytest.approx(1 / 3)
    env = project.ahp_criteres["environnement"]
    assert env.elements == ["km_evites", "co2_evite", "acces_sobre"]
    assert env.matrice[1][2] == 0.5 and env.matrice[2][1] == 2.0
    result = runner.invoke(app, ["grille", "evaluer", str(path), "--tirages", "0"])
    assert result.exit_code == 0, result.output
    assert "Comparaison par paires des thèmes (AHP) : ratio de cohérence 0,000" in result.output
    assert "critères du thème « Bilan environnemental » (AHP) : ratio de cohérence" in result.output
    assert "INCOHÉRENT" in result.output  # 2, 4 and 1/2 contradict each other
    for fmt in ("html", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(
            app,
            [
                "grille",
                "evaluer",
                str(path),
                "--format",
                fmt,
                "--output",
                str(out),
                "--tirages",
                "50",
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    html = (tmp_path / "r.html").read_text("utf-8")
    assert html.count('role="img"') == 2 and "style=" not in html.split("</style>", 1)[1]
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["synthese", "criteres", "classement", "sensibilite", "poids"]


def test_cli_pdf(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = runner.invoke(
        app,
        [
            "grille",
            "evaluer",
            str(_filled(tmp_path)),
            "--format",
            "pdf",
            "--output",
            str(out),
            "--tirages",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "Évaluation écrite" in result.output


def test_cli_errors(tmp_path: Path) -> None:
    path = _filled(tmp_path, bad=True)
    result = runner.invoke(app, ["grille", "evaluer", str(path)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "ligne 8, colonne C" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["grille", "evaluer", str(tmp_path / "absent.xlsx")])
    assert result.exit_code == 2 and "introuvable" in result.output
    result = runner.invoke(
        app, ["grille", "evaluer", str(_filled(tmp_path)), "--methode", "electre"]
    )
    assert result.exit_code == 2 and "Méthode inconnue" in result.output
    result = runner.invoke(app, ["grille", "modele", "--output", str(tmp_path / "nope" / "x.xlsx")])
    assert result.exit_code == 2 and "n'existe pas" in result.output
