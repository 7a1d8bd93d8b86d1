"""Diagnostic page and ACV ranking page over a warehouse built from the mini mirror."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from teletravail.derived import ensure_derived, resolve_day
from teletravail.diagnostic.reading import read_indicators
from teletravail.errors import ConfigError
from teletravail.format_fr import vintage
from teletravail.opendata.build import build_warehouse
from teletravail.reports.ranking import acv_ranking
from teletravail.reports.tables import Cell, Column
from teletravail.web.diagnostics import service
from teletravail.web.pages.glossary import link_terms
from tests.conftest import MINI_MIRROR

DAY = "2025-01-28"  # a Tuesday on which every feed of the mini mirror runs
# Modes of the default CO2 scenario missing from the mini mirror (ADEME Impact CO2, kg CO2e/km).
EXTRA_MODES = [
    {
        "id": 9,
        "name": "Bus",
        "subtitle": "Moteur thermique",
        "slug": "busthermique",
        "type": "car",
        "category": 4,
        "ecv": [{"id": 5, "value": 0.00892}, {"id": 6, "value": 0.1135}],
        "default": True,
        "tile": False,
    },
    {
        "id": 12,
        "name": "Scooter ou moto légère",
        "slug": "scooter",
        "type": "car",
        "category": 4,
        "ecv": [{"id": 5, "value": 0.0159}, {"id": 6, "value": 0.0604}],
        "default": True,
        "tile": False,
    },
]


@pytest.fixture(scope="session")
def web_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini mirror's warehouse, with the modes of the default CO2 scenario it lacks."""
    mirror = tmp_path_factory.mktemp("diag-mirror") / "opendata"
    shutil.copytree(MINI_MIRROR, mirror)
    modes_file = mirror / "ademe" / "impactco2-deplacement.json"
    modes = json.loads(modes_file.read_text(encoding="utf-8"))
    slugs = {m.get("slug") for m in modes}
    modes += [m for m in EXTRA_MODES if m["slug"] not in slugs]
    modes_file.write_text(json.dumps(modes, ensure_ascii=False), encoding="utf-8")
    out = tmp_path_factory.mktemp("diag-web") / "mini.duckdb"
    build_warehouse(mirror, out)
    return out


@pytest.fixture
def client(db: None) -> Iterator[Client]:  # the page reads the published survey measure
    service.clear_caches()
    yield Client()
    service.clear_caches()


@pytest.fixture(scope="session")
def derived(web_warehouse: Path) -> Path:
    path, _ = ensure_derived(web_warehouse, day=date.fromisoformat(DAY))
    return path


@pytest.fixture(scope="session")
def ranking(derived: Path) -> tuple[list[Column], list[list[Cell]], list[str]]:
    con = duckdb.connect(str(derived), read_only=True)
    try:
        return acv_ranking(con)
    finally:
        con.close()


def _acv_geo(derived: Path) -> dict[str, tuple[str, int | None]]:
    con = duckdb.connect(str(derived), read_only=True)
    try:
        rows = con.execute("SELECT code, region, niveau_densite FROM communes WHERE acv").fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2]) for r in rows}


# --- diagnostic page ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "code"), [("commune", "35360"), ("epci", "200039022")])
def test_diagnostic_page_explains_every_figure(
    client: Client, derived: Path, kind: str, code: str
) -> None:
    response = client.get(f"/territoires/{kind}/{code}/diagnostic/", {"date": DAY})
    assert response.status_code == 200
    html = response.content.decode()
    con = duckdb.connect(str(derived), read_only=True)
    try:
        values = read_indicators(con, kind, code)
    finally:
        con.close()
    data = service.diagnostic_data(kind, code, derived, date.fromisoformat(DAY))
    report = data.report
    assert f"<h1>Diagnostic télétravail — {escape(report.territoire.nom)}</h1>" in html
    assert html.index('id="resume"') < html.index('id="t-')  # summary first
    for line in report.resume:  # acronyms linked to the glossary
        assert link_terms(line, "/glossaire/") in html
    figures = [f for t in report.themes for f in t.figures] + list(report.impact)
    assert figures
    for figure in figures:
        assert link_terms(figure.libelle, "/glossaire/") in html
        assert escape(figure.texte) in html
    assert html.count("<summary") >= len(figures)
    assert html.count("Source et méthode") >= len(figures)
    for value in values:  # the catalogue's definition and formula, with the sources' vintage
        assert link_terms(value.definition, "/glossaire/") in html
        if value.formula:
            assert link_terms(value.formula, "/glossaire/") in html
        for source in value.sources:
            assert escape(source.citation) in html and escape(vintage(source.vintage)) in html
    for theme in report.themes:  # a theme without any value is in the « données manquantes » note
        assert f'<h2 id="t-{theme.id}">{escape(theme.titre)}</h2>' in html or (
            f'<li id="t-{theme.id}">' in html
        )
    charts = sum(1 for t in report.themes if t.graphique_svg) + (1 if report.carte else 0)
    assert charts and html.count("<svg") >= charts
    for hypothesis in report.hypotheses_impact:
        assert escape(hypothesis) in html
    assert report.pairs is not None
    for row in report.pairs.lignes:
        assert escape(row.nom) in html
    for station in report.desserte:
        assert escape(station.nom) in html
    for ref in report.sources:
        assert escape(ref.titre) in html and escape(vintage(ref.millesime)) in html


