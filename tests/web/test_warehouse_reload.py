"""A rebuilt warehouse is served without a restart; a missing or unreadable one gives a clear 503
page on the pages that need it, while the others keep working; ``TELETRAVAIL_VAR`` moves the
default warehouse and cache."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from teletravail import settings as project_settings
from teletravail.web import warehouse as app_warehouse

ADMIN_TEXT = "l'administrateur de l'application doit construire l'entrepôt de données"
VITRE = "/territoires/commune/35360/"


@pytest.fixture
def served(settings: Settings, web_warehouse: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the mini warehouse (build A) that the application serves."""
    path = tmp_path / "var" / "teletravail.duckdb"
    path.parent.mkdir()
    shutil.copyfile(web_warehouse, path)
    settings.TELETRAVAIL_WAREHOUSE = path
    app_warehouse.reset()
    yield path
    app_warehouse.reset()


def _build_b(served: Path) -> None:
    """Replace ``served`` atomically (a rename, as ``teletravail data build`` does) by another
    build: Vitré renamed and given another population, another build date."""
    tmp = served.with_name(".construction-b")
    shutil.copyfile(served, tmp)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(
            "UPDATE communes SET nom = 'Vitré-Nouvelle', population = 54321 WHERE code = '35360'"
        )
        con.execute("UPDATE build_info SET construit_le = construit_le + INTERVAL 1 DAY")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.replace(served)


def _api_card(client: Client) -> dict[str, object]:
    response = client.get("/api/v1/territoires/commune/35360")
    assert response.status_code == 200, response.content
    body: dict[str, object] = json.loads(response.content)
    return body


@pytest.mark.django_db  # the hourly purge of expired answers may run first
def test_a_new_build_is_served_without_restart(served: Path) -> None:
    client = Client()
    assert "Vitré-Nouvelle" not in client.get(VITRE).content.decode()
    before = _api_card(client)
    assert before["population"] != {"valeur": 54321}
    assert "Vitré-Nouvelle" not in client.get("/", {"q": "vitre"}).content.decode()

    _build_b(served)  # same process, no restart, no cache cleared by hand

    page = client.get(VITRE)
    assert page.status_code == 200
    assert "Vitré-Nouvelle" in page.content.decode()
    after = _api_card(client)
    assert after["nom"] == "Vitré-Nouvelle"
    assert isinstance(after["population"], dict) and after["population"]["valeur"] == 54321
    assert "Vitré-Nouvelle" in client.get("/", {"q": "vitre"}).content.decode()


@pytest.mark.django_db  # the hourly purge of expired answers may run first
def test_a_new_build_reaches_the_derived_figures(served: Path) -> None:
    client = Client()
    assert client.get(VITRE).status_code == 200  # the process now holds a connection to build A
    first = client.get("/territoires/commune/35360/diagnostic/", {"date": "2025-01-28"})
    assert first.status_code == 200
    assert "Vitré-Nouvelle" not in first.content.decode()
    _build_b(served)
    second = client.get("/territoires/commune/35360/diagnostic/", {"date": "2025-01-28"})
    assert second.status_code == 200
    assert "Vitré-Nouvelle" in second.content.decode()


WAREHOUSE_PAGES = [
    VITRE,
    "/territoires/epci/200039022/",
    "/territoires/epci/200039022/diagnostic/",
    "/classement/acv/",
    "/impact/",
]


def _assert_clear_503(client: Client, url: str) -> None:
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 503, (url, response.status_code)
    assert ADMIN_TEXT in html
    assert 'class="fr-header' in html and 'lang="fr"' in html  # the DSFR layout
    assert "Traceback" not in html and ".duckdb" not in html  # no file path


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["absent", "corrompu", "vide"])
def test_missing_or_unreadable_warehouse_gives_a_clear_503(
    settings: Settings, tmp_path: Path, state: str
) -> None:
    path = tmp_path / "teletravail.duckdb"
    if state == "corrompu":
        path.write_bytes(b"ceci n'est pas un entrepot DuckDB" * 100)
    elif state == "vide":
        duckdb.connect(str(path)).close()  # a DuckDB file without the application's tables
    settings.TELETRAVAIL_WAREHOUSE = path
    app_warehouse.reset()
    client = Client()
    for url in WAREHOUSE_PAGES:
        _assert_clear_503(client, url)
    search = client.get("/", {"q": "vitre"})
    assert search.status_code == 503 and ADMIN_TEXT in search.content.decode()
    api = client.get("/api/v1/territoires/commune/35360")
    assert api.status_code == 503
    body = json.loads(api.content)["erreur"]
    assert body["code"] == "entrepot_indisponible" and "l'administrateur" in body["message"]
    # Regression: the public API answered with the server's path of the file and the command
    # line to build it (the page already said neither).
    assert ".duckdb" not in api.content.decode() and str(tmp_path) not in api.content.decode()
    assert "teletravail data build" not in api.content.decode()
    # Pages that do not need the warehouse keep working.
    for url in ["/", "/connexion/", "/enquetes/recu/", "/methodologie/"]:
        assert client.get(url).status_code == 200, url
    user = User.objects.create_user("agent", password="un mot de passe solide 2026")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/equipes/").status_code == 200
    app_warehouse.reset()


@pytest.mark.django_db
def test_a_warehouse_built_after_the_503_is_served(
    settings: Settings, tmp_path: Path, web_warehouse: Path
) -> None:
    path = tmp_path / "teletravail.duckdb"
    settings.TELETRAVAIL_WAREHOUSE = path
    app_warehouse.reset()
    client = Client()
    _assert_clear_503(client, VITRE)
    shutil.copyfile(web_warehouse, path.with_name(".tmp"))
    path.with_name(".tmp").replace(path)
    assert client.get(VITRE).status_code == 200
    app_warehouse.reset()


def test_teletravail_var_moves_the_default_warehouse_and_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TELETRAVAIL_WAREHOUSE", raising=False)
    monkeypatch.delenv("TELETRAVAIL_CACHE", raising=False)
    monkeypatch.setenv("TELETRAVAIL_VAR", str(tmp_path / "donnees"))
    assert project_settings.warehouse_path() == tmp_path / "donnees" / "teletravail.duckdb"
    assert project_settings.cache_dir() == tmp_path / "donnees" / "cache"
    # An explicit warehouse or cache still wins.
    monkeypatch.setenv("TELETRAVAIL_WAREHOUSE", str(tmp_path / "ailleurs.duckdb"))
    monkeypatch.setenv("TELETRAVAIL_CACHE", str(tmp_path / "telechargements"))
    assert project_settings.warehouse_path() == tmp_path / "ailleurs.duckdb"
    assert project_settings.cache_dir() == tmp_path / "telechargements"
    # Without TELETRAVAIL_VAR: var/ in the current folder, as before.
    for name in ("TELETRAVAIL_VAR", "TELETRAVAIL_WAREHOUSE", "TELETRAVAIL_CACHE"):
        monkeypatch.delenv(name)
    assert project_settings.warehouse_path() == Path("var") / "teletravail.duckdb"
    assert project_settings.cache_dir() == Path("var") / "cache"
