"""The application as users get it: ``teletravail serve`` (gunicorn, whitenoise's manifest storage
after ``collectstatic``, the production settings and content security policy) started as the
quickstart starts it, in a subprocess, on a free port, with its own temporary ``TELETRAVAIL_VAR``.

- Database: a SQLite file in that folder; when ``TELETRAVAIL_DATABASE_URL`` is set (scripts/test.sh
  reruns the browser tests on PostgreSQL) a database of its own, ``<name>_serve_<worker>``, is
  created on the same server for the subprocess and dropped at the end (the test database of
  pytest-django is never shared with it).
- Warehouse: the one built from tests/fixtures (``web_warehouse``).
- Static files: ``collectstatic`` over the DSFR (ten thousand files, compressed) costs minutes of
  CPU, so ``var/test-static`` (git-ignored) is kept between runs and linked as the server's static
  folder: ``teletravail serve`` collects into it when its stamp (package versions, own static
  files) changed and skips otherwise, as it does in production. A file lock makes the workers of
  pytest-xdist take turns for that first start.
- Seeding through the application's code: ``teletravail createadmin``, a script run with the
  production settings (a team on the mini warehouse's EPCI, its manager, a campaign with the
  shipped residents' form), then answers posted through the public JSON API.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from teletravail.derived import ensure_derived

ROOT = Path(__file__).resolve().parents[2]
STATIC_CACHE = ROOT / "var" / "test-static"
EPCI = "200039022"  # CA Vitré Communauté, in tests/fixtures/opendata
COMMUNE = "35360"  # Vitré
PASSWORD = "un-mot-de-passe-solide-42"
START_TIMEOUT_S = 900.0  # a first collectstatic on a loaded machine takes several minutes

SEED = """
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.surveys.models import Campaign, SurveyForm
from teletravail.web.surveys.service import ensure_shipped_forms

territory = Territory.objects.create(kind="epci", code="{epci}", nom="CA Vitré Communauté")
manager = User.objects.create_user("gestionnaire", "g@example.fr", "{password}")
Membership.objects.create(user=manager, territory=territory, role=Role.MANAGER)
member = User.objects.create_user("evaluatrice", "e@example.fr", "{password}")
Membership.objects.create(user=member, territory=territory, role=Role.MEMBER)
elsewhere = Territory.objects.create(kind="commune", code="33243", nom="Libourne")
outsider = User.objects.create_user("libourne", "l@example.fr", "{password}")
Membership.objects.create(user=outsider, territory=elsewhere, role=Role.MANAGER)
ensure_shipped_forms()
today = timezone.localdate()
campaign = Campaign.objects.create(
    territory=territory, title="Télétravail à Vitré", opens_on=today - timedelta(days=1),
    closes_on=today + timedelta(days=30), purpose="Mesurer le télétravail des habitants",
    controller="Vitré Communauté, dpo@example.fr", retention_until=today + timedelta(days=400),
    created_by=manager,
)
campaign.forms.add(SurveyForm.objects.get(territory=None, slug="residents"))
print(campaign.pk, campaign.token)
"""


@dataclass(frozen=True)
class Site:
    """The running server and what was seeded in it."""

    url: str
    campaign: int
    token: str
    receipt: str


def free_port() -> int:
    """A TCP port free on the loopback interface at the time of the call."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{argv[:3]} a échoué :\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _postgres_database(url: str, worker: str) -> Iterator[str]:
    """A fresh database on the server of ``url`` for the subprocess; dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'teletravail'}_serve_{worker}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path="/" + name))
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"teletravail serve s'est arrêté :\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"teletravail serve ne répond pas après {START_TIMEOUT_S:.0f} s")


def _api_answer(base: str, token: str, telework: str) -> str:
    """Post one answer of the residents' form through the public JSON API; its receipt code."""
    work: dict[str, object] = {
        "lieu_employeur": "metropole",
        "jours_travailles": 5,
        "teletravail": telework,
    }
    if telework != "non":
        work |= {"jours_teletravail": 2, "lieux_teletravail": ["domicile"]}
    body = {
        "uuid": str(uuid.uuid4()),
        "formulaire": "residents",
        "consentement": True,
        "reponses": {
            "profil": {
                "commune_residence": "Vitré",
                "type_residence": "principale",
                "situation": "salarie_public",
                "profession": "intermediaire",
            },
            "travail": work,
            "trajets": {"distance_km": 40, "mode_transport": "train"},
            "installation": {"demenagement_recent": "non"},
        },
    }
    request = urllib.request.Request(
        f"{base}/api/v1/enquetes/{token}/reponses",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return str(json.loads(response.read())["code_recu"])


@pytest.fixture(scope="session")
def production_site(
    tmp_path_factory: pytest.TempPathFactory, web_warehouse: Path
) -> Iterator[Site]:
    """``teletravail serve`` on a free port with production settings, seeded; stopped at the end."""
    var = tmp_path_factory.mktemp("serve-var")
    # the pages' reference day, computed beforehand as the server does for its default day (a new
    # day is otherwise computed in the background behind a "calcul en cours" page)
    ensure_derived(web_warehouse, day=date(2025, 1, 28))
    STATIC_CACHE.mkdir(parents=True, exist_ok=True)
    (var / "static").symlink_to(STATIC_CACHE, target_is_directory=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TELETRAVAIL_DEBUG", "DJANGO_SETTINGS_MODULE", "TELETRAVAIL_DATABASE_URL"}
    }
    env |= {
        "TELETRAVAIL_VAR": str(var),
        "TELETRAVAIL_WAREHOUSE": str(web_warehouse),
        "TELETRAVAIL_SECRET_KEY": secrets.token_urlsafe(64),
        "PYTHONUNBUFFERED": "1",
        # the mini mirror's timetables have no default reference day: the grid's site facts
        # use this one
        "TELETRAVAIL_REFERENCE_DAY": "2025-01-28",
    }
    databases: Iterator[str] | None = None
    if os.environ.get("TELETRAVAIL_DATABASE_URL"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        databases = _postgres_database(os.environ["TELETRAVAIL_DATABASE_URL"], worker)
        env["TELETRAVAIL_DATABASE_URL"] = next(databases)
    bindir = Path(sys.executable).parent
    _run(
        [str(bindir / "teletravail"), "createadmin", "--identifiant", "admin"],
        env | {"TELETRAVAIL_ADMIN_PASSWORD": PASSWORD},
    )
    seeded = _run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n" + SEED.format(epci=EPCI, password=PASSWORD),
        ],
        env | {"DJANGO_SETTINGS_MODULE": "teletravail.web.settings"},
    ).split()
    port = free_port()
    base = f"http://localhost:{port}"
    log = var / "serve.log"
    with (ROOT / "var" / "test-static.lock").open("w") as lock, log.open("wb") as out:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker collects, the other then finds it done
        process = subprocess.Popen(
            [str(bindir / "teletravail"), "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait(base + "/", process, log)
        except BaseException:
            process.terminate()
            process.wait(30)
            raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    try:
        token = seeded[-1]
        codes = [
            _api_answer(base, token, t) for t in ["regulier", "regulier", "occasionnel", "non"]
        ]
        yield Site(url=base, campaign=int(seeded[-2]), token=token, receipt=codes[0])
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
        if databases is not None:
            next(databases, None)
