"""Diagnostics kept on disk (``derive/pages``): only the public view, with its PDF export; the
folders of other derived copies or report code removed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from teletravail.derived import ensure_derived
from teletravail.reports import render
from teletravail.reports.model import MesureLocale
from teletravail.web.diagnostics import service

DAY = "2025-01-28"
EPCI = "200039022"


@pytest.fixture
def derived(web_warehouse: Path) -> Path:
    return ensure_derived(web_warehouse, day=date.fromisoformat(DAY))[0]


@pytest.fixture
def client(db: None) -> Iterator[Client]:
    service.clear_caches()
    yield Client()
    service.clear_caches()


def _measure(*, published: bool, url: str | None) -> MesureLocale:
    return MesureLocale(
        indicateur="taux_teletravail_estime",
        libelle="Part des actifs occupés qui télétravaillent (mesurée par enquête locale)",
        valeur=0.31,
        ic_bas=0.27,
        ic_haut=0.35,
        effectif=412,
        campagne="Enquête test",
        debut=date(2025, 1, 6),
        fin=date(2025, 2, 6),
        url=url,
        publiee=published,
    )


def _stored(derived: Path, suffix: str) -> set[Path]:
    return set((derived.parent / "pages").rglob(f"epci-{EPCI}-{DAY}-*{suffix}"))


def test_pdf_export_is_printed_once_then_read_back(
    client: Client, derived: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for file in _stored(derived, ".pdf"):
        file.unlink()
    url = f"/territoires/epci/{EPCI}/diagnostic/"
    first = client.get(url, {"date": DAY, "format": "pdf"})
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert len(_stored(derived, ".pdf")) == 1
    service.clear_caches()  # another worker, or the next server start

    def no_print(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("printed again instead of read from disk")

    monkeypatch.setattr(render, "render_pdf", no_print)
    again = client.get(url, {"date": DAY, "format": "pdf"})
    assert again.status_code == 200 and again.content == first.content


def test_team_view_is_never_written_to_disk(derived: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    day = date.fromisoformat(DAY)
    team_views = [
        (_measure(published=False, url=None),),  # unpublished measure
        (_measure(published=True, url="https://example.org/campagne"),),  # the team's link
    ]
    service.clear_caches()
    before = _stored(derived, ".pickle") | _stored(derived, ".pdf")
    for measures in team_views:
        assert not service.is_public(measures)
        data = service.diagnostic_data("epci", EPCI, derived, day, measures)
        assert data.report.mesures_locales == measures
        assert service.diagnostic_pdf("epci", EPCI, derived, day, measures).startswith(b"%PDF")
    assert _stored(derived, ".pickle") | _stored(derived, ".pdf") == before
    public = (_measure(published=True, url=None),)
    assert service.is_public(public) and service.is_public(())
    service.diagnostic_data("epci", EPCI, derived, day, public)
    assert len(_stored(derived, ".pickle") - before) == 1
    service.clear_caches()


def test_folders_of_other_copies_or_code_are_removed(derived: Path) -> None:
    day = date.fromisoformat(DAY)
    service.clear_caches()
    service.diagnostic_data("epci", EPCI, derived, day)
    pages = derived.parent / "pages"
    current = {f for f in pages.iterdir() if f.is_dir()}
    stamp = derived.stat().st_mtime_ns
    fingerprint = service._reports_fingerprint()
    stale = [
        pages / f"{derived.stem}-{stamp - 1}-{fingerprint}",  # an earlier build of the copy
        pages / f"{derived.stem}-{stamp}-000000000000",  # older report code
        pages / f"teletravail-2024-01-09-5min-{stamp}-{fingerprint}",  # a copy since deleted
    ]
    for folder in stale:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "epci-x.pickle").write_bytes(b"old")
    removed = service.prune_stored_pages(derived.parent)
    assert set(removed) == set(stale)
    assert all(not f.exists() for f in stale)
    assert {f for f in pages.iterdir() if f.is_dir()} == current  # the current ones kept
    os.utime(derived)  # the copy is rebuilt: its pages are of the old one
    service.prune_stored_pages(derived.parent)
    assert not any(f.name.startswith(f"{derived.stem}-{stamp}-") for f in pages.iterdir())
    service.clear_caches()
