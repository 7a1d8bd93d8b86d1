"""Benchmark: territory lookup latency over 10,000 mixed queries on a warm gazetteer.

Usage: ``python benchmarks/lookup.py [--warehouse FILE] [--queries 10000] [--seed 1]``

Queries mix, drawn at random from the warehouse: exact commune names, names folded (lower case, no
accents, hyphens as spaces, "saint" as "st"), INSEE codes, postal codes, EPCI names and SIRENs, name
prefixes (first 5 letters) and names with one typing error. Prints p50, p90, p99 and max in
milliseconds per query, the share of queries resolved to one territory, and the gazetteer load time.
Target (issue 2): p99 under 5 ms, warm.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import duckdb

from teletravail import settings
from teletravail.territory.lookup import Gazetteer
from teletravail.territory.normalize import fold


def make_queries(
    con: duckdb.DuckDBPyConnection, n: int, rng: random.Random
) -> list[tuple[str, str]]:
    """(kind, query) pairs."""
    communes = con.execute("SELECT code, nom, codes_postaux FROM communes").fetchall()
    epcis = con.execute("SELECT siren, nom FROM epcis").fetchall()
    kinds = ["nom", "plie", "code", "postal", "epci", "siren", "prefixe", "faute"]
    queries = []
    for _ in range(n):
        kind = rng.choice(kinds)
        code, nom, cps = rng.choice(communes)
        target = code
        if kind == "nom":
            q = nom
        elif kind == "plie":
            q = fold(nom).replace("saint ", "st ")
        elif kind == "code":
            q = code
        elif kind == "postal":
            q = rng.choice(cps) if cps else code
        elif kind in ("epci", "siren"):
            target, name = rng.choice(epcis)
            q = name if kind == "epci" else target
        elif kind == "prefixe":
            q = nom[:5]
        else:
            pos = rng.randrange(len(nom))
            q = nom[:pos] + rng.choice("aeiourst") + nom[pos + 1 :]
        queries.append((kind, q, target))
    return queries


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    path = settings.warehouse_path(args.warehouse)
    con = duckdb.connect(str(path), read_only=True)
    t0 = time.perf_counter()
    gaz = Gazetteer.from_warehouse(con)
    load = time.perf_counter() - t0
    queries = make_queries(con, args.queries, random.Random(args.seed))
    con.close()
    for _, q, _ in queries[:500]:  # warm-up
        gaz.search(q)
    timings: dict[str, list[float]] = {}
    all_ms: list[float] = []
    resolved = 0
    found: dict[str, int] = {}
    for kind, q, target in queries:
        start = time.perf_counter_ns()
        result = gaz.search(q)
        ms = (time.perf_counter_ns() - start) / 1e6
        all_ms.append(ms)
        timings.setdefault(kind, []).append(ms)
        resolved += result.resolved
        found[kind] = found.get(kind, 0) + any(m.entry.code == target for m in result.matches)
    qs = statistics.quantiles(all_ms, n=100)
    print(f"gazetteer load: {load * 1000:.0f} ms ({len(gaz.entries)} territories)")
    print(
        f"{len(all_ms)} queries: p50 {qs[49]:.3f} ms, p90 {qs[89]:.3f} ms, p99 {qs[98]:.3f} ms, max {max(all_ms):.2f} ms (target p99 < 5 ms)"
    )
    print(f"resolved to a single territory: {resolved / len(all_ms):.1%}")
    for kind, values in sorted(timings.items()):
        kq = statistics.quantiles(values, n=100)
        print(
            f"  {kind:8s} n={len(values):5d} p50 {kq[49]:.3f} ms p99 {kq[98]:.3f} ms, "
            f"source territory among the candidates: {found[kind] / len(values):.1%}"
        )


if __name__ == "__main__":
    main()
