"""A new reference day is computed by the task worker, never inside the request (issue 11)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings

from teletravail.derived import current_derived, derived_path
from teletravail.web import warmup
from teletravail.web.diagnostics import service
from teletravail.web.diagnostics.tasks import derive_day
from tests.web.test_diagnostic_pages import (  # noqa: F401  (session fixtures)
    DAY,
    client,
    derived,
    web_warehouse,
)

OTHER_DAY = "2025-01-30"  # a Thursday every feed of the mini mirror covers


def test_new_day_answers_at_once_then_shows_the_page(
    client: Client,  # noqa: F811
    web_warehouse: Path,  # noqa: F811
    settings: Settings,
) -> None:
    settings.TELETRAVAIL_DERIVE_IN_BACKGROUND = True
    day = date.fromisoformat(OTHER_DAY)
    derived_path(web_warehouse, day, 5).unlink(missing_ok=True)
    cache.clear()
    url = "/territoires/epci/200039022/diagnostic/"
    response = client.get(url, {"date": OTHER_DAY})
    assert response.status_code == 202
    html = response.content.decode()
    assert "Calcul en cours" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "jeudi 30/01/2025" in html
    assert current_derived(web_warehouse, day=day)[0] is None  # nothing computed in the request
    derive_day.call(OTHER_DAY, "epci", "200039022")  # what the task worker runs
    assert current_derived(web_warehouse, day=day)[0] is not None
    response = client.get(url, {"date": OTHER_DAY})
    assert response.status_code == 200
    assert f'value="{OTHER_DAY}"' in response.content.decode()


def test_bad_day_is_still_a_400_in_background_mode(
    client: Client,  # noqa: F811
    settings: Settings,
) -> None:
    settings.TELETRAVAIL_DERIVE_IN_BACKGROUND = True
    response = client.get("/territoires/epci/200039022/diagnostic/", {"date": "2031-02-30"})
    assert response.status_code == 400


def test_warmup_builds_the_pilot_pages(
    derived: Path,  # noqa: F811
    db: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the mini mirror has no default day (no Tuesday out of school holidays): use DAY's copy
    import teletravail.derived

    day = date.fromisoformat(DAY)
    monkeypatch.setattr(teletravail.derived, "current_derived", lambda warehouse: (derived, day))
    service.clear_caches()
    warmup.warm_worker()
    assert service._diagnostic.cache_info().currsize >= 1  # Vitré Communauté at least
    service.clear_caches()


def test_warmup_failure_is_only_logged(caplog: pytest.LogCaptureFixture, db: None) -> None:
    warmup._run()  # the mini mirror has no default day: ConfigError, logged, not raised
    assert "Préchauffage" in caplog.text


def test_built_diagnostic_is_kept_on_disk_for_other_workers(
    derived: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    day = date.fromisoformat(DAY)
    service.clear_caches()
    first = service.diagnostic_data("epci", "200039022", derived, day)
    pages = list((derived.parent / "pages").rglob("epci-200039022-*.pickle"))
    assert pages
    service.clear_caches()  # another worker, or the next server start

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("rebuilt instead of read from disk")

    monkeypatch.setattr(service, "build_report", no_build)
    again = service.diagnostic_data("epci", "200039022", derived, day)
    assert again.report.model_dump() == first.report.model_dump()
    assert again.methods.keys() == first.methods.keys()
    service.clear_caches()


def test_comparison_of_a_new_day_is_computed_by_the_task_worker(
    client: Client,  # noqa: F811
    web_warehouse: Path,  # noqa: F811
    settings: Settings,
) -> None:
    from teletravail.web.diagnostics import compare

    settings.TELETRAVAIL_DERIVE_IN_BACKGROUND = True
    day = date.fromisoformat(OTHER_DAY)
    derived_path(web_warehouse, day, 5).unlink(missing_ok=True)
    cache.clear()
    compare._cached.cache_clear()
    params = {"t": ["epci:200039022", "35360"], "date": OTHER_DAY}
    response = client.get("/comparer/", params)
    assert response.status_code == 202
    html = response.content.decode()
    assert "Calcul en cours" in html and "Comparer des territoires" in html
    assert "t=epci%3A200039022&amp;t=commune%3A35360&amp;date=2025-01-30" in html  # reload link
    assert current_derived(web_warehouse, day=day)[0] is None  # nothing computed in the request
    derive_day.call(OTHER_DAY)  # what the task worker runs
    response = client.get("/comparer/", params)
    assert response.status_code == 200
    assert "<table" in response.content.decode()
    compare._cached.cache_clear()
