"""Benchmark: a KoboToolbox import run as a background job by the real task worker.

Usage: ``python benchmarks/kobo_import_job.py [--rows 20000] [--postgres-url URL] [--export N]``

In a new, empty database (a SQLite file in a temporary folder, or, with ``--postgres-url``, the
database named in it, dropped and created again), with one territory and a campaign of the shipped
residents' questionnaire: builds a CSV export of ``--rows`` valid answers (200 drawn by
``survey_answers.residents_answers``, each with its own UUID) in the KoboToolbox layout the
importer reads, saves it as a job exactly as the web page does (``jobs.start_job``), then runs
``python -m django db_worker --batch`` in a child process while this process reads the job's
progress every half second. Prints the progress seen during the run, the job's report, the
wall-clock time and the rows imported per second, per wall-clock second and per CPU second of the
worker (validation of every row plus one transaction; the machine's load average is printed too,
since a loaded machine stretches the wall-clock time).

``--export N``: also times the XLSX and CSV exports of N answers built in the request (the
threshold above which exports run as jobs, ``TELETRAVAIL_EXPORT_SYNC_MAX``).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def _setup(args: argparse.Namespace, folder: Path) -> None:
    os.environ["TELETRAVAIL_VAR"] = str(folder)
    os.environ.setdefault("TELETRAVAIL_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    if args.postgres_url:
        import psycopg

        base, _, name = args.postgres_url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["TELETRAVAIL_DATABASE_URL"] = args.postgres_url
    from teletravail.cli.web import setup_django

    setup_django()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--export", type=int, default=0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-kobo-job-"))
    _setup(args, folder)

    from django.utils import timezone

    from survey_answers import residents_answers
    from teletravail.surveys.exports import export_csv
    from teletravail.web.accounts.models import Territory
    from teletravail.web.surveys import answer_exports, jobs, service
    from teletravail.web.surveys.models import Campaign, Job, Submission, SurveyForm

    service.ensure_shipped_forms()
    form_obj = SurveyForm.objects.get(territory__isnull=True, slug="residents")
    territory = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        territory=territory,
        title="Benchmark",
        opens_on=today,
        closes_on=today,
        purpose="Mesure",
        controller="Benchmark",
        retention_until=today,
    )
    campaign.forms.add(form_obj)
    form = form_obj.form()
    rng = random.Random(7)
    drawn = [residents_answers(rng, form) for _ in range(200)]
    now = timezone.now()
    rows = [
        {"uuid": str(uuid.uuid4()), "submitted_at": now, "source": "kobo", "data": drawn[i % 200]}
        for i in range(args.rows)
    ]
    data = export_csv(form, rows)
    print(f"Fichier : {args.rows} lignes, {len(data) / 1e6:.1f} Mo (CSV, en-têtes XML).")
    job = jobs.start_job(
        "import_kobo", campaign, user=None, form_obj=form_obj, upload=("export.csv", data)
    )
    started = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "-m", "django", "db_worker", "--batch", "--no-startup-delay"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "teletravail.web.settings"},
    )
    seen: list[tuple[float, str, int, int]] = []
    while worker.poll() is None:
        time.sleep(0.5)
        job.refresh_from_db()
        sample = (time.perf_counter() - started, job.stage, job.rows_done, job.rows_total)
        if not seen or sample[1:] != seen[-1][1:]:
            seen.append(sample)
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime  # the worker's CPU seconds (start-up included)
    job.refresh_from_db()
    for at, stage, done, total in seen:
        print(f"  {at:6.1f} s  {stage or '(en attente)'} : {done} / {total}")
    report = {k: v for k, v in job.report.items() if k != "refused"}
    print(
        f"État : {job.status} ; compte rendu : {report} ; refusées : {len(job.report.get('refused', []))}"
    )
    stored = Submission.objects.filter(campaign=campaign).count()
    print(f"Réponses en base : {stored} ; durée (démarrage du worker compris) : {elapsed:.1f} s")
    print(
        f"Débit : {args.rows / elapsed:.0f} lignes/s (temps écoulé), {args.rows / cpu:.0f} lignes/s"
    )
    print(
        f"  par seconde de calcul du worker ({cpu:.1f} s de CPU ; charge : {os.getloadavg()[0]:.1f})"
    )
    if args.export:
        count = min(args.export, stored)
        subset = Campaign.objects.get(pk=campaign.pk)
        keep = (
            Submission.objects.filter(campaign=subset)
            .order_by("pk")
            .values_list("pk", flat=True)[count:]
        )
        Submission.objects.filter(pk__in=list(keep)).delete()
        for fmt in ("xlsx", "csv"):
            t0 = time.perf_counter()
            body = answer_exports.build_export(subset, form_obj, fmt)
            took = time.perf_counter() - t0
            print(
                f"Export {fmt.upper()} de {count} réponses : {took:.2f} s, {len(body) / 1e6:.1f} Mo"
            )
    assert Job.objects.filter(pk=job.pk, status="termine").exists(), "l'import n'a pas abouti"


if __name__ == "__main__":
    main()
