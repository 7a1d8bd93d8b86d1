"""Benchmark: the station district pages as users get them from ``teletravail serve`` (issue 12).

Usage: ``python benchmarks/gares_web.py [--url http://127.0.0.1:8000] [--warehouse FILE]
[--repeat 7]``

Without ``--url``, starts ``teletravail serve`` (gunicorn, 2 workers) on a free local port with a
fresh ``TELETRAVAIL_VAR`` and the given warehouse, and waits until the reference day is computed
(the 202 pages). Then, over HTTP on loopback, for the six pilot stations (Vitré, Libourne,
Albi-Ville, Saint-Omer, Sens, Fontainebleau-Avon): the search that opens the portrait, the first
portrait page of each station (its map not cached yet), and the median and maximum of ``--repeat``
further requests, the PDF, and the ACV station ranking page. Times in seconds, wall clock of the
whole response. Targets (issue 12): one station's page under 0.5 s, its PDF under 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from teletravail import settings

STATIONS = {
    "Vitré": "87471508",
    "Libourne": "87584052",
    "Albi-Ville": "87615005",
    "Saint-Omer": "87281444",
    "Sens": "87683003",
    "Fontainebleau-Avon": "87682211",
}


def _get(url: str) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read()
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, time.perf_counter() - start, body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(warehouse: Path | None) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "TELETRAVAIL_WAREHOUSE": str(settings.warehouse_path(warehouse)),
        "TELETRAVAIL_VAR": tempfile.mkdtemp(prefix="teletravail-bench-"),
        "TELETRAVAIL_SECRET_KEY": "bench-" + "k" * 50,
        "TELETRAVAIL_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    exe = shutil.which("teletravail") or str(Path(sys.executable).parent / "teletravail")
    server = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_ready(base: str) -> None:
    for _ in range(1200):
        try:
            status, _, _ = _get(base + "/gares/classement/")
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.5)
    sys.exit("le serveur ne répond pas")


def _run(base: str, repeat: int) -> None:
    _wait_ready(base)
    print(f"serveur : {base}")
    worst_page, worst_pdf = 0.0, 0.0
    for name, uic in STATIONS.items():
        query = urllib.parse.urlencode({"q": name})
        status, search, _ = _get(f"{base}/gares/?{query}")
        status, first, body = _get(f"{base}/gares/{uic}/")
        assert status == 200, (name, status)
        warm = [_get(f"{base}/gares/{uic}/")[1] for _ in range(repeat)]
        status, pdf, content = _get(f"{base}/gares/{uic}/?format=pdf")
        assert status == 200 and content.startswith(b"%PDF"), (name, status)
        worst_page = max(worst_page, first, *warm)
        worst_pdf = max(worst_pdf, pdf)
        print(
            f"{name:<20} recherche {search:.3f} s · page : 1re {first:.3f} s, médiane "
            f"{statistics.median(warm):.3f} s, max {max(warm):.3f} s · PDF {pdf:.3f} s "
            f"({len(content) // 1024} Ko) · page {len(body) // 1024} Ko"
        )
    ranking = [_get(f"{base}/gares/classement/")[1] for _ in range(repeat)]
    print(f"classement des gares ACV : médiane {statistics.median(ranking):.3f} s")
    print(
        f"pire page {worst_page:.3f} s (cible < 0,5 s) ; pire PDF {worst_pdf:.3f} s (cible < 2 s)"
    )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.url:
        _run(args.url.rstrip("/"), args.repeat)
        return
    with _server(args.warehouse) as base:
        _run(base, args.repeat)


if __name__ == "__main__":
    main()
