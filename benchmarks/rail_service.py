"""Benchmark: rail service of every station (both feeds) against gtfs-kit's per-stop statistics.

Usage: ``python benchmarks/rail_service.py [--warehouse FILE] [--opendata DIR] [--date AAAA-MM-JJ]
[--repeat 3]``

In one run, on the same day (default: the reference day, a Tuesday outside school holidays):

1. ``compute_rail_service`` for all stations and both feeds (TER and long distance), on an
   in-memory DuckDB connection with the warehouse ATTACHed read-only: departures by mode,
   destinations, first/last departure, and every station -> métropole journey with at most one
   change (outbound and return). Timed ``--repeat`` times (best and mean, seconds).
2. gtfs-kit (``gtfs_kit.read_feed`` + ``compute_stop_stats`` for the same date) on the same two
   zips of the mirror (``sncf/gtfs/export-ter-gtfs-last.zip``, ``export_gtfs_voyages.zip``),
   timed the same way; reading the zip and computing the statistics are shown apart.

Prints both times and the ratio gtfs-kit / teletravail. gtfs-kit computes per-stop counts and
headways only (no journeys); teletravail reads tables already loaded in the warehouse (the load is
the warehouse build, timed by ``benchmarks/build_warehouse.py``). Target (issue 3): under 30 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import gtfs_kit  # type: ignore[import-untyped]

from teletravail import settings
from teletravail.rail.calendar import reference_day
from teletravail.rail.service import compute_rail_service

ZIPS = {"ter": "export-ter-gtfs-last.zip", "longue_distance": "export_gtfs_voyages.zip"}


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best and mean wall time (seconds) of ``fn`` over ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs), statistics.mean(runs)


def gtfs_kit_times(path: Path, ymd: str, repeat: int) -> tuple[float, float, int]:
    """Best times (s) of gtfs-kit's read_feed and compute_stop_stats on one zip, and the number
    of stops in its statistics."""
    feeds: list[object] = []
    read_best, _ = timed(lambda: feeds.append(gtfs_kit.read_feed(path, dist_units="km")), repeat)
    sizes: list[int] = []
    stats_best, _ = timed(
        lambda: sizes.append(len(gtfs_kit.compute_stop_stats(feeds[-1], [ymd]))), repeat
    )
    return read_best, stats_best, sizes[-1]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--opendata", type=Path, default=None)
    parser.add_argument("--date", default=None, help="AAAA-MM-JJ (défaut : jour de référence)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warehouse = settings.warehouse_path(args.warehouse)
    opendata = settings.opendata_dir(args.opendata)

    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS w (READ_ONLY)")
    day = reference_day(con, date.fromisoformat(args.date) if args.date else None, source="w")
    print(f"Jour : {day.isoformat()} ({'choisi' if args.date else 'jour de référence par défaut'})")

    def ours() -> None:
        compute_rail_service(con, day=day, source="w")

    best, mean = timed(ours, args.repeat)
    (gares, departs) = con.execute(
        "SELECT count(*), sum(departs_train + departs_car) FROM desserte_gares"
    ).fetchone() or (0, 0)
    (liens,) = con.execute("SELECT count(*) FROM desserte_metropoles").fetchone() or (0,)
    (stops,) = con.execute(
        "SELECT count(DISTINCT feed || stop_id) FROM w.gtfs_stops WHERE location_type = 0"
    ).fetchone() or (0,)
    print(
        f"teletravail compute_rail_service (2 flux, toutes les gares) : meilleur {best:.2f} s, "
        f"moyenne {mean:.2f} s sur {args.repeat} ; {gares} gares desservies, {departs} départs, "
        f"{liens} liaisons gare -> métropole"
    )

    ymd = day.strftime("%Y%m%d")
    read_total, stats_total, stop_rows = 0.0, 0.0, 0
    for feed, name in ZIPS.items():
        r_best, s_best, rows = gtfs_kit_times(opendata / "sncf" / "gtfs" / name, ymd, args.repeat)
        read_total += r_best
        stats_total += s_best
        stop_rows += rows
        print(
            f"gtfs-kit {feed} : read_feed {r_best:.2f} s, compute_stop_stats {s_best:.2f} s "
            f"({rows} arrêts)"
        )
    total = read_total + stats_total
    print(
        f"gtfs-kit total (2 flux) : {total:.2f} s (lecture {read_total:.2f} s + statistiques "
        f"{stats_total:.2f} s) ; {stop_rows} arrêts sur {stops} points d'arrêt"
    )
    print(
        f"Rapport gtfs-kit / teletravail : {total / best:.2f} (statistiques seules : "
        f"{stats_total / best:.2f})"
    )
    print(f"Cible < 30 s : {'atteinte' if best < 30 else 'MANQUÉE'} ({best:.2f} s)")
    con.close()


if __name__ == "__main__":
    main()
