"""Benchmark: every diagnostic indicator for every commune and every EPCI.

Usage: ``python benchmarks/indicators.py [--warehouse FILE] [--date AAAA-MM-JJ] [--repeat 3]
[--no-rail]``

Works on an in-memory DuckDB connection with the warehouse ATTACHed read-only (nothing is written
to it). Steps:

1. rail service (``teletravail.rail.service.compute_rail_service``) for the reference day (default:
   the rail package's default day, a Tuesday outside school holidays), timed once; with
   ``--no-rail``, empty ``desserte_gares`` / ``desserte_metropoles`` tables instead (rail values
   NULL), for when the rail package is unavailable;
2. ``compute_indicators`` (all themes, both levels, scores, the two wide tables), timed
   ``--repeat`` times (best and mean, seconds);
3. one more run broken down by step: prelude (shared tables: perimeters, nearest métropole and
   France services), each theme's SQL, the attractiveness scores.

Prints the rows and columns written and the times. Target (issue 3): under 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from teletravail import settings
from teletravail.diagnostic import attractiveness
from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.diagnostic.compute import compute_indicators, prepare_rail, theme_sql
from teletravail.diagnostic.prelude import create_prelude, drop_prelude

EMPTY_RAIL = """
CREATE OR REPLACE TABLE desserte_gares (uic VARCHAR, jour DATE, departs_train INTEGER,
    departs_car INTEGER, destinations INTEGER, premier_depart VARCHAR, dernier_depart VARCHAR,
    feeds VARCHAR[]);
CREATE OR REPLACE TABLE desserte_metropoles (uic VARCHAR, jour DATE, metropole_siren VARCHAR,
    metropole_nom VARCHAR, duree_min_minutes INTEGER, allers_avant_9h INTEGER,
    premiere_arrivee VARCHAR, retours_apres_17h30 INTEGER, dernier_retour VARCHAR,
    correspondances INTEGER);
"""


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best and mean wall time (seconds) of ``fn`` over ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs), statistics.mean(runs)


def breakdown(con: duckdb.DuckDBPyConnection) -> list[tuple[str, float]]:
    """Seconds per step of one computation (same SQL as ``compute_indicators``)."""
    cat = load_indicator_catalogue()
    steps: list[tuple[str, float]] = []
    start = time.perf_counter()
    prepare_rail(con, None)
    create_prelude(con, cat)
    steps.append(
        (
            "prélude (périmètres, métropole et France services les plus proches)",
            time.perf_counter() - start,
        )
    )
    tables = []
    for theme in cat.themes:
        if theme.id == attractiveness.THEME:
            continue
        start = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TEMP TABLE _b_{theme.id} AS {theme_sql(cat, theme.id)}")
        steps.append((f"thème {theme.id}", time.perf_counter() - start))
        tables.append(f"_b_{theme.id}")
    start = time.perf_counter()
    joins = " ".join(f"LEFT JOIN {t} USING (niveau, code)" for t in tables)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _indicateurs AS SELECT * FROM "
        f"(SELECT DISTINCT niveau, code FROM _perimetre) p {joins}"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _b_scores AS " + theme_sql(cat, attractiveness.THEME))
    steps.append(("jointure et scores d'attractivité", time.perf_counter() - start))
    for t in [
        *tables,
        "_indicateurs",
        "_b_scores",
        "_desserte_gares_jour",
        "_desserte_metropoles_jour",
    ]:
        con.execute(f"DROP TABLE IF EXISTS {t}")
    drop_prelude(con)
    return steps


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", default=None)
    parser.add_argument("--date", type=date.fromisoformat, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-rail", action="store_true")
    args = parser.parse_args()
    path = settings.warehouse_path(None if args.warehouse is None else Path(args.warehouse))
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    con.execute("SET search_path = 'memory.main,w.main'")
    print(f"Entrepôt : {path}")
    if args.no_rail:
        con.execute(EMPTY_RAIL)
        print("Desserte ferroviaire : tables vides (--no-rail), valeurs ferroviaires vides")
    else:
        from teletravail.rail.calendar import reference_day
        from teletravail.rail.service import compute_rail_service

        day = reference_day(con, args.date)
        rail_best, _ = timed(lambda: compute_rail_service(con, day=day), 1)
        print(
            f"Desserte ferroviaire du {day.isoformat()} (toutes gares, deux flux) : "
            f"{rail_best:.2f} s"
        )
    best, mean = timed(lambda: compute_indicators(con), args.repeat)
    cat = load_indicator_catalogue()
    for table in ("indicateurs_commune", "indicateurs_epci"):
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        cols = len(con.execute(f"DESCRIBE {table}").fetchall())
        print(f"{table} : {rows[0] if rows else 0} lignes × {cols} colonnes")
    print(f"{len(cat.indicators)} indicateurs déclarés, {len(cat.themes)} thèmes")
    print(
        f"compute_indicators (toutes communes et tous EPCI) : meilleur {best:.2f} s, "
        f"moyenne {mean:.2f} s sur {args.repeat} ({'atteint' if best < 10 else 'MANQUÉ'} : "
        "objectif < 10 s)"
    )
    print("Détail d'un calcul :")
    for name, secs in breakdown(con):
        print(f"  {name:<75} {secs:6.3f} s")


if __name__ == "__main__":
    main()