def test_diagnostic_shows_the_chosen_day(client: Client) -> None:
    response = client.get("/territoires/commune/35360/diagnostic/", {"date": DAY})
    assert response.status_code == 200
    html = response.content.decode()
    assert "28/01/2025" in html
    assert f'id="date" name="date" value="{DAY}"' in html
    assert '<label class="fr-label" for="date">' in html


def test_diagnostic_without_date_uses_the_default_day(client: Client, web_warehouse: Path) -> None:
    response = client.get("/territoires/commune/35360/diagnostic/")
    try:
        day = resolve_day(web_warehouse, None)
    except ConfigError as exc:  # the mini mirror's feeds have no regular Tuesday
        assert response.status_code == 400
        html = response.content.decode()
        assert escape(service.web_message(exc)) in html
        assert "--date" not in html
        assert '<label class="fr-label" for="date">' in html
    else:
        assert response.status_code == 200
        assert day.strftime("%d/%m/%Y") in response.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("28/01/2025", "Date illisible « 28/01/2025 » : utilisez le format AAAA-MM-JJ"),
        ("2025-02-30", "Date illisible « 2025-02-30 »"),
        ("2031-01-07", "hors de la période où tous les horaires GTFS sont valables"),
    ],
)
def test_bad_date_is_a_french_400(client: Client, value: str, message: str) -> None:
    response = client.get("/territoires/epci/200039022/diagnostic/", {"date": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in html
    assert "--date" not in html
    assert 'role="alert"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/territoires/commune/99999/diagnostic/",
        "/territoires/epci/123456789/diagnostic/",
        "/territoires/region/53/diagnostic/",
    ],
)
def test_unknown_territory_diagnostic_is_404(client: Client, path: str) -> None:
    assert client.get(path, {"date": DAY}).status_code == 404
    assert client.get(path, {"date": "n'importe quoi"}).status_code == 404


def test_reports_are_cached_per_territory_and_day(client: Client, derived: Path) -> None:
    day = date.fromisoformat(DAY)
    first = service.diagnostic_data("commune", "35360", derived, day)
    assert service.diagnostic_data("commune", "35360", derived, day) is first
    assert service.diagnostic_data("epci", "200039022", derived, day) is not first
    client.get("/territoires/commune/35360/diagnostic/", {"date": DAY})
    assert service.diagnostic_data("commune", "35360", derived, day) is first


def test_territory_card_links_to_the_diagnostic(client: Client) -> None:
    html = client.get("/territoires/epci/200039022/").content.decode()
    assert 'href="/territoires/epci/200039022/diagnostic/"' in html


# --- ACV ranking -------------------------------------------------------------------------------


def test_ranking_page_lists_every_acv_commune(
    client: Client, ranking: tuple[list[Column], list[list[Cell]], list[str]]
) -> None:
    columns, rows, notes = ranking
    response = client.get("/classement/acv/", {"date": DAY})
    assert response.status_code == 200
    html = response.content.decode()
    for column in columns:
        shown = column.libelle if column.unite == "minutes" else column.header  # "1 h 05 min"
        assert escape(shown) in html
    names = [str(r[2]) for r in rows]
    positions = [
        html.index(f'/territoires/commune/{r[1]}/diagnostic/">{escape(n)}</a>')
        for r, n in zip(rows, names, strict=True)
    ]
    assert positions == sorted(positions)  # default order: the rank
    assert f"{len(rows)} communes affichées" in html
    for note in notes:
        assert link_terms(note, "/glossaire/") in html
    assert '<label class="fr-label" for="region">Région</label>' in html
    assert '<label class="fr-label" for="densite">' in html
    assert "aria-sort" not in html


