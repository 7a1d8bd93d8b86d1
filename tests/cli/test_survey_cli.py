"""`teletravail enquete importer|xform` in-process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from teletravail.cli import app

runner = CliRunner()
COMPLET = Path(__file__).parents[1] / "fixtures" / "forms" / "complet.md"


def test_importer_table() -> None:
    result = runner.invoke(app, ["enquete", "importer", str(COMPLET)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "Enquête complète" in result.output and "« complet »" in result.output
    assert "2025-01" in result.output
    assert "satisfaction" in result.output and "Pertinence" in result.output
    assert "formulaire valide" in result.output
    assert "appareil" in result.output  # dropped metadata warning


def test_importer_json() -> None:
    result = runner.invoke(app, ["enquete", "importer", str(COMPLET), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["form_id"] == "complet"
    names = [q["name"] for q in payload["questions"]]
    assert "lieux_freq" in names and "visites" in names
    age = next(q for q in payload["questions"] if q["name"] == "age")
    assert age["analyse"] == "profil" and age["type"] == "integer"


def test_importer_invalid(tmp_path: Path) -> None:
    bad = tmp_path / "mauvais.md"
    bad.write_text(
        "| survey |\n| | type | name | label |\n| | integr | b | B |\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["enquete", "importer", str(bad)])
    assert result.exit_code == 2
    assert "Feuille « survey », ligne 2, colonne « type »" in result.output
    assert "Traceback" not in result.output


def test_importer_missing_and_unreadable(tmp_path: Path) -> None:
    result = runner.invoke(app, ["enquete", "importer", str(tmp_path / "absent.xlsx")])
    assert result.exit_code == 2 and "introuvable" in result.output
    fake = tmp_path / "faux.xlsx"
    fake.write_bytes(b"pas un classeur")
    result = runner.invoke(app, ["enquete", "importer", str(fake)])
    assert result.exit_code == 2 and "classeur Excel" in result.output


def test_xform_output(tmp_path: Path) -> None:
    out = tmp_path / "complet.xml"
    result = runner.invoke(app, ["enquete", "xform", str(COMPLET), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<?xml")
    result = runner.invoke(app, ["enquete", "xform", str(COMPLET)])
    assert result.exit_code == 0 and "<h:html" in result.output


def test_purge_refuses_a_bad_date() -> None:
    result = runner.invoke(app, ["enquete", "purger", "--date", "2026-13-01"])
    assert result.exit_code == 2
    assert "Date invalide « 2026-13-01 » : attendu AAAA-MM-JJ." in result.output


def test_importer_counts_with_plural_agreement(tmp_path: Path) -> None:
    one = tmp_path / "un.md"
    one.write_text("| survey |\n| | type | name | label |\n| | text | a | A |\n", encoding="utf-8")
    result = runner.invoke(app, ["enquete", "importer", str(one)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 question, formulaire valide." in result.output
    two = tmp_path / "deux.md"
    two.write_text(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| | text | b | B |\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["enquete", "importer", str(two)], env={"COLUMNS": "200"})
    assert "2 questions, formulaire valide." in result.output


def test_plural_helper() -> None:
    from teletravail.cli.survey import plural

    assert plural(0, "question") == "0 question"
    assert plural(1, "réponse supprimée", "réponses supprimées") == "1 réponse supprimée"
    assert plural(3, "réponse supprimée", "réponses supprimées") == "3 réponses supprimées"


def test_importer_csv_without_sheet_column(tmp_path: Path) -> None:
    bad = tmp_path / "plat.csv"
    bad.write_text("type,name,label\ntext,a,A\n", encoding="utf-8")
    result = runner.invoke(app, ["enquete", "importer", str(bad)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "la première colonne doit nommer la feuille" in result.output
    assert "TypeError" not in result.output and "Traceback" not in result.output
