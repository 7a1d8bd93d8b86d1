"""``teletravail createadmin`` and the preparation done by ``teletravail serve``."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner

from teletravail.cli.app import app
from teletravail.cli.web import collect_static, ensure_secret_key, gunicorn_argv, static_stamp

runner = CliRunner()
PASSWORD = "un mot de passe assez long"


@pytest.mark.django_db
def test_createadmin_creates_a_superuser_with_argon2() -> None:
    result = runner.invoke(
        app,
        ["createadmin", "--identifiant", "admin", "--email", "a@example.org"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.password.startswith("argon2$")
    assert user.has_perm("accounts.manage_territory", None)


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password_and_a_taken_name() -> None:
    weak = runner.invoke(app, ["createadmin", "--identifiant", "admin", "--mot-de-passe", "1234"])
    assert weak.exit_code == 2
    assert "Mot de passe refusé" in weak.output
    User.objects.create_user("pris")
    taken = runner.invoke(app, ["createadmin", "--identifiant", "pris", "--mot-de-passe", PASSWORD])
    assert taken.exit_code == 2
    assert "existe déjà" in taken.output


def test_secret_key_is_created_once_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELETRAVAIL_SECRET_KEY", raising=False)
    ensure_secret_key(tmp_path)
    key = os.environ["TELETRAVAIL_SECRET_KEY"]
    assert len(key) >= 50
    assert stat.S_IMODE((tmp_path / "secret-key").stat().st_mode) == 0o600
    monkeypatch.delenv("TELETRAVAIL_SECRET_KEY")
    ensure_secret_key(tmp_path)
    assert os.environ["TELETRAVAIL_SECRET_KEY"] == key


def test_gunicorn_command_line() -> None:
    argv = gunicorn_argv("0.0.0.0", 8080, 3)
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "teletravail.web.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8080"
    assert argv[argv.index("--workers") + 1] == "3"


def test_serve_help_lists_port_and_host() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--host" in result.output


def test_static_files_are_collected_once_per_package_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr("django.core.management.call_command", lambda name, **_: calls.append(name))
    assert collect_static(tmp_path) is True
    assert collect_static(tmp_path) is False
    (tmp_path / ".teletravail-stamp").write_text("django==0.0")
    assert collect_static(tmp_path) is True
    assert collect_static(tmp_path, force=True) is True
    assert calls == ["collectstatic"] * 3
    assert "django-dsfr==3.6.1" in static_stamp()
