"""Hand check of the site facts (issue 13) against the raw open-data files of the mirror.

Usage: ``python scripts/check_grille_site.py [--warehouse FILE] [--opendata DIR]``

Sites: the station of Vitré and the station of Libourne (two pilot places), positions taken from
the warehouse's ``stations`` table. For each, prints the facts of
:func:`teletravail.grille.site.site_facts` (derived warehouse of the default reference day), then
recomputes some of them from the raw files with Python only (no warehouse table), and prints each
comparison ``OK`` or ``ÉCART``:

- ``geo/contours-communes-2018/*.geojson``: the commune whose 2018 outline contains the point
  (code unchanged since 2018 for these two towns);
- ``sncf/gares-de-voyageurs.csv``: the three nearest passenger stations within 20 km (names,
  straight-line distance from ``Position géographique``);
- ``cog/communes.json`` (population of the ``commune-actuelle`` entries) and
  ``geo/communes-centres.json`` (centres): inhabitants within 5, 10 and 20 km;
- ``anct/france-services-20240801.csv``: France services within 1 km and the nearest one;
- ``insee/grille-densite.csv``: the commune's density label.

Ends with « 0 écart » when everything agrees (exit code 0), else the number of gaps (exit 1).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import shapely
from shapely.geometry import shape

from teletravail import settings
from teletravail.derived import ensure_derived
from teletravail.grille.site import site_facts
from teletravail.grille.site_models import SiteFacts

STATIONS = {"Vitré": "35", "Libourne": "33"}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Spherical law of cosines, 6,371 km (independent of the project's SQL)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return 6371.0 * math.acos(min(1.0, max(-1.0, c)))


def _rows(path: Path, delimiter: str) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            yield {k.lstrip("\ufeff"): (v or "") for k, v in row.items() if k is not None}


class Checker:
    """Counts the comparisons that differ."""

    def __init__(self) -> None:
        self.gaps = 0

    def same(self, label: str, ours: object, raw: object, tol: float = 0.0) -> None:
        if isinstance(ours, float | int) and isinstance(raw, float | int) and tol:
            ok = abs(float(ours) - float(raw)) <= tol
        else:
            ok = ours == raw
        self.gaps += 0 if ok else 1
        print(
            f"  {'OK   ' if ok else 'ÉCART'} {label} : site_facts {ours!r} ; fichiers bruts {raw!r}"
        )


def _raw_commune(root: Path, dep: str, lat: float, lon: float) -> str | None:
    files = sorted((root / "geo" / "contours-communes-2018").glob(f"communes-{dep}-*.geojson"))
    point = shapely.Point(lon, lat)
    for path in files:
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if shape(feature["geometry"]).contains(point):
                return str(feature["properties"]["code"])
    return None


def _raw_stations(root: Path, lat: float, lon: float) -> list[tuple[str, float]]:
    found = []
    for row in _rows(root / "sncf" / "gares-de-voyageurs.csv", ";"):
        pos = row["Position géographique"].split(",")
        if len(pos) != 2:
            continue
        km = _km(lat, lon, float(pos[0]), float(pos[1]))
        if km <= 20:
            found.append((row["Nom"], round(km, 2)))
    return sorted(found, key=lambda x: x[1])[:3]


def _raw_population(root: Path, lat: float, lon: float) -> list[int]:
    cog = json.loads((root / "cog" / "communes.json").read_text(encoding="utf-8"))
    population = {
        c["code"]: c.get("population") for c in cog if c.get("type") == "commune-actuelle"
    }
    centres = json.loads((root / "geo" / "communes-centres.json").read_text(encoding="utf-8"))
    totals = [0, 0, 0]
    for c in centres:
        km = _km(lat, lon, c["lat"], c["lon"])
        for i, radius in enumerate((5, 10, 20)):
            if km <= radius and population.get(c["code"]) is not None:
                totals[i] += int(population[c["code"]])
    return totals


def _raw_france_services(root: Path, lat: float, lon: float) -> tuple[int, str, float]:
    sites = [
        (r["lib_fs"], _km(lat, lon, float(r["latitude"]), float(r["longitude"])))
        for r in _rows(root / "anct" / "france-services-20240801.csv", ",")
        if r["latitude"] and r["longitude"]
    ]
    nearest = min(sites, key=lambda s: s[1])
    return sum(1 for _, km in sites if km <= 1), nearest[0], round(nearest[1], 2)


def _raw_density(root: Path, code: str) -> str | None:
    for row in _rows(root / "insee" / "grille-densite.csv", ","):
        if row["insee_com"] == code:
            return row["niveau_densite"]
    return None


def check(root: Path, f: SiteFacts, dep: str, checker: Checker) -> None:
    print(f"{f.id} ({f.lat}, {f.lon}) — {f.commune.nom} ({f.commune.code})")
    checker.same("commune (contour 2018)", f.commune.code, _raw_commune(root, dep, f.lat, f.lon))
    raw = _raw_stations(root, f.lat, f.lon)
    checker.same("gares les plus proches", [g.nom for g in f.gares.gares], [n for n, _ in raw])
    for g, (_, km) in zip(f.gares.gares, raw, strict=False):
        checker.same(f"distance à la gare {g.nom} (km)", g.distance_km, km, tol=0.011)
    r = f.residents
    ours = [r.population_5km, r.population_10km, r.population_20km]
    checker.same("habitants à 5, 10, 20 km", ours, _raw_population(root, f.lat, f.lon))
    count, name, km = _raw_france_services(root, f.lat, f.lon)
    fs = f.france_services
    checker.same("France services à 1 km", fs.nombre, count)
    checker.same("France services la plus proche", fs.plus_proche_nom, name)
    checker.same("distance à la plus proche (km)", fs.plus_proche_km, km, tol=0.011)
    checker.same("grille de densité", f.densite.libelle, _raw_density(root, f.commune.code))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--opendata", type=Path, default=None)
    args = parser.parse_args()
    root = args.opendata or Path(os.environ.get("TELETRAVAIL_OPENDATA", "../shared/opendata"))
    derived, day = ensure_derived(settings.warehouse_path(args.warehouse))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        points = []
        for name in STATIONS:
            row = con.execute(
                "SELECT lat, lon FROM stations WHERE nom = ? AND lat IS NOT NULL", [name]
            ).fetchone()
            if row is None:
                print(f"Gare {name} absente de l'entrepôt.")
                return 1
            points.append((name, float(row[0]), float(row[1])))
        facts = site_facts(con, points)
    finally:
        con.close()
    print(f"Jour de référence : {day.isoformat()}")
    checker = Checker()
    for f in facts:
        check(root, f, STATIONS[f.id], checker)
    if checker.gaps:
        print(f"{checker.gaps} écart(s)")
        return 1
    print("0 écart")
    return 0


if __name__ == "__main__":
    sys.exit(main())
