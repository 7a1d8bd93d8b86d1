"""``teletravail serve`` (the web application behind gunicorn) and ``teletravail createadmin``."""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer

from teletravail.cli.errors import handle_errors
from teletravail.errors import ConfigError

SETTINGS_MODULE = "teletravail.web.settings"


def var_dir() -> Path:
    """Folder of the application's local files (SQLite database, secret key, static files)."""
    return Path(os.environ.get("TELETRAVAIL_VAR") or "var")


def ensure_secret_key(folder: Path) -> None:
    """Without ``TELETRAVAIL_SECRET_KEY``, use (or create, readable by the owner only)
    ``var/secret-key``, so that sessions survive a restart."""
    if os.environ.get("TELETRAVAIL_SECRET_KEY"):
        return
    path = folder / "secret-key"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(64))
    os.environ["TELETRAVAIL_SECRET_KEY"] = path.read_text().strip()


STATIC_PACKAGES = ("teletravail", "django", "django-dsfr", "django-ninja")


def static_stamp() -> str:
    """Versions of the packages whose static files are served, and the project's own static files
    (names and modification times): collect again when any of them changes."""
    versions = " ".join(f"{name}=={metadata.version(name)}" for name in STATIC_PACKAGES)
    web = Path(__file__).resolve().parents[1] / "web"
    own = sorted(
        f"{p.relative_to(web)}:{p.stat().st_mtime_ns}"
        for p in web.glob("*/static/**/*")
        if p.is_file()
    )
    return versions + " " + hashlib.sha256("\n".join(own).encode()).hexdigest()


def collect_static(static_root: Path, *, force: bool = False) -> bool:
    """Run ``collectstatic`` (about a minute: ten thousand DSFR files, compressed) unless the
    files were collected for the same package versions; True when it ran."""
    from django.core.management import call_command

    stamp = static_root / ".teletravail-stamp"
    if not force and stamp.is_file() and stamp.read_text() == static_stamp():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(static_stamp())
    return True


def setup_django(*, static: bool = False, force_static: bool = False) -> None:
    """Configure Django and apply the migrations (and collect static files when serving)."""
    folder = var_dir()
    folder.mkdir(parents=True, exist_ok=True)
    ensure_secret_key(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if static:
        from django.conf import settings

        collect_static(Path(settings.STATIC_ROOT), force=force_static)


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command line serving the application."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "teletravail.web.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]


def worker_argv() -> list[str]:
    """The task worker command line (django-tasks' database worker, every queue)."""
    return [
        sys.executable,
        "-m",
        "django",
        "db_worker",
        "--queue-name",
        "*",
        "--interval",
        "2",
        "--no-reload",
        "--verbosity",
        "1",
    ]


def supervise(
    server_argv: list[str], background_argv: list[str], *, restart_delay_s: float = 5.0
) -> int:
    """Run ``server_argv`` (gunicorn) and ``background_argv`` (the task worker) as child
    processes until the server ends; the worker is restarted when it dies (after
    ``restart_delay_s`` seconds), and stopped (SIGTERM, then SIGKILL after 30 s) with the server.
    SIGTERM or SIGINT received by this process stops both. Returns the server's exit code."""
    import signal
    import subprocess
    import time

    server = subprocess.Popen(server_argv)
    worker = subprocess.Popen(background_argv)
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    worker_died_at: float | None = None
    try:
        while not stopping and server.poll() is None:
            if worker.poll() is not None:
                now = time.monotonic()
                if worker_died_at is None:
                    typer.echo("Traitement de fond arrêté : redémarrage dans quelques secondes.")
                    worker_died_at = now
                elif now - worker_died_at >= restart_delay_s:
                    worker, worker_died_at = subprocess.Popen(background_argv), None
            time.sleep(0.2)
    finally:
        for proc in (server, worker):
            if proc.poll() is None:
                proc.terminate()
        for proc in (server, worker):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return server.returncode or 0


def _prepare_pages() -> None:
    """Before listening: the default day's derived warehouse and the gazetteer (no first request
    pays for them); the workers then warm their own caches (``TELETRAVAIL_WARMUP``)."""
    from teletravail.errors import TeletravailError
    from teletravail.web.warmup import prepare

    typer.echo("Préparation des diagnostics (jour de référence par défaut)…")
    sys.stdout.flush()
    try:
        prepare()
    except TeletravailError as exc:  # no warehouse yet: the pages say so, as before
        typer.echo(f"Préparation impossible : {exc}", err=True)
    os.environ["TELETRAVAIL_WARMUP"] = "1"


@handle_errors
def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port d'écoute.")] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Adresse d'écoute (0.0.0.0 pour toutes les interfaces).")
    ] = "127.0.0.1",
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Processus gunicorn.")
    ] = 2,
    collectstatic: Annotated[
        bool,
        typer.Option(
            "--collectstatic",
            help="Recopier les fichiers statiques même si les versions n'ont pas changé.",
        ),
    ] = False,
) -> None:
    """Lancer l'application web (gunicorn + whitenoise) et son traitement de fond (imports,
    exports, purges) après avoir appliqué les migrations."""
    setup_django(static=True, force_static=collectstatic)
    from teletravail.web.surveys.jobs import schedule_purge

    schedule_purge()
    _prepare_pages()
    typer.echo(f"Application web sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    typer.echo("Traitement de fond (imports, exports, purges) démarré.")
    sys.stdout.flush()
    code = supervise(gunicorn_argv(host, port, workers), worker_argv())
    if code:
        raise typer.Exit(code)


@handle_errors
def createadmin(
    username: Annotated[str, typer.Option("--identifiant", help="Identifiant de connexion.")],
    password: Annotated[
        str,
        typer.Option(
            "--mot-de-passe",
            prompt="Mot de passe",
            hide_input=True,
            confirmation_prompt="Confirmez le mot de passe",
            envvar="TELETRAVAIL_ADMIN_PASSWORD",
            help="Mot de passe (demandé s'il est omis ; ou TELETRAVAIL_ADMIN_PASSWORD).",
        ),
    ],
    email: Annotated[str, typer.Option("--email", help="Adresse électronique.")] = "",
) -> None:
    """Créer un administrateur national (accès à l'administration et à tous les territoires)."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ConfigError(f"L'identifiant « {username} » existe déjà : choisissez-en un autre.")
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ConfigError("Mot de passe refusé : " + " ".join(exc.messages)) from None
    user_model.objects.create_superuser(username=username, email=email, password=password)
    typer.echo(f"Administrateur « {username} » créé.")
