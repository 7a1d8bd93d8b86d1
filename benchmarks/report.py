"""Benchmark: one territory's diagnostic report, HTML and PDF, on a warm derived warehouse.

Usage: ``python benchmarks/report.py [--warehouse FILE] [--runs 3]``

For each of the six Fabrique Prospective EPCIs: time of ``build_report`` + ``render_html`` (target
under 1 s) and of ``build_report`` + ``render_pdf`` (target under 5 s), in-process, after the derived
warehouse (rail service and indicators of the reference day) exists; also the one-off time to build
that derived warehouse, and the whole CLI command (new process: imports, lookup, report) for HTML.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from teletravail import settings
from teletravail.derived import derived_path, ensure_derived, resolve_day
from teletravail.reports.diagnostic import build_report
from teletravail.reports.render import render_html, render_pdf
from teletravail.territory.lookup import gazetteer_for

PILOTS = ("248100737", "200072346", "200069037", "248900334", "200070092", "200039022")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    warehouse = settings.warehouse_path(args.warehouse)
    day = resolve_day(warehouse, None)
    cached = derived_path(warehouse, day, 5)
    if cached.exists():
        cached.unlink()
    start = time.perf_counter()
    derived, day = ensure_derived(warehouse, day=day)
    print(
        f"derived warehouse (rail service + indicators, {day}): {time.perf_counter() - start:.2f} s"
    )
    gaz = gazetteer_for(warehouse)
    con = duckdb.connect(str(derived), read_only=True)
    html_times: list[float] = []
    pdf_times: list[float] = []
    for siren in PILOTS:
        entry = gaz.by_code[siren][0]
        for _ in range(args.runs):
            t0 = time.perf_counter()
            html = render_html(build_report(con, entry, day=day))
            html_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pdf = render_pdf(build_report(con, entry, day=day))
            pdf_times.append(time.perf_counter() - t0)
        print(
            f"  {entry.nom}: HTML {html_times[-1]:.2f} s ({len(html) // 1024} KiB), "
            f"PDF {pdf_times[-1]:.2f} s ({len(pdf) // 1024} KiB)"
        )
    con.close()
    print(
        f"HTML report: median {statistics.median(html_times):.2f} s, max {max(html_times):.2f} s "
        "(target < 1 s)"
    )
    print(
        f"PDF report: median {statistics.median(pdf_times):.2f} s, max {max(pdf_times):.2f} s "
        "(target < 5 s)"
    )
    exe = shutil.which("teletravail") or str(Path(sys.executable).parent / "teletravail")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run(
            [
                exe,
                "diagnostic",
                "Vitré Communauté",
                "--output",
                f"{tmp}/r.html",
                "--entrepot",
                str(warehouse),
            ],
            check=True,
            capture_output=True,
        )
        print(f"CLI, new process, HTML for Vitré Communauté: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
