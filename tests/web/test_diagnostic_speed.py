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


def _derive_tasks(day: str) -> list[list[object]]:
    """The arguments of every ``derive_day`` task enqueued for ``day`` (task database)."""
    from django_tasks_db.models import DBTaskResult

    return [
        r.args_kwargs["args"]
        for r in DBTaskResult.objects.filter(task_path__endswith=".derive_day")
        if r.args_kwargs["args"][:1] == [day]
    ]


def _new_day(warehouse: Path, settings: Settings) -> date:
    """Background mode, ``OTHER_DAY``'s derived copy removed, nothing asked yet."""
    settings.TELETRAVAIL_DERIVE_IN_BACKGROUND = True
    day = date.fromisoformat(OTHER_DAY)
    derived_path(warehouse, day, 5).unlink(missing_ok=True)
    cache.clear()
    return day


def test_ranking_of_a_new_day_is_computed_by_the_task_worker(
    client: Client,  # noqa: F811
    web_warehouse: Path,  # noqa: F811
    settings: Settings,
) -> None:
    day = _new_day(web_warehouse, settings)
    response = client.get("/classement/acv/", {"date": OTHER_DAY, "region": "53", "tri": "score"})
    assert response.status_code == 202
    html = response.content.decode()
    assert "Calcul en cours" in html and "Classement des communes Action Cœur de Ville" in html
    assert "jeudi 30/01/2025" in html
    assert "region=53&amp;tri=score&amp;date=2025-01-30" in html  # reload link keeps the filters
    assert current_derived(web_warehouse, day=day)[0] is None  # nothing computed in the request
    assert not derived_path(web_warehouse, day, 5).exists()
    assert _derive_tasks(OTHER_DAY) == [[OTHER_DAY, "", ""]]
    # the export asked for a new day waits too (no file built in the request)
    export = client.get("/classement/acv/", {"date": OTHER_DAY, "format": "csv"})
    assert export.status_code == 202
    assert "Calcul en cours" in export.content.decode()
    assert "Content-Disposition" not in export
    assert not derived_path(web_warehouse, day, 5).exists()
    derive_day.call(OTHER_DAY)  # what the task worker runs
    response = client.get("/classement/acv/", {"date": OTHER_DAY})
    assert response.status_code == 200
    assert "<table" in response.content.decode()
    export = client.get("/classement/acv/", {"date": OTHER_DAY, "format": "csv"})
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="classement-acv.csv"'


API_DAY_ROUTES = (
    "/api/v1/classement/acv",
    "/api/v1/territoires/epci/200039022/indicateurs",
    "/api/v1/territoires/epci/200039022/diagnostic",
    "/api/v1/territoires/epci/200039022/scenario",
)


@pytest.mark.parametrize("url", API_DAY_ROUTES)
def test_api_new_day_answers_202_and_enqueues_the_task(
    url: str,
    client: Client,  # noqa: F811
    web_warehouse: Path,  # noqa: F811
    settings: Settings,
) -> None:
    day = _new_day(web_warehouse, settings)
    response = client.get(url, {"date": OTHER_DAY})
    assert response.status_code == 202
    assert response["Retry-After"] == "10"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["statut"] == "calcul_en_cours"
    assert body["jour"] == OTHER_DAY
    assert body["reessayer_dans"] == 10
    assert "Calcul en cours" in body["message"] and "30/01/2025" in body["message"]
    assert "Réessayez dans 10 secondes" in body["message"]
    assert not derived_path(web_warehouse, day, 5).exists()  # nothing computed in the request
    assert _derive_tasks(OTHER_DAY) == [[OTHER_DAY, "", ""]]
    client.get(url, {"date": OTHER_DAY})  # a client retrying does not queue the day again
    assert len(_derive_tasks(OTHER_DAY)) == 1


def test_api_new_day_answers_200_once_computed(
    client: Client,  # noqa: F811
    web_warehouse: Path,  # noqa: F811
    settings: Settings,
) -> None:
    _new_day(web_warehouse, settings)
    assert client.get(API_DAY_ROUTES[0], {"date": OTHER_DAY}).status_code == 202
    derive_day.call(OTHER_DAY)  # what the task worker runs
    for url in API_DAY_ROUTES:
        response = client.get(url, {"date": OTHER_DAY})
        assert response.status_code == 200, url
        assert not response.has_header("Retry-After")


def test_api_bad_day_is_still_a_422_in_background_mode(
    client: Client,  # noqa: F811
    settings: Settings,
) -> None:
    settings.TELETRAVAIL_DERIVE_IN_BACKGROUND = True
    response = client.get(API_DAY_ROUTES[0], {"date": "2031-02-03"})
    assert response.status_code == 422
    assert response.json()["erreur"]["details"][0]["champ"] == "date"


def test_openapi_documents_the_202_answer(client: Client) -> None:  # noqa: F811
    schema = client.get("/api/v1/openapi.json").json()
    for url in API_DAY_ROUTES:
        path = url.replace("epci/200039022", "{kind}/{code}")
        answer = schema["paths"][path]["get"]["responses"]["202"]
        ref = answer["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/Pending"), url
    pending = schema["components"]["schemas"]["Pending"]
    assert set(pending["required"]) == {"statut", "message", "jour", "reessayer_dans"}


def test_prepared_default_day_answers_at_once(
    client: Client,  # noqa: F811
    derived: Path,  # noqa: F811
    web_warehouse: Path,  # noqa: F811
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the mini mirror has no default day: DAY's copy stands for the one prepared at serve start
    settings.TELETRAVAIL_DERIVE_IN_BACKGROUND = True
    cache.clear()
    day = date.fromisoformat(DAY)
    real = service.current_derived

    def prepared(warehouse: Path, *, day: date | None = None) -> tuple[Path | None, date]:
        return (derived, date.fromisoformat(DAY)) if day is None else real(warehouse, day=day)

    monkeypatch.setattr(service, "current_derived", prepared)
    page = client.get("/classement/acv/")
    assert page.status_code == 200
    assert "<table" in page.content.decode()
    assert client.get("/classement/acv/", {"date": DAY}).status_code == 200
    for url in API_DAY_ROUTES:
        assert client.get(url).status_code == 200, url
    assert _derive_tasks(DAY) == []
    assert current_derived(web_warehouse, day=day)[0] == derived