@pytest.mark.parametrize("ordre", ["asc", "desc"])
def test_ranking_sorts_on_any_column(
    client: Client, ranking: tuple[list[Column], list[list[Cell]], list[str]], ordre: str
) -> None:
    _, rows, _ = ranking
    response = client.get(
        "/classement/acv/", {"date": DAY, "tri": "population_2023", "ordre": ordre}
    )
    assert response.status_code == 200
    html = response.content.decode()
    expected = sorted(rows, key=lambda r: int(r[6] or 0), reverse=ordre == "desc")
    positions = [html.index(f'/territoires/commune/{r[1]}/diagnostic/"') for r in expected]
    assert positions == sorted(positions)
    sort = "descending" if ordre == "desc" else "ascending"
    flipped = "asc" if ordre == "desc" else "desc"
    assert f'<th scope="col" aria-sort="{sort}"><a href="?' in html
    assert html.count("aria-sort=") == 1
    header = html.split(f'aria-sort="{sort}"><a href="', 1)[1].split('"', 1)[0]
    assert "tri=population_2023" in header and f"ordre={flipped}" in header


def test_ranking_sorts_text_alphabetically(
    client: Client, ranking: tuple[list[Column], list[list[Cell]], list[str]]
) -> None:
    _, rows, _ = ranking
    html = client.get("/classement/acv/", {"date": DAY, "tri": "commune"}).content.decode()
    expected = sorted(rows, key=lambda r: service._fold(str(r[2])))
    positions = [html.index(f'/territoires/commune/{r[1]}/diagnostic/"') for r in expected]
    assert positions == sorted(positions)


def test_ranking_filters_by_region_and_density(
    client: Client, derived: Path, ranking: tuple[list[Column], list[list[Cell]], list[str]]
) -> None:
    _, rows, _ = ranking
    geo = _acv_geo(derived)
    region = geo["35360"][0]
    html = client.get("/classement/acv/", {"date": DAY, "region": region}).content.decode()
    for row in rows:
        shown = f'/territoires/commune/{row[1]}/diagnostic/"' in html
        assert shown == (geo[str(row[1])][0] == region)
    assert f'<option value="{region}" selected>' in html
    level = geo["35360"][1]
    assert level is not None
    html = client.get("/classement/acv/", {"date": DAY, "densite": str(level)}).content.decode()
    for row in rows:
        shown = f'/territoires/commune/{row[1]}/diagnostic/"' in html
        assert shown == (geo[str(row[1])][1] == level)
    assert f'<option value="{level}" selected>' in html


def test_ranking_filter_with_no_match_says_so(client: Client, derived: Path) -> None:
    levels = {lvl for _, lvl in _acv_geo(derived).values()}
    empty = next(str(n) for n in range(1, 8) if n not in levels)
    html = client.get("/classement/acv/", {"date": DAY, "densite": empty}).content.decode()
    assert "Aucune commune ne correspond à ces filtres." in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tri": "inconnu"}, "Colonne de tri inconnue « inconnu »"),
        ({"tri": "rang", "ordre": "haut"}, "Ordre de tri inconnu « haut »"),
        ({"region": "99"}, "Région inconnue « 99 »"),
        ({"densite": "9"}, "Niveau de densité inconnu « 9 »"),
        ({"format": "pdf"}, "Format d'export inconnu « pdf »"),
        ({"date": "demain"}, "Date illisible « demain »"),
    ],
)
def test_ranking_bad_parameters_are_400(
    client: Client, params: dict[str, str], message: str
) -> None:
    response = client.get("/classement/acv/", {"date": DAY, **params})
    assert response.status_code == 400
    assert escape(message) in response.content.decode()


