"""Benchmark: the web application under 20 concurrent clients on loopback (wrk), 60 s per route.

Usage: ``python benchmarks/web_load.py [--warehouse FILE] [--seconds 60] [--connections 20]``

Starts ``teletravail serve`` (gunicorn, 2 workers, migrations applied) on a free local port with the
given warehouse, waits until it answers, then runs ``wrk`` (Debian package) with a Lua script that
prints requests per second and the p50/p95/p99 latency, for the territory page
(``/territoires/epci/200039022/``) and the JSON territory endpoint
(``/api/v1/territoires/epci/200039022``). Peak memory of the server is the highest sum of the resident
memory (VmRSS) of the gunicorn master and workers, sampled every 0.2 s. Targets (issue 4): p95 under
150 ms, at least 200 requests/s for the JSON endpoint on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from teletravail import settings

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d %d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""
ROUTES = {
    "page territoire": "/territoires/epci/200039022/",
    "API JSON territoire": "/api/v1/territoires/epci/200039022",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk introuvable : apt-get install wrk")
    port = _free_port()
    var = tempfile.mkdtemp(prefix="teletravail-bench-")
    env = {
        **os.environ,
        "TELETRAVAIL_WAREHOUSE": str(settings.warehouse_path(args.warehouse)),
        "TELETRAVAIL_VAR": var,
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
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + ROUTES["API JSON territoire"], timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("le serveur ne répond pas")
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _rss_kib(server.pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(LUA)
        for label, route in ROUTES.items():
            out = subprocess.run(
                [
                    wrk,
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "-s",
                    lua.name,
                    base + route,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            line = next(x for x in out.splitlines() if x.startswith("RESULT"))
            rps, p50, p95, p99, total, errors = line.split()[1:]
            print(
                f"{label}: {float(rps):.0f} req/s, p50 {p50} ms, p95 {p95} ms, p99 {p99} ms "
                f"({total} requêtes, {errors} erreurs)"
            )
        stop.set()
        sampler.join()
        print(f"mémoire maximale du serveur (maître + 2 workers) : {peak[0] / 1024:.0f} MiB")
        print(f"{args.connections} connexions, {args.seconds} s par route, {os.cpu_count()} CPU")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
