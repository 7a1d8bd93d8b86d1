"""Benchmark: the speed a person feels (issue 11), in one run, as a table.

Usage: ``python benchmarks/speed.py [--warehouse FILE] [--runs 5] [--json FILE]``

Reproducible in one run: before anything is timed, the work a deployment does once is done
(untimed): the gazetteer beside the warehouse, the derived copies of the default day and of the
other day (computed again when the code changed), the card of Vitré kept beside the warehouse.

- CLI, new process each time (wall time, median of ``--runs``): ``teletravail --help`` and
  ``teletravail territoire vitre``; and, once, the same lookup with no card kept yet (the first
  lookup of a territory after a warehouse build: DuckDB is imported and the card computed).
- Web diagnostic page, Django test client in a new process with the production settings
  (``teletravail.web.settings``, DEBUG off, a throw-away SQLite database migrated beforehand; only the
  static files storage is the plain one, since the test client does not run ``collectstatic``), after
  the same start-up work as ``teletravail serve`` (``teletravail.web.warmup``): CA Vitré Communauté
  first request then warm (median), five other pilot EPCIs (first request each), three other
  communautés d'agglomération never built before (their stored pages removed), then the page with
  another rail day (``?date=2025-02-04``): its derived copy already built (first request for that day)
  and, separately, absent (the time until the page answers, the background computation by the
  task worker, and the first request once it is done).
- Reports of Vitré Communauté in process, warm (median): ``build_report`` + ``render_html``, and
  ``build_report`` + ``render_pdf``.
- Number of pages of the PDF report of each of the six pilot EPCIs (the PDF printed by
  WeasyPrint, counted on its laid-out document).

Targets: lookup in a new process < 0.3 s; page < 0.5 s for any territory, first request included;
new day < 1 s; HTML < 0.3 s; PDF < 2 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

VITRE = "200039022"
OTHERS = ("248100737", "200072346", "200069037", "248900334", "200070092")
OTHER_DAY = "2025-02-04"
TARGETS = {
    "cli_help": 0.3,
    "cli_territoire": 0.3,
    "page_vitre_first": 0.5,
    "page_vitre_warm": 0.5,
    "page_others_first_max": 0.5,
    "page_nonpilot_first_max": 0.5,
    "page_new_day_built": 1.0,
    "page_new_day_absent": 1.0,
    "page_new_day_after": 1.0,
    "html_vitre": 0.3,
    "pdf_vitre": 2.0,
}
LABELS = {
    "cli_help": "teletravail --help (nouveau processus)",
    "cli_territoire": "teletravail territoire vitre (nouveau processus)",
    "cli_territoire_first": "teletravail territoire vitre, fiche non conservée (1 fois)",
    "web_start": "démarrage web (django.setup + préparation)",
    "page_vitre_first": "page Vitré Communauté, 1re requête",
    "page_vitre_warm": "page Vitré Communauté, à chaud",
    "page_others_first_max": "page 5 autres EPCI pilotes, 1re requête (max)",
    "page_others_first_median": "page 5 autres EPCI pilotes, 1re requête (médiane)",
    "page_nonpilot_first_max": "page 3 autres CA (non pilotes), 1re requête (max)",
    "page_new_day_built": f"page ?date={OTHER_DAY}, copie dérivée présente",
    "page_new_day_absent": f"page ?date={OTHER_DAY}, copie dérivée absente (réponse)",
    "new_day_background": f"calcul de fond du jour {OTHER_DAY} (hors requête)",
    "page_new_day_after": f"page ?date={OTHER_DAY}, 1re requête après le calcul",
    "html_vitre": "rapport HTML Vitré (en processus, à chaud)",
    "pdf_vitre": "rapport PDF Vitré (en processus, à chaud)",
}


def _argv(args: list[str]) -> list[str]:
    """The ``teletravail`` command line (its console script, else the interpreter)."""
    exe = shutil.which("teletravail")
    if exe:
        return [exe, *args]
    return [sys.executable, "-c", "from teletravail.cli import app; app()", *args]


def _cli(args: list[str], runs: int) -> float:
    argv = _argv(args)
    subprocess.run(argv, check=True, capture_output=True)  # untimed: what it keeps is made
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _cli_first_lookup() -> float:
    """``teletravail territoire vitre`` once, the cards kept beside the warehouse removed."""
    from teletravail import settings
    from teletravail.territory.card import cards_dir

    shutil.rmtree(cards_dir(settings.warehouse_path(None)), ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run(_argv(["territoire", "vitre"]), check=True, capture_output=True)
    return time.perf_counter() - t0


def _prepare() -> None:
    """The work done once per warehouse build and code version, untimed: gazetteer, derived
    copies of the default day and of ``OTHER_DAY``."""
    from teletravail import settings
    from teletravail.derived import ensure_derived
    from teletravail.territory.lookup import gazetteer_for

    warehouse = settings.warehouse_path(None)
    gazetteer_for(warehouse)
    ensure_derived(warehouse)
    ensure_derived(warehouse, day=date.fromisoformat(OTHER_DAY))


def _web_child(runs: int) -> dict[str, float]:
    """Runs inside a fresh process: the web measurements."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teletravail.web.settings")
    t0 = time.perf_counter()
    import django
    from django.core.management import call_command
    from django.test import Client, override_settings

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        try:
            from teletravail.web import warmup  # type: ignore[attr-defined,unused-ignore]
        except ImportError:  # before issue 11: nothing prepared at start
            pass
        else:
            warmup.prepare()  # teletravail serve, before listening
            warmup.warm_worker()  # each worker (a thread there; waited for here)
        client = Client()
        client.handler.load_middleware()  # as gunicorn's WSGIHandler does when a worker starts
        out: dict[str, float] = {"web_start": time.perf_counter() - t0}

        def get(url: str) -> tuple[float, int]:
            t = time.perf_counter()
            response = client.get(url, secure=True, HTTP_HOST="localhost")
            return time.perf_counter() - t, response.status_code

        def page(code: str, extra: str = "") -> str:
            return f"/territoires/epci/{code}/diagnostic/{extra}"

        elapsed, status = get(page(VITRE))
        assert status == 200, status
        out["page_vitre_first"] = elapsed
        out["page_vitre_warm"] = statistics.median(get(page(VITRE))[0] for _ in range(runs))
        firsts = []
        for code in OTHERS:
            elapsed, status = get(page(code))
            assert status == 200, (code, status)
            firsts.append(elapsed)
        out["page_others_first_max"] = max(firsts)
        out["page_others_first_median"] = statistics.median(firsts)
        firsts = []
        for code in _non_pilots():
            _forget_stored(code)  # never built since the derived copy: the worst case
            elapsed, status = get(page(code))
            assert status == 200, (code, status)
            firsts.append(elapsed)
        out["page_nonpilot_first_max"] = max(firsts)

        from teletravail import settings
        from teletravail.derived import current_derived, derived_path

        warehouse = settings.warehouse_path(None)
        copy = derived_path(warehouse, date.fromisoformat(OTHER_DAY), 5)
        if current_derived(warehouse, day=date.fromisoformat(OTHER_DAY))[0] is None:
            from teletravail.derived import ensure_derived  # not measured: the "present" case

            ensure_derived(warehouse, day=date.fromisoformat(OTHER_DAY))
        _forget_stored(VITRE)  # its page for that day may be kept from an earlier run
        elapsed, status = get(page(VITRE, f"?date={OTHER_DAY}"))
        assert status == 200, status
        out["page_new_day_built"] = elapsed
        copy.unlink()
        elapsed, status = get(page(VITRE, f"?date={OTHER_DAY}"))
        assert status == 202, status  # "calcul en cours": the task worker computes the day
        out["page_new_day_absent"] = elapsed
        t = time.perf_counter()
        if not copy.exists():  # queued: run the task worker until the queue is empty
            call_command(
                "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0
            )
        out["new_day_background"] = time.perf_counter() - t
        elapsed, status = get(page(VITRE, f"?date={OTHER_DAY}"))
        assert status == 200, status
        out["page_new_day_after"] = elapsed
    return out


