"""Hand check of the station features (issue 12) against the raw open-data files.

Usage: ``python scripts/check_gares.py [--warehouse FILE] [--opendata DIR]``

For Vitré, Libourne, Albi, Saint-Omer, Sens and Fontainebleau - Avon, prints the features of
:func:`teletravail.gares.features.station_features` (derived warehouse of the default reference
day), then recomputes several of them from the raw files of the mirror, with Python only (no
warehouse table), and prints each comparison ``OK`` or ``ÉCART``:

- ``sncf/gares-de-voyageurs.csv``: position (``Position géographique``), UIC codes;
- ``sncf/frequentation-gares.csv``: passengers 2015 and 2023 (``Total Voyageurs AAAA``, summed
  over the station's UIC codes);
- ``sncf/gares-equipees-du-wifi.csv``: wifi (UIC without its ``87`` prefix, ``Oui``/``Non``);
- ``sncf/equipements-accessibilite-en-gares.csv``: distinct accessibility equipments;
- ``sncf/horaires-des-gares.csv``: opening hours a week (normal hours, Monday to Sunday);
- ``anct/france-services-20240801.csv``: France services within 1 km (latitude, longitude);
- ``cerema/cartofriches-communes.json.gz``, ``cerema/lovac2025-communes.csv``,
  ``dhup/zonage-abc-communes.json``, ``dgfip/dvf-appartements-communes.csv``: the commune's
  brownfields, vacancy rate, ABC zone and median apartment price.

Exit code 1 when any comparison differs.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from teletravail import settings
from teletravail.derived import ensure_derived
from teletravail.gares.features import StationFeatures, station_features

STATIONS = ("Vitré", "Libourne", "Albi", "Saint-Omer", "Sens", "Fontainebleau - Avon")
WEEK = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")


def _rows(path: Path, delimiter: str) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            yield {k.lstrip("\ufeff"): (v or "") for k, v in row.items() if k is not None}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Spherical law of cosines, 6,371 km (independent of the project's SQL)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return 6371.0 * math.acos(min(1.0, max(-1.0, c)))


def _slot_hours(text: str) -> float:
    start, end = text.split("-")
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    span = ((h2 * 60 + m2) - (h1 * 60 + m1)) % 1440
    return 24.0 if span == 0 else span / 60


def _raw(od: Path, name: str) -> dict[str, Any]:
    """The raw values of station ``name`` (from the SNCF reference list) and of its commune."""
    gare = next(r for r in _rows(od / "sncf/gares-de-voyageurs.csv", ";") if r["Nom"] == name)
    uics = {u.strip() for u in gare["Code(s) UIC"].split(";") if u.strip()}
    lat, lon = (float(x) for x in gare["Position géographique"].split(","))
    commune = gare["Code commune"]
    out: dict[str, Any] = {"lat": lat, "lon": lon, "uics": sorted(uics), "commune": commune}
    freq = [r for r in _rows(od / "sncf/frequentation-gares.csv", ",") if r["Code UIC"] in uics]
    for year in (2015, 2023):
        values = [int(r[f"Total Voyageurs {year}"]) for r in freq if r[f"Total Voyageurs {year}"]]
        out[f"voyageurs_{year}"] = sum(values) if values else None
    wifi = [
        r["Service Wifi"]
        for r in _rows(od / "sncf/gares-equipees-du-wifi.csv", ";")
        if "87" + r["UIC"].strip().zfill(6) in uics
    ]
    out["wifi"] = None if not wifi else "Oui" in wifi
    # a station absent from the file (it lists 221 stations) is not known: None, not 0
    out["equipements_accessibilite"] = (
        len(
            {
                r["Accessibilité"].strip()
                for r in _rows(od / "sncf/equipements-accessibilite-en-gares.csv", ";")
                if r["UIC"].strip() in uics and r["Accessibilité"].strip()
            }
        )
        or None
    )
    slots = {
        (r["jour_de_la_semaine"], r["horaire_en_jour_normal"])
        for r in _rows(od / "sncf/horaires-des-gares.csv", ";")
        if r["uic"].strip()[-8:] in uics
    }
    out["heures_ouverture_semaine"] = (
        round(sum(min(24.0, sum(_slot_hours(t) for d, t in slots if d == day)) for day in WEEK), 2)
        if slots
        else None
    )
    out["france_services_1km"] = sum(
        1
        for r in _rows(od / "anct/france-services-20240801.csv", ",")
        if r["latitude"]
        and r["longitude"]
        and _km(lat, lon, float(r["latitude"]), float(r["longitude"])) <= 1.0
    )
    with gzip.open(od / "cerema/cartofriches-communes.json.gz", "rt", encoding="utf-8") as fh:
        friches = json.load(fh)["communes"]
    out["friches_commune"] = friches.get(commune, {}).get("n", 0)
    lovac = {r["INSEE_C"]: r for r in _rows(od / "cerema/lovac2025-communes.csv", ";")}
    taux = lovac.get(commune, {}).get("taux_vacance_25_pct")
    out["taux_vacance_commune_pct"] = round(float(taux), 1) if taux else None
    with (od / "dhup/zonage-abc-communes.json").open(encoding="utf-8") as fh:
        out["zone_abc"] = json.load(fh)["communes"].get(commune)
    dvf = {r["INSEE_C"]: r for r in _rows(od / "dgfip/dvf-appartements-communes.csv", ";")}
    sale = dvf.get(commune)
    out["prix_m2_appartements"] = (
        float(round(float(sale["p50"]))) if sale and int(sale["n"]) >= 10 else None
    )
    return out


CHECKED = (
    "lat",
    "lon",
    "voyageurs_2015",
    "voyageurs_2023",
    "wifi",
    "equipements_accessibilite",
    "heures_ouverture_semaine",
    "france_services_1km",
    "friches_commune",
    "taux_vacance_commune_pct",
    "zone_abc",
    "prix_m2_appartements",
)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-6 + 0.001 * abs(b)
    return a == b


def main() -> int:
    """Print the features and the comparisons; 1 when any differs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument(
        "--opendata", type=Path, default=Path(os.environ.get("TELETRAVAIL_OPENDATA", "opendata"))
    )
    args = parser.parse_args()
    path, day = ensure_derived(settings.warehouse_path(args.warehouse))
    con = duckdb.connect(str(path), read_only=True)
    try:
        by_name: dict[str, StationFeatures] = {r.nom: r for r in station_features(con)}
    finally:
        con.close()
    differences = 0
    for name in STATIONS:
        features = by_name[name]
        print(f"\n=== {name} (UIC {features.uic}, jour {day.isoformat()})")
        for key, value in features.model_dump(exclude={"uic", "nom", "jour"}).items():
            print(f"  {key:<28} {value}")
        raw = _raw(args.opendata, name)
        print(f"  -- fichiers bruts (UIC {', '.join(raw['uics'])}, commune {raw['commune']})")
        if raw["commune"] != features.commune_code:
            print(f"  note: commune du fichier {raw['commune']} ≠ COG 2026 {features.commune_code}")
        for key in CHECKED:
            ours, theirs = getattr(features, key), raw[key]
            ok = _same(ours, theirs)
            differences += not ok
            print(f"  {'OK   ' if ok else 'ÉCART'} {key:<28} calculé {ours!r:<14} brut {theirs!r}")
    print(f"\n{differences} écart(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
