"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.web.conftest import _warehouse_setting, web_warehouse  # noqa: F401  (shared fixtures)

CHROMIUM = Path(os.environ.get("TELETRAVAIL_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(os.environ.get("TELETRAVAIL_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian package); scripts/test.sh installs it when missing."""
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium introuvable à {CHROMIUM} : apt-get install chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own cookies) per test."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page screenshot of a key page for a human to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
