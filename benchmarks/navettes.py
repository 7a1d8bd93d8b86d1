"""Benchmark and validation of the estimated home-to-work flows (issue 10, teletravail.navettes).

Usage: ``python -m benchmarks.navettes [--entrepot FICHIER] [--caler]``

On a copy of the warehouse (``TELETRAVAIL_VAR``/teletravail.duckdb by default), in a child
process so that its peak memory is its own: recomputes ``navettes_estimees`` for all of France and
prints wall time (s), CPU time (s), peak resident memory (MiB), the fit (iterations, share of jobs
misallocated, share of workers in stored flows) and the two national figures the model is
calibrated on (share working in their commune, navetteurs' median km). Then prints the validation
table against the MOBPRO 2014 detail extract (CPC, share in own commune, mean and median km,
distance bands, by PCS). ``--caler`` re-runs the calibration on the published figures and prints
the parameters to copy into ``src/teletravail/navettes/parametres.toml``.
Targets: all of France in under 30 s on 2 cores, under 4 GB of memory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from teletravail import settings
from teletravail.navettes.estimate import calibrate
from teletravail.navettes.validation import render_validation, validate

_CHILD = """
import json, resource, sys, time
import duckdb
from teletravail.navettes.estimate import store_flows
con = duckdb.connect(sys.argv[1])
wall, cpu = time.perf_counter(), time.process_time()
figures = store_flows(con)
figures["secondes_mur"] = time.perf_counter() - wall
figures["secondes_cpu"] = time.process_time() - cpu
con.close()
figures["memoire_max_mio"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


def main() -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entrepot", type=Path, default=None)
    parser.add_argument("--caler", action="store_true")
    args = parser.parse_args()
    source = settings.warehouse_path(args.entrepot)
    with tempfile.TemporaryDirectory(prefix="navettes-") as tmp:
        copy = Path(tmp) / "entrepot.duckdb"
        shutil.copyfile(source, copy)
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(copy)], check=True, capture_output=True, text=True
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        for key, value in figures.items():
            print(f"{key} : {value:.4g}")
        con = duckdb.connect(str(copy))
        try:
            print()
            print(render_validation(validate(con)))
            if args.caler:
                d0, weight, share, median = calibrate(con, log=print)
                print(f"\nd0_km = {d0:.2f}\nintra_weight = {weight:.2f}")
                print(f"(dernier ajustement : part {share:.4f}, médiane {median:.2f} km)")
        finally:
            con.close()


if __name__ == "__main__":
    main()