def test_ranking_exports_csv_with_bom_and_header(
    client: Client, ranking: tuple[list[Column], list[list[Cell]], list[str]]
) -> None:
    columns, rows, _ = ranking
    html = client.get("/classement/acv/", {"date": DAY}).content.decode()
    assert "format=csv" in html and "format=xlsx" in html and "format=json" in html
    response = client.get("/classement/acv/", {"date": DAY, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="classement-acv.csv"'
    body = response.content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8").removeprefix("\ufeff")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0] == [c.header for c in columns]
    assert [r[1] for r in table[1:]] == [str(r[1]) for r in rows]


def test_ranking_export_follows_filter_and_sort(client: Client, derived: Path) -> None:
    geo = _acv_geo(derived)
    region = geo["35360"][0]
    response = client.get(
        "/classement/acv/",
        {"date": DAY, "region": region, "tri": "commune", "ordre": "desc", "format": "json"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="classement-acv.json"'
    body = json.loads(response.content)
    codes = [line["code"] for line in body["lignes"]]
    assert codes and set(codes) == {c for c, (r, _) in geo.items() if r == region}
    names = [line["commune"] for line in body["lignes"]]
    assert names == sorted(names, key=service._fold, reverse=True)


def test_ranking_exports_xlsx(
    client: Client, ranking: tuple[list[Column], list[list[Cell]], list[str]]
) -> None:
    columns, rows, _ = ranking
    response = client.get("/classement/acv/", {"date": DAY, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="classement-acv.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index([c.header for c in columns])
    data = values[header + 1 :]
    assert [r[1] for r in data] == [r[1] for r in rows]
    assert data[0][6] == rows[0][6]  # numbers stay numbers


# --- values measured by a local survey (issue 5) -----------------------------------------------


def _residents(telework: str) -> dict[str, object]:
    work: dict[str, object] = {
        "lieu_employeur": "meme_epci",
        "jours_travailles": 5,
        "teletravail": telework,
    }
    if telework != "non":
        work |= {"jours_teletravail": 2, "lieux_teletravail": ["domicile"]}
    return {
        "profil": {
            "commune_residence": "Vitré",
            "type_residence": "principale",
            "situation": "salarie_prive",
            "profession": "cadre",
        },
        "travail": work,
        "trajets": {
            "distance_km": 30,
            "mode_transport": "voiture_thermique",
            "temps_trajet_min": 35,
        },
        "installation": {"demenagement_recent": "non"},
        "besoins_services": {"besoins": ["tiers_lieu"]},
    }


@pytest.mark.django_db
def test_diagnostic_shows_the_measured_rate_to_the_team_only(client: Client, derived: Path) -> None:
    from datetime import timedelta
    from uuid import uuid4

    from django.contrib.auth.models import User
    from django.utils import timezone

    from teletravail.web.accounts.models import Membership, Role, Territory
    from teletravail.web.surveys.models import Campaign, SurveyForm, SurveyReference
    from teletravail.web.surveys.service import ensure_shipped_forms, store_submission

    ensure_shipped_forms()
    vitre = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        territory=vitre,
        title="Télétravail à Vitré",
        opens_on=today - timedelta(days=20),
        closes_on=today + timedelta(days=10),
        purpose="Mesurer le télétravail",
        controller="CA Vitré Communauté",
        retention_until=today + timedelta(days=400),
    )
    residents = SurveyForm.objects.get(slug="residents", territory__isnull=True)
    campaign.forms.add(residents)
    for telework in ["regulier"] * 5 + ["occasionnel"] + ["non"] * 6:
        result = store_submission(
            campaign, residents, uuid4(), _residents(telework), source="api", consent=True
        )
        assert result.created, result.errors
    SurveyReference.objects.create(territory=vitre, campaign=campaign)  # chosen, not published
    anonymous = client.get("/territoires/epci/200039022/diagnostic/", {"date": DAY})
    assert "Mesure locale" not in anonymous.content.decode()
    reader = User.objects.create_user("lecteur")
    Membership.objects.create(user=reader, territory=vitre, role=Role.READER)
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/territoires/epci/200039022/diagnostic/", {"date": DAY}).content.decode()
    text = re.sub(r"<[^>]+>", "", html)  # "IC 95 %" links to the glossary
    # Wilson, 6 of 12, in an open campaign: shown beside the estimate, provisional
    assert "Mesure locale provisoire : 50,0 % (IC 95 % : 25,4 à 74,6 %)" in text
    assert "Enquête locale « Télétravail à Vitré »" in html and "12 répondants" in html
    assert "2,0 jours" in html  # the measured days a week of the 6 teleworkers
    assert "non publiée" in html and "campagne en cours" in html
    assert "mesuré par l&#x27;enquête locale" not in html  # the CO2 scenario keeps the estimate
