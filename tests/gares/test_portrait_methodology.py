"""The generated methodology of the portrait-robot is committed, up to date and complete."""

from __future__ import annotations

from pathlib import Path

from teletravail.gares.catalogue import load_portrait
from teletravail.gares.methodology import main, render_methodology

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "methodologie" / "portrait-gare.md"


def test_committed_methodology_is_up_to_date() -> None:
    assert DOC.is_file(), "docs/methodologie/portrait-gare.md manquant"
    assert DOC.read_text("utf-8") == render_methodology(), (
        "docs/methodologie/portrait-gare.md n'est plus à jour : relancez "
        "« python -m teletravail.gares.methodology »"
    )


def test_every_feature_is_documented_with_its_declaration() -> None:
    text = render_methodology()
    portrait = load_portrait()
    for f in portrait.features:
        section = text.split(f"(`{f.id}`)\n", 1)[1].split("\n### ", 1)[0]
        assert f.definition in section and f.pourquoi in section, f.id
        for action in f.actions:
            assert action.texte in section and ", ".join(action.porteurs) in section
        if f.observation == "donnee":
            assert f"champ `{f.champ}`" in section
        else:
            assert f.question is not None and f.question in section
            assert all(answer in section for answer in f.reponses or [])
    for theme in portrait.themes:
        assert theme.description in text


def test_thresholds_are_written_for_people() -> None:
    text = render_methodology()
    assert "| 2 | satisfaisant |" in text
    trains = text.split("(`trains_par_jour`)", 1)[1].split("###", 1)[0]
    assert "niveau 1 « à renforcer » : à partir de 1 départ par jour" in trains
    assert "niveau 3 « exemplaire » : à partir de 50 départs par jour" in trains
    first = text.split("(`premier_train`)", 1)[1].split("###", 1)[0]
    assert "niveau 3 « exemplaire » : jusqu'à 6 h" in first
    services = text.split("(`france_services`)", 1)[1].split("###", 1)[0]
    assert "niveau 1 « à renforcer » : sans objet (même seuil que le niveau 2)" in services
    wifi = text.split("(`wifi_gare`)", 1)[1].split("###", 1)[0]
    assert "oui : niveau 2 « satisfaisant »" in wifi and "non : niveau 0 « absent »" in wifi


def test_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "portrait-gare.md"
    assert main(["--output", str(out)]) == 0
    assert main(["--output", str(out), "--check"]) == 0
    out.write_text(out.read_text("utf-8") + "modifié à la main\n", "utf-8")
    assert main(["--output", str(out), "--check"]) == 1
