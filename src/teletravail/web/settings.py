"""Django settings, read from ``TELETRAVAIL_*`` environment variables.

- ``TELETRAVAIL_DEBUG=1``: development mode (detailed errors, a development secret key).
- ``TELETRAVAIL_SECRET_KEY``: required unless in development mode.
- ``TELETRAVAIL_DATABASE_URL``: application database, e.g. ``postgres://user@host:5432/name``
  (default: the SQLite file ``var/teletravail.sqlite3``).
- ``TELETRAVAIL_ALLOWED_HOSTS``: comma-separated host names (default ``localhost,127.0.0.1``).
- ``TELETRAVAIL_WAREHOUSE``: the DuckDB warehouse, opened read-only (see ``teletravail.settings``).
- ``TELETRAVAIL_EMAIL_HOST`` (``_PORT``, ``_USER``, ``_PASSWORD``, ``_TLS``, ``_SSL``, ``_FROM``): the
  SMTP server for team invitations; without it, each e-mail is written to ``var/courriels/``.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

from teletravail import settings as project_settings

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TELETRAVAIL_VAR") or "var")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "oui", "on"}


DEBUG = _flag("TELETRAVAIL_DEBUG")

_DEV_SECRET_KEY = "dev-only-insecure-key-teletravail-not-for-production-0123456789"
SECRET_KEY = os.environ.get("TELETRAVAIL_SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Clé secrète absente : définissez TELETRAVAIL_SECRET_KEY (au moins 50 caractères "
        "aléatoires), ou TELETRAVAIL_DEBUG=1 pour le développement."
    )

ALLOWED_HOSTS = [
    h.strip()
    for h in (os.environ.get("TELETRAVAIL_ALLOWED_HOSTS") or "localhost,127.0.0.1").split(",")
    if h.strip()
]

# Contact address of the service operator, shown on the accessibility and legal pages.
TELETRAVAIL_CONTACT = os.environ.get("TELETRAVAIL_CONTACT", "").strip()

# The analytic warehouse (DuckDB), opened read-only by the views.
TELETRAVAIL_WAREHOUSE = project_settings.warehouse_path()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "ninja",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "teletravail.web.accounts",
    "teletravail.web.territories",
    "teletravail.web.diagnostics",
    "teletravail.web.pages",
    "teletravail.web.surveys",
    "teletravail.web.gares",
    "teletravail.web.grille",
    "teletravail.web.programmes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "teletravail.web.api_errors.ApiErrorsMiddleware",  # JSON errors under /api/v1/
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "teletravail.web.warehouse.MissingWarehouseMiddleware",  # 503 page when it is not built
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Must be last: it turns the lock-out signal into a response.
    "axes.middleware.AxesMiddleware",
]

# Background jobs (imports, large exports, purges): django-tasks with its database backend, run
# by the worker that ``teletravail serve`` starts (or ``python -m django db_worker``).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Days an answer stays in a campaign's trash before the purge job deletes it for good.
TELETRAVAIL_TRASH_DAYS = int(os.environ.get("TELETRAVAIL_TRASH_DAYS") or 30)


def _reference_day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"TELETRAVAIL_REFERENCE_DAY illisible « {text} » : un jour AAAA-MM-JJ couvert par "
            "les horaires, ou vide pour le jour de référence par défaut."
        ) from None


# Reference day of the timetables for what does not ask for a day (the facts of the grid's
# candidate sites); empty: the feeds' default reference day (``rail.calendar``).
TELETRAVAIL_REFERENCE_DAY = _reference_day(os.environ.get("TELETRAVAIL_REFERENCE_DAY", ""))
# Days a file produced by an export job stays downloadable.
TELETRAVAIL_EXPORT_KEEP_DAYS = int(os.environ.get("TELETRAVAIL_EXPORT_KEEP_DAYS") or 7)
# Exports of more answers than this run as background jobs (per format; see answer_exports.py).
TELETRAVAIL_EXPORT_SYNC_MAX = {
    "xlsx": int(os.environ.get("TELETRAVAIL_EXPORT_SYNC_MAX_XLSX") or 2000),
    "csv": int(os.environ.get("TELETRAVAIL_EXPORT_SYNC_MAX_CSV") or 10000),
}
# and at most this many characters of stored answers (answers are up to 256 Ko each)
TELETRAVAIL_EXPORT_SYNC_MAX_BYTES = int(
    os.environ.get("TELETRAVAIL_EXPORT_SYNC_MAX_BYTES") or 50_000_000
)

ROOT_URLCONF = "teletravail.web.urls"
WSGI_APPLICATION = "teletravail.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teletravail.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TELETRAVAIL_DATABASE_URL")
        or f"sqlite:///{(VAR_DIR / 'teletravail.sqlite3').resolve()}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding and prepared statements (psycopg 3): a statement run five
    # times on a connection is parsed and planned once (the answers' INSERT, the campaign lookup).
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Durable, concurrent-safe writes: WAL journal, fsync at each commit, write lock taken when a
    # transaction starts (no "database is locked" upgrade failures), 30 s wait for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new passwords are hashed with it, older hashes are upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): 5 failures per user name and address lock for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# Behind N reverse proxies of our own, the client is the N-th address from the right of
# X-Forwarded-For (see teletravail.web.client_ip); 0 (default): REMOTE_ADDR.
TELETRAVAIL_TRUSTED_PROXY_COUNT = int(os.environ.get("TELETRAVAIL_TRUSTED_PROXY_COUNT") or 0)
# A diagnostic for a reference day not yet computed (rail service and indicators, ~12 s) is computed
# by the task worker while the page shows "calcul en cours" (teletravail.web.diagnostics.tasks).
TELETRAVAIL_DERIVE_IN_BACKGROUND = True
AXES_CLIENT_IP_CALLABLE = "teletravail.web.client_ip.client_ip"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Survey submissions (API and public form), per minute (teletravail.web.api_routes.limits; 0: no
# limit), counted in the application's database (shared by all workers).
TELETRAVAIL_SURVEY_RATE_PER_CLIENT = int(os.environ.get("TELETRAVAIL_SURVEY_RATE_PER_CLIENT") or 60)
TELETRAVAIL_SURVEY_RATE_PER_LINK = int(os.environ.get("TELETRAVAIL_SURVEY_RATE_PER_LINK") or 1200)

# E-mail (team invitations): SMTP when TELETRAVAIL_EMAIL_HOST is set, otherwise one file per message
# in TELETRAVAIL_VAR/courriels (a single-machine install); TELETRAVAIL_EMAIL_BACKEND overrides both.
EMAIL_HOST = os.environ.get("TELETRAVAIL_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("TELETRAVAIL_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "courriels"
EMAIL_PORT = int(os.environ.get("TELETRAVAIL_EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("TELETRAVAIL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TELETRAVAIL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("TELETRAVAIL_EMAIL_TLS")  # STARTTLS (port 587)
EMAIL_USE_SSL = _flag("TELETRAVAIL_EMAIL_SSL")  # implicit TLS (port 465)
EMAIL_TIMEOUT = 20  # seconds
DEFAULT_FROM_EMAIL = os.environ.get("TELETRAVAIL_EMAIL_FROM") or "teletravail@localhost"

# Security headers. The DSFR assets are served locally: no third-party origin is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
if _flag("TELETRAVAIL_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Without ``collectstatic`` (tests, development) whitenoise serves the apps' files directly.
WHITENOISE_USE_FINDERS = True
# The DSFR files are served from our own origin, and the manifest storage serves copies whose url()s
# it rewrote: django-dsfr's integrity hashes (of the original files) would make browsers refuse them.
DSFR_USE_INTEGRITY_CHECKSUMS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
