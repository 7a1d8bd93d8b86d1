"""Bad input: one clear message naming the file (and line), exit code 2, no traceback, and the
previous warehouse left untouched."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teletravail.cli import app

runner = CliRunner()


def _link_mirror(mirror: Path, dest: Path) -> Path:
    """A copy of the mirror made of symbolic links, cheap to alter file by file."""
    for src in mirror.rglob("*"):
        target = dest / src.relative_to(mirror)
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(src)
    return dest


def _replace(root: Path, rel: str, content: bytes) -> None:
    target = root / rel
    target.unlink()
    target.write_bytes(content)


def _truncate(root: Path, rel: str, fraction: float = 0.5) -> None:
    data = (root / rel).read_bytes()
    _replace(root, rel, data[: int(len(data) * fraction)])


def _bad_value(root: Path, rel: str, old: bytes, new: bytes) -> None:
    data = (root / rel).read_bytes()
    assert old in data
    _replace(root, rel, data.replace(old, new, 1))


def _bad_zip_member(root: Path, rel: str, member: str) -> None:
    src = root / rel
    with zipfile.ZipFile(src) as zin:
        items = {n: zin.read(n) for n in zin.namelist() if n != member}
    src.unlink()
    with zipfile.ZipFile(src, "w") as zout:
        for name, blob in items.items():
            zout.writestr(name, blob)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


CASES: list[tuple[str, Callable[[Path], None], list[str]]] = [
    (
        "fichier manquant",
        lambda r: (r / "sncf/gares-de-voyageurs.csv").unlink(),
        ["gares-de-voyageurs.csv", "introuvable"],
    ),
    (
        "csv tronqué",
        lambda r: _truncate(r, "sncf/gares-de-voyageurs.csv"),
        ["gares-de-voyageurs.csv", "ligne"],
    ),
    (
        "json tronqué",
        lambda r: _truncate(r, "cog/epci.json"),
        ["epci.json", "ligne"],
    ),
    (
        "zip tronqué",
        lambda r: _truncate(r, "sncf/gtfs/export-ter-gtfs-last.zip"),
        ["export-ter-gtfs-last.zip", "zip"],
    ),
    (
        "membre de zip manquant",
        lambda r: _bad_zip_member(r, "sncf/gtfs/export_gtfs_voyages.zip", "stop_times.txt"),
        ["export_gtfs_voyages.zip", "stop_times"],
    ),
    (
        "valeur illisible",
        lambda r: _bad_value(
            r,
            "sncf/frequentation-gares.csv",
            b"Albi,87615005,81000,B,568827",
            b"Albi,87615005,81000,B,beaucoup",
        ),
        ["frequentation-gares.csv", "ligne", "beaucoup"],
    ),
    (
        "niveau de densité inconnu",
        lambda r: _bad_value(
            r,
            "insee/grille-densite.csv",
            b"Rural \xc3\xa0 habitat dispers\xc3\xa9\n",
            b"Lunaire\n",
        ),
        ["grille-densite.csv", "ligne", "Lunaire"],
    ),
]


@pytest.fixture(scope="module")
def previous(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of a good warehouse standing where each failing build would write."""
    target = tmp_path_factory.mktemp("precedent") / "teletravail.duckdb"
    shutil.copy(warehouse, target)
    return target


def test_missing_directory(previous: Path, tmp_path: Path) -> None:
    before = _sha(previous)
    result = runner.invoke(
        app, ["data", "build", "--source", str(tmp_path / "nulle-part"), "--output", str(previous)]
    )
    assert result.exit_code == 2
    assert "nulle-part" in result.output and "introuvable" in result.output
    assert "Traceback" not in result.output
    assert _sha(previous) == before


@pytest.mark.parametrize(("label", "damage", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_file(
    mirror: Path,
    previous: Path,
    tmp_path: Path,
    label: str,
    damage: Callable[[Path], None],
    expected: list[str],
) -> None:
    root = _link_mirror(mirror, tmp_path / "od")
    damage(root)
    before = _sha(previous)
    result = runner.invoke(app, ["data", "build", "--source", str(root), "--output", str(previous)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    for fragment in expected:
        assert fragment in text, (label, text)
    assert "Traceback" not in result.output
    assert _sha(previous) == before
    assert not list(previous.parent.glob(".*construction*"))
