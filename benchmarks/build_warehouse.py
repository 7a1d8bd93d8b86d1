"""Benchmark: warehouse build from the mirror vs the time DuckDB takes merely to read every file.

Usage: ``python benchmarks/build_warehouse.py [--source DIR] [--runs 3]``

Prints, for each run, the build's wall time (s) and peak resident memory (MiB, measured in a child
process so that only the build counts), the raw-read time (s): DuckDB ``count(*)`` over every source
file (CSV with read_csv, JSON/GeoJSON with read_json, zip members extracted then read), and the ratio
build / raw read. Targets (issue 2): ratio <= 3, peak memory < 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb

from teletravail.opendata.catalogue import load_catalogue

_CHILD = """
import sys, time, resource
from pathlib import Path
from teletravail.opendata.build import build_warehouse
t = time.perf_counter()
build_warehouse(Path(sys.argv[1]), Path(sys.argv[2]))
print(time.perf_counter() - t)
"""


def raw_read_seconds(root: Path) -> float:
    """Seconds for DuckDB to read every catalogued file of ``root`` once (zip members included)."""
    con = duckdb.connect()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for source in load_catalogue():
            for entry in source.files:
                for path in entry.resolve(root):
                    for target in _readable(path, Path(tmp)):
                        _count(con, target)
    con.close()
    return time.perf_counter() - started


def _readable(path: Path, tmp: Path) -> list[Path]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            out = tmp / path.stem
            zf.extractall(out)
            return sorted(p for p in out.rglob("*") if p.is_file())
    return [path]


def _count(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    quoted = str(path).replace("'", "''")
    if path.suffix in (".json", ".geojson"):
        con.execute(
            f"SELECT count(*) FROM read_json('{quoted}', maximum_object_size=268435456)"
        ).fetchone()
    else:
        try:
            con.execute(f"SELECT count(*) FROM read_csv('{quoted}', all_varchar=true)").fetchone()
        except duckdb.Error:  # title lines or ragged rows: read leniently, as a raw scan
            con.execute(
                f"SELECT count(*) FROM read_csv('{quoted}', all_varchar=true, strict_mode=false, "
                "null_padding=true, parallel=false, ignore_errors=true)"
            ).fetchone()


def build_once(root: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one build run in a child Python process."""
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(root), str(Path(tmp) / "w.duckdb")],
            check=True,
            capture_output=True,
            text=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        seconds = float(proc.stdout.strip().splitlines()[-1])
    # ru_maxrss of children is the max over all waited-for children (KiB on Linux)
    return seconds, max(after, before) / 1024


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--source",
        type=Path,
        default=Path(os.environ.get("TELETRAVAIL_OPENDATA", "../shared/opendata")),
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    raw_read_seconds(args.source)  # warm the page cache
    builds, raws, peaks = [], [], []
    for run in range(1, args.runs + 1):
        raw = raw_read_seconds(args.source)
        seconds, peak = build_once(args.source)
        builds.append(seconds)
        raws.append(raw)
        peaks.append(peak)
        print(
            f"run {run}: build {seconds:.2f} s, peak RSS {peak:.0f} MiB, raw read {raw:.2f} s, ratio {seconds / raw:.2f}"
        )
    b, r = statistics.median(builds), statistics.median(raws)
    print(
        f"median: build {b:.2f} s, raw read {r:.2f} s, ratio {b / r:.2f} (target <= 3), peak RSS {max(peaks):.0f} MiB (target < 1536)"
    )
    print(
        f"machine: {os.cpu_count()} CPU, duckdb {duckdb.__version__}, python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
