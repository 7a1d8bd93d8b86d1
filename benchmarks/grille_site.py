"""Benchmark: the facts of many candidate sites at once (tool 2, issue 13).

Usage: ``python benchmarks/grille_site.py [--warehouse FILE] [--date AAAA-MM-JJ] [--points 100]
[--repeat 5] [--seed 13]``

Draws ``--points`` random points in metropolitan France (seeded): random commune centres of
metropolitan France (``zone = 'metro'``) moved by up to ±0.02° (about 2 km), so that every point
lies in a commune. Opens the derived warehouse of the reference day (built first when absent or
stale: not timed), then times :func:`teletravail.grille.site.site_facts` for all points in one
call and for one point (Vitré station): best and median of ``--repeat`` runs, seconds, a fresh
read-only connection each run (the outlines of every commune, read when a point is off the
nearby outlines, stay in memory: the first run pays for them). Prints how many sites have each fact known.
Target (issue 13): the facts of 100 sites under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb

from teletravail import settings
from teletravail.derived import ensure_derived
from teletravail.grille.site import site_facts
from teletravail.grille.site_models import SiteFacts

VITRE = ("vitre", 48.122671, -1.211754)


def random_points(
    con: duckdb.DuckDBPyConnection, n: int, seed: int
) -> list[tuple[str, float, float]]:
    """``n`` points near random metropolitan commune centres (seeded, ±0.02°)."""
    centres = con.execute(
        "SELECT lat, lon FROM communes WHERE zone = 'metro' AND lat IS NOT NULL ORDER BY code"
    ).fetchall()
    rng = random.Random(seed)
    return [
        (f"p{i}", lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02))
        for i, (lat, lon) in enumerate(rng.sample(centres, n))
    ]


def _timed(
    path: Path, points: list[tuple[str, float, float]], repeat: int
) -> tuple[list[float], list[SiteFacts]]:
    times: list[float] = []
    facts: list[SiteFacts] = []
    for _ in range(repeat):
        con = duckdb.connect(str(path), read_only=True)
        try:
            start = time.perf_counter()
            facts = site_facts(con, points)
            times.append(time.perf_counter() - start)
        finally:
            con.close()
    return times, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--date", type=date.fromisoformat, default=None)
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    warehouse = settings.warehouse_path(args.warehouse)
    derived, day = ensure_derived(warehouse, day=args.date)
    con = duckdb.connect(str(derived), read_only=True)
    try:
        points = random_points(con, args.points, args.seed)
    finally:
        con.close()
    print(f"Entrepôt dérivé : {derived} (jour {day.isoformat()})")
    for label, pts in ((f"{len(points)} sites", points), ("1 site (gare de Vitré)", [VITRE])):
        times, facts = _timed(derived, pts, args.repeat)
        print(
            f"{label} : premier essai {times[0]:.3f} s, meilleur {min(times):.3f} s, médiane "
            f"{statistics.median(times):.3f} s ({args.repeat} essais, connexion neuve à chaque "
            "essai ; les contours de toutes les communes, lus au premier besoin, restent en "
            "mémoire)"
        )
    _, facts = _timed(derived, points, 1)
    known = {
        "au moins une gare à 20 km": sum(1 for f in facts if f.gares.gares),
        "départs de train de la gare la plus proche": sum(
            1 for f in facts if f.gares.gares and f.gares.gares[0].departs_train is not None
        ),
        "navetteurs de plus de 20 km": sum(
            1 for f in facts if f.navetteurs.navetteurs_longs is not None
        ),
        "télétravailleurs estimés": sum(
            1 for f in facts if f.navetteurs.teletravailleurs_estimes is not None
        ),
        "France services (nombre à 1 km)": sum(
            1 for f in facts if f.france_services.nombre is not None
        ),
        "taux de vacance LOVAC": sum(1 for f in facts if f.foncier.taux_vacance_pct is not None),
        "friches": sum(1 for f in facts if f.foncier.friches is not None),
        "grille de densité": sum(1 for f in facts if f.densite.niveau is not None),
        "commune par son contour": sum(1 for f in facts if "contient" in f.commune.regle),
    }
    for name, count in known.items():
        print(f"  {name} : {count}/{len(facts)}")


if __name__ == "__main__":
    main()
