"""Background jobs run by the real django-tasks database backend and its real worker (``db_worker
--batch``): Kobo import all or nothing, large exports, confirmed purges, the trash and its audit
history, the periodic purge. Database committed for real (transactional tests)."""

from __future__ import annotations

import io
import signal
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from teletravail.web.accounts.models import Territory
from teletravail.web.surveys import jobs
from teletravail.web.surveys.models import AnswerAudit, Campaign, Job, Submission, SurveyForm
from teletravail.web.surveys.purge import purge_expired
from teletravail.web.surveys.service import store_submission
from tests.web.surveys.conftest import login, make_campaign, today

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "situation;teletravail;jours;lieux;avis/souhaits;_uuid;_submission_time"
GOOD = [
    "salarie_prive;regulier;2;domicile tiers_lieu;Un tiers-lieu;{u};2026-03-02T10:00:00",
    "retraite;non;;;;{u};2026-03-02T11:00:00",
    "salarie_prive;occasionnel;1;domicile;;{u};2026-03-02T12:00:00",
]
ANSWERS = {"situation": "salarie_prive", "teletravail": "non"}


def run_worker() -> None:
    """Run django-tasks' database worker until the queue is empty (signal handlers restored)."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--queue-name",
            "*",
            verbosity=0,
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def csv_upload(lines: list[str], name: str = "kobo.csv") -> io.BytesIO:
    text = "\n".join([HEADER, *(line.format(u=uuid.uuid4()) for line in lines)]) + "\n"
    data = io.BytesIO(text.encode())
    data.name = name
    return data


def post_import(client: object, campaign: Campaign, upload: io.BytesIO) -> Job:
    from django.test import Client

    assert isinstance(client, Client)
    page = client.post(
        f"/enquetes/{campaign.pk}/importer-kobo/", {"fichier": upload, "formulaire": "mini"}
    )
    assert page.status_code == 302, page.content.decode()
    job = Job.objects.latest("pk")
    assert page["Location"] == f"/enquetes/taches/{job.pk}/"
    return job


def test_kobo_import_is_a_job_all_or_nothing(manager: User, campaign: Campaign) -> None:
    """Regression: rows before a bad one were stored; now a bad row anywhere stores nothing."""
    client = login(manager)
    bad = [GOOD[0], GOOD[1], "salarie_prive;regulier;9;domicile;;{u};2026-03-02T12:00:00"]
    job = post_import(client, campaign, csv_upload(bad))
    assert job.task_id and job.status == "en_attente"
    upload = Path(settings.VAR_DIR) / job.input_path
    assert upload.is_file() and upload.is_relative_to(Path(settings.VAR_DIR))
    waiting = client.get(f"/enquetes/taches/{job.pk}/")
    assert (
        "En attente" in waiting.content.decode() and "surveys/tache.js" in waiting.content.decode()
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == "echoue" and job.finished_at is not None
    assert Submission.all_objects.count() == 0
    assert job.report["refused"] == [
        {
            "position": 3,
            "uuid": job.report["refused"][0]["uuid"],
            "column": "Jours de télétravail par semaine",
            "reason": "Entre 0 et 5 jours.",
        }
    ]
    html = client.get(f"/enquetes/taches/{job.pk}/").content.decode()
    assert (
        "Import refusé : aucune réponse n'a été enregistrée" in html
        and "Entre 0 et 5 jours." in html
    )
    assert not upload.exists()  # the uploaded file is removed once imported
    status = client.get(f"/enquetes/taches/{job.pk}/etat/").json()
    assert status["terminee"] is True and status["total"] == 3

    ok = post_import(client, campaign, csv_upload(GOOD))
    run_worker()
    ok.refresh_from_db()
    assert ok.status == "termine", ok.report
    assert (ok.report["imported"], ok.report["already"], ok.rows_done, ok.percent) == (3, 0, 3, 100)
    assert Submission.objects.filter(source="kobo").count() == 3
    html = client.get(f"/enquetes/taches/{ok.pk}/").content.decode()
    assert "3 réponses importées, 0 déjà présente" in html


def test_far_future_submission_time_is_refused_with_nothing_stored(
    manager: User, campaign: Campaign
) -> None:
    """Regression: 9999-12-31T23:59:59-14:00 gave a 500 page while 3 rows were stored."""
    client = login(manager)
    rows = [*GOOD, "retraite;non;;;;{u};9999-12-31T23:59:59-14:00"]
    job = post_import(client, campaign, csv_upload(rows))
    run_worker()
    job.refresh_from_db()
    assert Submission.all_objects.count() == 0
    # The reader of the file refuses the whole file at that cell (line 5: the header is line 1).
    assert job.status == "echoue"
    assert job.report["line"] == 5 and job.report["column"] == "_submission_time"
    assert "9999-12-31T23:59:59-14:00" in job.report["error"]
    page = client.get(f"/enquetes/taches/{job.pk}/")
    assert page.status_code == 200 and "9999-12-31T23:59:59-14:00" in page.content.decode()


def test_unreadable_file_fails_the_job_with_its_reason(manager: User, campaign: Campaign) -> None:
    client = login(manager)
    bad = io.BytesIO(b"foo;bar\n1;2\n")
    bad.name = "export.csv"
    job = post_import(client, campaign, bad)
    run_worker()
    job.refresh_from_db()
    assert job.status == "echoue" and "aucune colonne" in job.report["error"]
    assert job.report["line"] == 1
    other = io.BytesIO(b"x")
    other.name = "notes.txt"
    page = client.post(
        f"/enquetes/{campaign.pk}/importer-kobo/", {"fichier": other, "formulaire": "mini"}
    )
    assert page.status_code == 400 and "format non pris en charge" in page.content.decode()


def test_job_pages_need_the_manager_right(
    manager: User, member: User, other_manager: User, campaign: Campaign
) -> None:
    job = post_import(login(manager), campaign, csv_upload(GOOD))
    for user in (member, other_manager):
        for suffix in ("", "etat/", "fichier/"):
            assert login(user).get(f"/enquetes/taches/{job.pk}/{suffix}").status_code == 403
        assert login(user).get(f"/enquetes/{campaign.pk}/corbeille/").status_code == 403
    assert login(None).get(f"/enquetes/taches/{job.pk}/").status_code == 302  # to the login


def test_large_export_runs_as_a_job(
    manager: User,
    other_manager: User,
    campaign: Campaign,
    mini: SurveyForm,
    settings: Settings,
) -> None:
    settings.TELETRAVAIL_EXPORT_SYNC_MAX = {"xlsx": 2, "csv": 2}
    for _ in range(3):
        store_submission(campaign, mini, uuid.uuid4(), dict(ANSWERS), source="api", consent=False)
    client = login(manager)
    offer = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.xlsx")
    assert offer.status_code == 200 and "Préparer le fichier XLSX" in offer.content.decode()
    assert not Job.objects.exists()
    started = client.post(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.xlsx")
    job = Job.objects.get()
    assert started["Location"] == f"/enquetes/taches/{job.pk}/" and job.kind == "export_xlsx"
    run_worker()
    job.refresh_from_db()
    assert job.status == "termine" and job.report["rows"] == 3 and job.expires_at is not None
    page = client.get(f"/enquetes/taches/{job.pk}/").content.decode()
    assert "Télécharger" in page
    download = client.get(f"/enquetes/taches/{job.pk}/fichier/")
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert download.status_code == 200 and body[:2] == b"PK"
    assert login(other_manager).get(f"/enquetes/taches/{job.pk}/fichier/").status_code == 403
    small = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.csv")
    assert small.status_code == 200  # still 3 > 2: offered as a job, not a file
    settings.TELETRAVAIL_EXPORT_SYNC_MAX = {"xlsx": 2, "csv": 5000}
    direct = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.csv")
    assert direct["Content-Type"].startswith("text/csv")
    # few answers but large ones (up to 256 Ko each): a job too, by their stored size
    settings.TELETRAVAIL_EXPORT_SYNC_MAX_BYTES = 10
    heavy = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.csv")
    assert heavy.status_code == 200 and "Préparer le fichier CSV" in heavy.content.decode()
    settings.TELETRAVAIL_EXPORT_SYNC_MAX_BYTES = 50_000_000
    # Files are deleted after TELETRAVAIL_EXPORT_KEEP_DAYS by the purge.
    produced = Path(settings.VAR_DIR) / job.output_path
    assert purge_expired(today(), now=timezone.now() + timedelta(days=8)).files == 1
    assert not produced.exists()
    assert client.get(f"/enquetes/taches/{job.pk}/fichier/").status_code == 404


def _closed_campaign(territory: Territory, form: SurveyForm) -> Campaign:
    campaign = make_campaign(territory, form)
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=today() - timedelta(days=60), closes_on=today() - timedelta(days=30)
    )
    campaign.refresh_from_db()
    return campaign


def _edit_post(campaign: Campaign, keep: str, **extra: str) -> dict[str, object]:
    return {
        "title": campaign.title,
        "forms": [f.pk for f in campaign.forms.all()],
        "opens_on": campaign.opens_on.isoformat(),
        "closes_on": campaign.closes_on.isoformat(),
        "purpose": campaign.purpose,
        "controller": campaign.controller,
        "retention_until": keep,
        **extra,
    }


def test_past_retention_needs_confirmation_then_trash_restore_and_history(
    manager: User, reader: User, vitre: Territory, mini: SurveyForm
) -> None:
    """Regression: a past retention date deleted every answer at the next request, unasked."""
    campaign = _closed_campaign(vitre, mini)
    codes = []
    for _ in range(3):
        stored = store_submission(
            campaign, mini, uuid.uuid4(), dict(ANSWERS), source="public", consent=True
        )
        codes.append(stored.receipt_code)
    client = login(manager)
    yesterday = (today() - timedelta(days=1)).isoformat()
    ask = client.post(f"/enquetes/{campaign.pk}/modifier/", _edit_post(campaign, yesterday))
    html = ask.content.decode()
    assert ask.status_code == 200 and "3 réponses vont être mises à la corbeille" in html
    campaign.refresh_from_db()
    assert campaign.retention_until > today()  # not saved before the confirmation
    client.get("/enquetes/recu/")  # any request: nothing is purged on the way
    assert Submission.objects.count() == 3

    done = client.post(
        f"/enquetes/{campaign.pk}/modifier/", _edit_post(campaign, yesterday, confirmer="oui")
    )
    job = Job.objects.get(kind="purge")
    assert done["Location"] == f"/enquetes/taches/{job.pk}/"
    campaign.refresh_from_db()
    assert campaign.retention_until.isoformat() == yesterday
    run_worker()
    job.refresh_from_db()
    assert job.status == "termine" and job.report == {"trashed": 3}
    # Hidden everywhere: counts, results, export, receipt.
    assert Submission.objects.count() == 0 and Submission.all_objects.count() == 3
    listing = client.get("/enquetes/epci/200039022/").content.decode()
    assert "<td>3</td>" not in listing
    export = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.csv").content.decode()
    assert export.count("\r\n") == 1  # the header only
    receipt = login(None).post("/enquetes/recu/", {"code": codes[0]}).content.decode()
    assert "ANSWERS" not in receipt and "Salarié du privé" not in receipt
    event = AnswerAudit.objects.get()
    assert (event.action, event.count, event.user) == ("corbeille", 3, manager)

    trash = client.get(f"/enquetes/{campaign.pk}/corbeille/").content.decode()
    assert "Restaurables jusqu" in trash and "repoussez-la d" in trash
    assert client.post(f"/enquetes/{campaign.pk}/corbeille/restaurer/").status_code == 302
    assert Submission.objects.count() == 0  # refused: the retention date is still past
    later = (today() + timedelta(days=365)).isoformat()
    moved = client.post(f"/enquetes/{campaign.pk}/modifier/", _edit_post(campaign, later))
    assert moved.status_code == 302 and moved["Location"] == f"/enquetes/{campaign.pk}/"
    assert login(reader).post(f"/enquetes/{campaign.pk}/corbeille/restaurer/").status_code == 403
    client.post(f"/enquetes/{campaign.pk}/corbeille/restaurer/")
    assert Submission.objects.count() == 3
    history = list(AnswerAudit.objects.order_by("pk").values_list("action", "count", "user"))
    assert history == [("corbeille", 3, manager.pk), ("restauration", 3, manager.pk)]
    assert "Restauration" in client.get(f"/enquetes/{campaign.pk}/corbeille/").content.decode()


def test_retention_today_is_confirmed_and_not_purged_at_once(
    manager: User, vitre: Territory, mini: SurveyForm
) -> None:
    campaign = _closed_campaign(vitre, mini)
    store_submission(campaign, mini, uuid.uuid4(), dict(ANSWERS), source="api", consent=False)
    client = login(manager)
    ask = client.post(
        f"/enquetes/{campaign.pk}/modifier/", _edit_post(campaign, today().isoformat())
    )
    assert "la réponse de la campagne sera mise à la corbeille demain" in ask.content.decode()
    client.post(
        f"/enquetes/{campaign.pk}/modifier/",
        _edit_post(campaign, today().isoformat(), confirmer="oui"),
    )
    assert not Job.objects.exists() and Submission.objects.count() == 1


def test_purge_job_trashes_nothing_once_the_retention_date_is_moved_back(
    manager: User, vitre: Territory, mini: SurveyForm
) -> None:
    """Regression: a confirmed purge still waiting in the queue trashed every answer after the
    manager had put the retention date back into the future (the job did not read it again)."""
    campaign = _closed_campaign(vitre, mini)
    for _ in range(3):
        store_submission(campaign, mini, uuid.uuid4(), dict(ANSWERS), source="api", consent=False)
    client = login(manager)
    yesterday = (today() - timedelta(days=1)).isoformat()
    client.post(
        f"/enquetes/{campaign.pk}/modifier/", _edit_post(campaign, yesterday, confirmer="oui")
    )
    job = Job.objects.get(kind="purge")
    later = (today() + timedelta(days=365)).isoformat()
    moved = client.post(f"/enquetes/{campaign.pk}/modifier/", _edit_post(campaign, later))
    assert moved.status_code == 302  # a future date needs no confirmation
    run_worker()
    job.refresh_from_db()
    assert job.status == "termine" and job.report["trashed"] == 0
    assert Submission.objects.count() == 3 and not AnswerAudit.objects.exists()
    page = client.get(f"/enquetes/taches/{job.pk}/").content.decode()
    assert "Aucune réponse mise à la corbeille" in page
    assert f"{today() + timedelta(days=365):%d/%m/%Y}" in page


def test_periodic_purge_runs_in_the_worker_and_schedules_its_next_run(
    vitre: Territory, mini: SurveyForm
) -> None:
    campaign = _closed_campaign(vitre, mini)
    Campaign.objects.filter(pk=campaign.pk).update(retention_until=today() - timedelta(days=1))
    Submission.objects.create(
        uuid=uuid.uuid4(), campaign=campaign, form=mini, data={}, source="api"
    )
    assert jobs.schedule_purge() is True
    assert jobs.schedule_purge() is False  # one waiting run is enough
    run_worker()
    assert Submission.objects.count() == 0 and Submission.all_objects.count() == 1
    assert AnswerAudit.objects.get().user is None
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value == {"trashed": 1, "deleted": 0, "files": 0}
    following = DBTaskResult.objects.get(status="READY")
    delay = following.run_after - timezone.now()
    assert timedelta(minutes=59) < delay <= timedelta(hours=1)
    run_worker()  # not due yet: the worker leaves it
    assert DBTaskResult.objects.filter(status="READY").count() == 1