def _forget_stored(code: str) -> None:
    """Remove the diagnostics of ``code`` kept on disk by earlier runs (``derive/pages``)."""
    from teletravail import settings

    pages = settings.warehouse_path(None).parent / "derive" / "pages"
    for path in pages.glob(f"*/epci-{code}-*"):
        path.unlink()


def _non_pilots() -> list[str]:
    """Three communautés d'agglomération that are not pilots (the first SIRENs of 50,000 to
    100,000 inhabitants): pages no start-up work prepared."""
    from teletravail import settings
    from teletravail.territory.lookup import gazetteer_for

    gaz = gazetteer_for(settings.warehouse_path(None))
    codes = sorted(
        e.code
        for e in gaz.entries
        if e.kind == "epci" and e.detail == "CA" and 50_000 <= e.population <= 100_000
    )
    return [c for c in codes if c not in (VITRE, *OTHERS)][:3]


def _reports(runs: int) -> dict[str, float]:
    import duckdb

    from teletravail import settings
    from teletravail.derived import ensure_derived
    from teletravail.reports.diagnostic import build_report
    from teletravail.reports.render import print_pdf, render_html, render_pdf
    from teletravail.territory.lookup import gazetteer_for

    warehouse = settings.warehouse_path(None)
    derived, day = ensure_derived(warehouse)
    gazetteer = gazetteer_for(warehouse)
    entry = gazetteer.by_code[VITRE][0]
    out: dict[str, float] = {}
    con = duckdb.connect(str(derived), read_only=True)
    try:
        render_pdf(build_report(con, entry, day=day))  # warm-up
        gc.collect()
        html, pdf = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            render_html(build_report(con, entry, day=day))
            html.append(time.perf_counter() - t0)
        for _ in range(runs):
            t0 = time.perf_counter()
            render_pdf(build_report(con, entry, day=day))
            # the garbage of the laid-out document is collected here, charged to the PDF (run
            # later, it would slow down whatever comes next)
            gc.collect()
            pdf.append(time.perf_counter() - t0)
        out["html_vitre"] = statistics.median(html)
        out["pdf_vitre"] = statistics.median(pdf)
        for code in (VITRE, *OTHERS):
            pilot = next(e for e in gazetteer.by_code[code] if e.kind == "epci")
            _, pages = print_pdf(build_report(con, pilot, day=day))
            out[f"pdf_pages_{code}"] = pages
    finally:
        con.close()
    return out


