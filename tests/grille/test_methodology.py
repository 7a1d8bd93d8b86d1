"""The generated methodology of the grid is committed, up to date and complete."""

from __future__ import annotations

from pathlib import Path

from teletravail.grille.catalogue import load_grid
from teletravail.grille.methodology import main, render_methodology
from teletravail.web.pages.documents import BY_SLUG

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "methodologie" / "grille-projet.md"


def test_committed_methodology_is_up_to_date() -> None:
    assert DOC.is_file(), "docs/methodologie/grille-projet.md manquant"
    assert DOC.read_text("utf-8") == render_methodology(), (
        "docs/methodologie/grille-projet.md n'est plus à jour : relancez "
        "« python -m teletravail.grille.methodology »"
    )


def test_every_criterion_is_documented_with_its_declaration() -> None:
    text = render_methodology()
    grid = load_grid()
    for c in grid.criteria:
        section = text.split(f"(`{c.id}`)\n", 1)[1].split("\n### ", 1)[0]
        assert c.question in section and c.preuves in section, c.id
        assert all(n in section for n in c.niveaux)
        assert all(r in section for r in c.recommandations)
        if c.fait:
            assert f"`{c.fait}`" in section
    for theme in grid.themes:
        assert theme.description in text


def test_rules_are_written_for_people() -> None:
    text = render_methodology()
    flat = " ".join(text.split())
    assert "l'étendue atteint 2 niveaux" in flat
    assert "RC dépasse 0,10" in flat
    assert "8 : 1,41" in text
    gare = text.split("(`acces_gare`)", 1)[1].split("###", 1)[0]
    assert "4 « excellent » : jusqu'à 0,4 km" in gare
    assert "1 « faible » : jusqu'à 3 km" in gare


def test_document_is_served_on_the_methodology_pages() -> None:
    assert BY_SLUG["grille-projet"].filename == "grille-projet.md"


def test_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "grille-projet.md"
    assert main(["--output", str(out)]) == 0
    assert main(["--output", str(out), "--check"]) == 0
    out.write_text(out.read_text("utf-8") + "modifié\n", "utf-8")
    assert main(["--output", str(out), "--check"]) == 1
