"""Compare diagnostic figures and ACV ranks between two snapshots (before/after a data change).

Usage: python scripts/compare_figures.py BEFORE_DIR AFTER_DIR
Each directory holds ``classement.json`` (``teletravail classement acv --format json``) and one
``<name>.json`` per territory (``teletravail diagnostic NAME --format json``). Prints, per territory,
the figures whose text changed, appeared or disappeared, then the ten ACV communes whose rank moved most.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _figures(doc: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for theme in doc.get("themes", []):
        for fig in theme.get("figures", []):
            out[f"{theme['id']}.{fig['id']}"] = str(fig.get("texte"))
    for fig in doc.get("impact", []):
        out[f"impact.{fig['id']}"] = str(fig.get("texte"))
    return out


def compare_territories(before: Path, after: Path) -> None:
    """Print the figures that differ for each territory present in both directories."""
    for path in sorted(before.glob("*.json")):
        if path.name == "classement.json" or not (after / path.name).exists():
            continue
        old = json.loads(path.read_text())
        new = json.loads((after / path.name).read_text())
        a, b = _figures(old), _figures(new)
        print(f"\n## {new['territoire']['nom']}")
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                print(f"- {key}: {a.get(key, '(absent)')} -> {b.get(key, '(absent)')}")


def compare_ranking(before: Path, after: Path, top: int = 10) -> None:
    """Print the ``top`` ACV communes whose rank moved most, with their transport criterion."""
    old = {r["code"]: r for r in json.loads((before / "classement.json").read_text())["lignes"]}
    new = {r["code"]: r for r in json.loads((after / "classement.json").read_text())["lignes"]}
    moves = sorted(
        (c for c in old if c in new),
        key=lambda c: -abs((old[c]["rang"] or 0) - (new[c]["rang"] or 0)),
    )
    print("\n## ACV: largest rank moves")
    for code in moves[:top]:
        o, n = old[code], new[code]
        print(
            f"- {n['commune']} ({code}): rank {o['rang']} -> {n['rang']}, score "
            f"{o['score_attractivite']} -> {n['score_attractivite']}, transport "
            f"{o['score_transport']} -> {n.get('score_transport')}, services "
            f"{o['score_services']} -> {n.get('score_services')}"
        )


if __name__ == "__main__":
    before_dir, after_dir = Path(sys.argv[1]), Path(sys.argv[2])
    compare_territories(before_dir, after_dir)
    compare_ranking(before_dir, after_dir)