def _pilot_names() -> dict[str, str]:
    from teletravail import settings
    from teletravail.territory.lookup import gazetteer_for

    gazetteer = gazetteer_for(settings.warehouse_path(None))
    return {
        code: next(e.nom for e in gazetteer.by_code[code] if e.kind == "epci")
        for code in (VITRE, *OTHERS)
    }


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    parser.add_argument("--web-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warehouse:
        os.environ["TELETRAVAIL_WAREHOUSE"] = str(args.warehouse.resolve())
    if args.web_child:
        print(json.dumps(_web_child(args.runs)))
        return
    _prepare()
    figures: dict[str, float] = {}
    figures["cli_help"] = _cli(["--help"], args.runs)
    figures["cli_territoire_first"] = _cli_first_lookup()
    figures["cli_territoire"] = _cli(["territoire", "vitre"], args.runs)
    with tempfile.TemporaryDirectory(prefix="teletravail-speed-") as tmp:
        env = {
            **os.environ,
            "TELETRAVAIL_SECRET_KEY": "speed-benchmark-" + "x" * 50,
            "TELETRAVAIL_DATABASE_URL": f"sqlite:///{tmp}/web.sqlite3",
        }
        env.pop("TELETRAVAIL_DEBUG", None)
        child = subprocess.run(
            [sys.executable, __file__, "--web-child", "--runs", str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        figures.update(json.loads(child.stdout.strip().splitlines()[-1]))
    figures.update(_reports(args.runs))
    print(f"{'mesure':<58} {'secondes':>9} {'cible':>7}")
    for key, label in LABELS.items():
        if key not in figures:
            continue
        target = TARGETS.get(key)
        mark = "" if target is None else ("ok" if figures[key] < target else "TROP LENT")
        cible = "" if target is None else f"< {target:g}"
        print(f"{label:<58} {figures[key]:>9.3f} {cible:>7} {mark}")
    print()
    print(f"{'rapport PDF des EPCI pilotes (WeasyPrint)':<58} {'pages':>9}")
    for code, name in _pilot_names().items():
        print(f"{f'{name} ({code})':<58} {figures[f'pdf_pages_{code}']:>9.0f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
