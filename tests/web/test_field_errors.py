"""Invalid inputs on pages give the page back with a DSFR message under the field, naming the valid
values (the rail feeds' common calendar, the filters' values, the calculator's ranges), never an
error page or a 500."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils.html import escape

from teletravail.rail.calendar import common_validity
from teletravail.warehouse import open_warehouse

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
DIAGNOSTIC = "/territoires/epci/200039022/diagnostic/"


def _french(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _names(day: date, message: str) -> bool:
    """Whether ``message`` names ``day`` (in words or as JJ/MM/AAAA)."""
    return escape(_french(day)) in message or day.strftime("%d/%m/%Y") in message


@pytest.fixture(scope="module")
def span(web_warehouse: Path) -> tuple[date, date]:
    """The days every rail feed of the mini mirror covers, read from the warehouse."""
    con = open_warehouse(web_warehouse)
    try:
        return common_validity(con)
    finally:
        con.close()


def _field_error(html: str, field_id: str) -> str:
    """The text of the DSFR error message under the field ``field_id`` ("" when none)."""
    match = re.search(
        rf'<p class="fr-error-text" id="{field_id}-erreur">(.*?)</p>', html, flags=re.S
    )
    return match.group(1) if match else ""


@pytest.mark.parametrize("value", ["2099-01-01", "abc", "2025-02-30", "01/02/2025"])
def test_diagnostic_date_out_of_range_or_unreadable(value: str, span: tuple[date, date]) -> None:
    response = Client().get(DIAGNOSTIC, {"date": value})
    html = response.content.decode()
    assert response.status_code == 400
    assert "fr-input-group--error" in html
    message = _field_error(html, "date")
    assert message, html[:2000]
    # The valid range, in words: the first and last days all the rail feeds cover.
    assert _names(span[0], message) and _names(span[1], message)
    assert "--date" not in html and "Traceback" not in html


@pytest.mark.parametrize(
    ("params", "field", "expected"),
    [
        ({"region": "99"}, "region", "Région inconnue « 99 »"),
        ({"densite": "9"}, "densite", "choisissez un niveau de 1 à 7"),
        ({"densite": "x"}, "densite", "Niveau de densité inconnu « x »"),
    ],
)
def test_ranking_filter_errors_are_under_their_field(
    params: dict[str, str], field: str, expected: str
) -> None:
    response = Client().get("/classement/acv/", {"date": "2025-01-28", **params})
    html = response.content.decode()
    assert response.status_code == 400
    assert "fr-select-group--error" in html
    assert escape(expected) in _field_error(html, field)
    assert "<table" in html  # the ranking is still shown, without the faulty filter


def test_ranking_region_error_lists_the_valid_regions() -> None:
    html = Client().get("/classement/acv/", {"date": "2025-01-28", "region": "99"})
    message = _field_error(html.content.decode(), "region")
    assert re.search(r"\(\d{2}\)", message)  # "Bretagne (53)" and the like


def test_ranking_date_error_is_under_the_date_field(span: tuple[date, date]) -> None:
    response = Client().get("/classement/acv/", {"date": "2099-01-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert _names(span[1], _field_error(html, "date"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("distance", "abc", "d&#x27;au plus"),
        ("distance", "-3", "strictement positive"),
        ("distance", "1e999", "nombre fini"),
        ("jours_teletravail", "douze", "entre 0 et"),
        ("jours_teletravail", "9", "entre 0 et"),
        ("occupants", "deux", "de 1 à"),
        ("occupants", "12", "Au plus"),
    ],
)
def test_impact_calculator_errors_name_the_valid_range(
    field: str, value: str, expected: str
) -> None:
    data = {"mode": "", "distance": "12", "jours_teletravail": "2", "occupants": "1"}
    data[field] = value
    response = Client().post("/impact/", data)
    html = response.content.decode()
    assert response.status_code == 200
    errors = re.search(rf'<div id="id_{field}-erreurs">(.*?)</div>', html, flags=re.S)
    assert errors and "fr-error-text" in errors.group(1)
    assert expected in errors.group(1)
    assert f'id="id_{field}-groupe"' in html and "fr-input-group--error" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("%%%", "au moins une lettre ou un chiffre"), ("x" * 250, "200 au plus")],
)
def test_search_box_errors_are_under_the_field(query: str, expected: str) -> None:
    response = Client().get("/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert "fr-input-group--error" in html
    assert expected in _field_error(html, "q")


@pytest.mark.parametrize("value", ["2025-02-30", "2099-01-01"])
def test_comparison_day_error_is_under_a_date_field(value: str, span: tuple[date, date]) -> None:
    """The day came with the comparison's links, as a hidden field: its error was written under
    the territory search box, without the valid days. Now a date field shows it (with the
    comparison of the default day when the feeds have one: not the mini mirror), and no export
    of a day that was refused is offered."""
    response = Client().get("/comparer/", {"t": ["epci:200039022", "commune:35360"], "date": value})
    html = response.content.decode()
    assert response.status_code == 400
    message = _field_error(html, "date")
    assert message and _names(span[0], message) and _names(span[1], message), message
    assert not _field_error(html, "q")  # the territories are fine
    assert "format=xlsx" not in html


@pytest.mark.parametrize("path", ["/gares/87471300/", "/gares/classement/", "/gares/?q=Vitré"])
@pytest.mark.parametrize("value", ["2099-01-01", "2025-02-30"])
def test_station_pages_day_error_is_under_the_date_field(
    path: str, value: str, span: tuple[date, date]
) -> None:
    """The station pages (portrait, ACV stations' ranking, search) read the same day: the
    message under the field, with the valid days."""
    query = path.partition("?")[2]
    params = {"date": value, **dict([query.split("=")] if query else [])}
    response = Client().get(path.partition("?")[0], params)
    html = response.content.decode()
    assert response.status_code == 400
    message = _field_error(html, "date")
    assert message, html[:2000]
    if value.startswith("2099"):
        assert _names(span[0], message) and _names(span[1], message), message
    assert "Traceback" not in html
