"""Benchmark: data-backed features of every passenger station (tool 3, issue 12).

Usage: ``python benchmarks/gares.py [--warehouse FILE] [--date AAAA-MM-JJ] [--repeat 5]
[--uic 87471508]``

Opens the derived warehouse of the reference day (built first if absent or stale: that build is
not timed), then times :func:`teletravail.gares.features.station_features` for every station of
``stations`` and for one station (``--uic``, Vitré by default): best and median of ``--repeat``
runs, in seconds, a fresh read-only connection for each run (cold DuckDB caches of that
connection). Prints the row count and, per field, how many stations have it non-null.
Target (issue 12): every station under 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb

from teletravail import settings
from teletravail.derived import ensure_derived
from teletravail.gares.features import StationFeatures, station_features


def _timed(path: Path, uic: str | None, repeat: int) -> tuple[list[float], list[StationFeatures]]:
    times: list[float] = []
    rows: list[StationFeatures] = []
    for _ in range(repeat):
        con = duckdb.connect(str(path), read_only=True)
        try:
            start = time.perf_counter()
            rows = station_features(con, uic=uic)
            times.append(time.perf_counter() - start)
        finally:
            con.close()
    return times, rows


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--date", type=date.fromisoformat, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--uic", default="87471508")
    args = parser.parse_args()
    path, day = ensure_derived(settings.warehouse_path(args.warehouse), day=args.date)
    print(f"entrepôt dérivé : {path} (jour {day.isoformat()})")
    every, rows = _timed(path, None, args.repeat)
    one, single = _timed(path, args.uic, args.repeat)
    print(
        f"toutes les gares : meilleur {min(every):.3f} s, médiane {statistics.median(every):.3f} s "
        f"({args.repeat} essais, cible < 5 s)"
    )
    print(
        f"une gare ({args.uic}, {single[0].nom if single else 'introuvable'}) : "
        f"meilleur {min(one):.3f} s, médiane {statistics.median(one):.3f} s"
    )
    print(f"lignes : {len(rows)}")
    print("champs renseignés (non nuls) :")
    for name in StationFeatures.model_fields:
        filled = sum(1 for r in rows if getattr(r, name) is not None)
        print(f"  {name:<28} {filled:>5} / {len(rows)}")


if __name__ == "__main__":
    main()
