"""Settings and safeguards: migrations committed, secret key required, login throttling, admin."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

PASSWORD = "un mot de passe assez long"


@pytest.mark.django_db
def test_migrations_are_committed() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    ("debug", "ok"), [("", False), ("1", True)], ids=["production", "developpement"]
)
def test_secret_key_is_required_outside_debug(debug: str, ok: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELETRAVAIL_SECRET_KEY"}
    env["TELETRAVAIL_DEBUG"] = debug
    result = subprocess.run(
        [sys.executable, "-c", "import teletravail.web.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) is ok
    if not ok:
        assert "TELETRAVAIL_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_login_is_locked_after_five_failures() -> None:
    User.objects.create_user("alice", password=PASSWORD)
    client = Client()
    for _ in range(5):
        response = client.post("/connexion/", {"username": "alice", "password": "faux"})
        assert response.status_code in {200, 429}
    locked = client.post("/connexion/", {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_needs_a_staff_login() -> None:
    client = Client()
    assert client.get("/admin/").status_code == 302
    admin = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    for path in ("/admin/", "/admin/accounts/territory/", "/admin/accounts/membership/"):
        assert client.get(path).status_code == 200
