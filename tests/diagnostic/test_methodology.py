"""The generated methodology document is committed and up to date, and covers every declaration."""

from __future__ import annotations

from pathlib import Path

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.diagnostic.methodology import main, render_methodology

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "methodologie" / "indicateurs.md"


def test_committed_methodology_is_up_to_date() -> None:
    assert DOC.is_file(), "docs/methodologie/indicateurs.md manquant"
    assert DOC.read_text("utf-8") == render_methodology(), (
        "docs/methodologie/indicateurs.md n'est plus à jour : relancez "
        "« python -m teletravail.diagnostic.methodology »"
    )


def test_every_indicator_is_documented_with_its_declaration() -> None:
    text = render_methodology()
    cat = load_indicator_catalogue()
    for ind in cat.indicators:
        section = text.split(f"(`{ind.id}`)\n", 1)[1].split("\n### ", 1)[0]
        assert ind.definition in section and ind.formula in section, ind.id
        assert f"**Unité** : {ind.unit}" in section
        for assumption in ind.assumptions:
            assert assumption in section


def test_sources_show_their_vintage_and_the_rates_their_year() -> None:
    text = render_methodology()
    assert "ARCEP, T1 2018 — millésime : T1 2018" in text
    assert (
        "| 3 | Cadres et professions intellectuelles supérieures | 52,2 % | Insee, enquête "
        "Emploi 2022, 2022" in text
    )
    assert "francetierslieux/bdftl*" in text
    assert "### Critère 4 : proximité d'une métropole (`score_proximite`)" in text


def test_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "indicateurs.md"
    assert main(["--output", str(out)]) == 0
    assert main(["--output", str(out), "--check"]) == 0
    out.write_text(out.read_text("utf-8") + "modifié à la main\n", "utf-8")
    assert main(["--output", str(out), "--check"]) == 1
