"""Django settings for the test suite: the application's, with a test-only secret key.

The warehouse is set per session by ``tests/web/conftest.py`` (built from the mini mirror).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TELETRAVAIL_SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
os.environ.setdefault("TELETRAVAIL_VAR", tempfile.mkdtemp(prefix="teletravail-web-"))

from teletravail.web.settings import *  # noqa: F403  (the Django idiom for derived settings)

STORAGES = {  # no manifest: the tests do not run collectstatic
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when it is absent)
TELETRAVAIL_DERIVE_IN_BACKGROUND = False  # the tests compute a new day inside the request
