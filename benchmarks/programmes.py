"""Benchmark: the documents of a territory's programme (issue 14; the issue names no target).

Usage: ``python benchmarks/programmes.py [--repeat 5] [--actions 25] [--big 2000]``

Builds a programme from the tests' sample (``tests/programmes/sample.py``) padded to ``--actions``
actions, then times, warm (one run first, not counted): the one-page summary for the council
(HTML + PDF) and the full programme's PDF, with their page counts; then the workbook of a
programme of ``--big`` actions, written and read back. Medians of ``--repeat`` runs, in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from tests.programmes.sample import sample_programme

from teletravail.programmes.model import Programme
from teletravail.programmes.summary import render_programme_html, render_summary_html
from teletravail.programmes.workbook import read_workbook, write_workbook
from teletravail.reports.render import html_to_pdf

TODAY = date(2026, 12, 5)
LABEL = "CA Vitré Communauté (200039022)"


def padded(count: int) -> Programme:
    """The sample programme with ``count`` actions (copies renamed « Action n »)."""
    base = sample_programme()
    actions = list(base.actions)
    while len(actions) < count:
        model = base.actions[len(actions) % len(base.actions)]
        actions.append(model.model_copy(update={"titre": f"Action {len(actions) + 1}"}))
    return base.model_copy(update={"actions": actions[:count]})


def _timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    run()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--actions", type=int, default=25)
    parser.add_argument("--big", type=int, default=2000)
    args = parser.parse_args()
    programme = padded(args.actions)
    seconds, (_, pages) = _timed(
        lambda: html_to_pdf(render_summary_html(programme, TODAY, LABEL)), args.repeat
    )
    print(f"synthèse d'une page, {args.actions} actions : médiane {seconds:.2f} s, {pages} page(s)")
    seconds, (_, pages) = _timed(
        lambda: html_to_pdf(render_programme_html(programme, TODAY, LABEL)), args.repeat
    )
    print(f"programme complet, {args.actions} actions : médiane {seconds:.2f} s, {pages} pages")
    big = padded(args.big)
    seconds, data = _timed(lambda: write_workbook(big), args.repeat)
    print(f"classeur de {args.big} actions : écrit en {seconds:.2f} s ({len(data) // 1024} Ko)")
    seconds, read = _timed(lambda: read_workbook(data, "programme.xlsx"), args.repeat)
    print(f"classeur de {args.big} actions : relu en {seconds:.2f} s ({len(read.actions)} actions)")


if __name__ == "__main__":
    main()
