"""Benchmark and validation of the estimated home-to-work flows (issue 10, teletravail.navettes).

Usage: ``python -m benchmarks.navettes [--entrepot FICHIER] [--caler] [--variante CLÉ=VALEUR,...]``

On a copy of the warehouse (``TELETRAVAIL_VAR``/teletravail.duckdb by default), in a child
process so that its peak memory is its own: recomputes ``navettes_estimees`` for all of France and
prints wall time (s), CPU time (s), peak resident memory (MiB), the fit (iterations, share of jobs
misallocated, share of workers in stored flows) and the two national figures the model is
calibrated on (share working in their commune, navetteurs' median km). Then prints the validation
table against the MOBPRO 2014 detail extract (CPC, share in own commune, mean and median km,
distance bands, by PCS). ``--caler`` re-runs the calibration on the published figures and prints
the parameters to copy into ``src/teletravail/navettes/parametres.toml``. ``--variante`` tries
another form of the model without editing that file: overrides of the declared parameters
(``dissuasion``: exponentielle, puissance or mixte; ``echelle``: d0 km or β; ``alpha``: exponent of
the mixed form; ``poids``: own-commune weight; ``poles_rayon_km``, ``poles_emplois_min``), first
calibrated on the same published figures, then benchmarked and validated like the declared model,
e.g. ``--variante dissuasion=exponentielle,poles_rayon_km=150,poles_emplois_min=10000``.
Targets: all of France in under 30 s on 2 cores, under 4 GB of memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from teletravail import settings
from teletravail.navettes.estimate import Parameters, calibrate, load_parameters
from teletravail.navettes.validation import render_validation, validate

_CHILD = """
import json, resource, sys, time
import dataclasses
import duckdb
from teletravail.navettes.estimate import load_parameters, store_flows
con = duckdb.connect(sys.argv[1])
params = dataclasses.replace(load_parameters(), **json.loads(sys.argv[2]))
wall, cpu = time.perf_counter(), time.process_time()
figures = store_flows(con, params)
figures["secondes_mur"] = time.perf_counter() - wall
figures["secondes_cpu"] = time.process_time() - cpu
con.close()
figures["memoire_max_mio"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


_OVERRIDES = {
    "dissuasion": ("kind", str),
    "echelle": ("scale", float),
    "alpha": ("exponent", float),
    "poids": ("intra_weight", float),
    "poles_rayon_km": ("hub_radius_km", float),
    "poles_emplois_min": ("hub_min_jobs", float),
}


def variant(text: str) -> Parameters:
    """The declared parameters with the overrides ``clé=valeur,...`` (see the module docstring)."""
    changes: dict[str, object] = {}
    for item in filter(None, text.split(",")):
        key, _, value = item.partition("=")
        field, cast = _OVERRIDES[key.strip()]
        changes[field] = cast(value.strip())
    return dataclasses.replace(load_parameters(), **changes)


def main() -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entrepot", type=Path, default=None)
    parser.add_argument("--caler", action="store_true")
    parser.add_argument("--variante", default=None)
    parser.add_argument("--tours", type=int, default=6, help="tours de calage (défaut 6)")
    args = parser.parse_args()
    source = settings.warehouse_path(args.entrepot)
    with tempfile.TemporaryDirectory(prefix="navettes-") as tmp:
        copy = Path(tmp) / "entrepot.duckdb"
        shutil.copyfile(source, copy)
        overrides: dict[str, object] = {}
        if args.variante is not None:
            params = variant(args.variante)
            con = duckdb.connect(str(copy))
            try:
                scale, weight, _share, _median = calibrate(
                    con, params=params, rounds=args.tours, log=print
                )
            finally:
                con.close()
            params = dataclasses.replace(params, scale=scale, intra_weight=weight)
            overrides = {
                f.name: getattr(params, f.name)
                for f in dataclasses.fields(params)
                if f.name != "targets"
            }
            print(f"variante calée : {json.dumps(overrides, ensure_ascii=False)}\n")
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(copy), json.dumps(overrides)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        for key, value in figures.items():
            print(f"{key} : {value:.4g}")
        con = duckdb.connect(str(copy))
        try:
            print()
            print(render_validation(validate(con)))
            if args.caler and args.variante is None:
                d0, weight, share, median = calibrate(con, rounds=args.tours, log=print)
                print(f"\nd0_km = {d0:.2f}\nintra_weight = {weight:.2f}")
                print(f"(dernier ajustement : part {share:.4f}, médiane {median:.2f} km)")
        finally:
            con.close()


if __name__ == "__main__":
    main()
