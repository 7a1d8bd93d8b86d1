"""Benchmark: data-backed features of every passenger station (tool 3, issue 12).

Usage: ``python benchmarks/gares.py [--warehouse FILE] [--date AAAA-MM-JJ] [--repeat 5]
[--uic 87471508]``

Opens the derived warehouse of the reference day (built first if absent or stale: that build is
not timed), then times :func:`teletravail.gares.features.station_features` for every station of
``stations`` and for one station (``--uic``, Vitré by default): best and median of ``--repeat``
runs, in seconds, a fresh read-only connection for each run (cold DuckDB caches of that
connection). Prints the row count and, per field, how many stations have it non-null.
Then, for the station's portrait as ``teletravail gare --format html|pdf`` builds it (features,
assessment, ACV percentiles, district map, page), in process and warm: the HTML report and the PDF
(median of ``--repeat``), the district map alone, the ranking of the ACV communes' main stations,
and the PDF's page count. Targets (issue 12): every station under 5 s; one station's page and
HTML report under 0.5 s, its PDF under 2 s.
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


def _portrait(path: Path, uic: str, repeat: int) -> None:
    from teletravail.gares.assess import assess
    from teletravail.gares.carte import district_map
    from teletravail.gares.catalogue import load_portrait
    from teletravail.gares.display import render_station_html
    from teletravail.gares.ranking import acv_percentiles, acv_station_ranking
    from teletravail.gares.resolve import StationChoice
    from teletravail.reports.render import html_to_pdf

    con = duckdb.connect(str(path), read_only=True)
    try:
        day = con.execute("SELECT max(jour) FROM desserte_gares").fetchone()
        jour = day[0] if day and day[0] else date.today()

        def page() -> str:
            fields = station_features(con, uic=uic)[0].model_dump(mode="json")
            choice = StationChoice(uic=uic, nom=str(fields["nom"]), par="uic", regle="code UIC")
            return render_station_html(
                choice,
                jour,
                fields,
                assess(fields, {}),
                load_portrait(),
                district_map(con, uic),
                acv_percentiles(con, fields),
            )

        page()  # warm-up
        html, pdf, maps, ranking = [], [], [], []
        pages = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            text = page()
            html.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _, pages = html_to_pdf(page())
            pdf.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            district_map(con, uic)
            maps.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            acv_station_ranking(con)
            ranking.append(time.perf_counter() - t0)
        print(
            f"portrait HTML (carte, centiles) : médiane {statistics.median(html):.3f} s (cible < 0,5 s)"
        )
        print(f"portrait PDF : médiane {statistics.median(pdf):.3f} s, {pages} pages (cible < 2 s)")
        print(f"carte du quartier seule : médiane {statistics.median(maps) * 1000:.0f} ms")
        print(f"classement des gares ACV : médiane {statistics.median(ranking):.3f} s")
        print(f"taille de la page : {len(text)} caractères")
    finally:
        con.close()


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
    _portrait(path, args.uic, args.repeat)


if __name__ == "__main__":
    main()
