"""Words and numbers that a user reads (issue 9, section 4): a crawl of the public pages that fails
on code identifiers, file paths, command-line flags and repeated words in the visible text."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings

from teletravail.opendata.build import build_warehouse
from teletravail.web.diagnostics import service
from tests.conftest import MINI_MIRROR
from tests.web.test_diagnostic_pages import DAY, EXTRA_MODES

pytestmark = pytest.mark.django_db  # the survey purge middleware may run on any request

_HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"(https?://|www\.)\S+")
_REPEATED = re.compile(r"\b([^\W\d_]{2,})[ \t]+\1\b", re.I)
# a code identifier; the name of a published data file ("base_cc_comparateur_csv.zip", in the
# checksums of the sources page) is not one
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b(?![.-]\w)")
_FRAGMENTS = ("docs/", ".md", "--", "../", "/work/", "shared/", ".toml", ".py", "src/teletravail")
_ALLOWED_REPEATS = {"nous", "vous"}
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/[\w.-]+/[\w./-]+")
# a command of the command-line tool (« teletravail data build »): the site's readers do not run it
_COMMAND = re.compile(r"\bteletravail [a-z]+")


def visible_text(page: str) -> str:
    """What a reader sees, one text node a line: tags, scripts and styles removed, entities
    decoded, URLs dropped."""
    nodes = _TAG.split(_HIDDEN.sub(" ", page))
    lines = (" ".join(_URL.sub(" ", html.unescape(n)).split()) for n in nodes)
    return "\n".join(line for line in lines if line)


def leaks(text: str, *, folder: str = "") -> list[str]:
    """Code identifiers, paths, flags and repeated words (inside one text node) in ``text``."""
    found = [f"identifiant « {m} »" for m in _SNAKE.findall(text)]
    found += [f"chemin ou option « {f} »" for f in _FRAGMENTS if f in text]
    found += [f"chemin du serveur « {m} »" for m in _ABSOLUTE_PATH.findall(text)]
    found += [f"commande « {m} »" for m in _COMMAND.findall(text)]
    if folder and folder in text:
        found.append(f"dossier du serveur « {folder} »")
    for m in _REPEATED.finditer(text):
        if m.group(1).lower() not in _ALLOWED_REPEATS:
            found.append(f"mot répété « {m.group(0)} »")
    return found


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Source : indicateur : csp_2011", "csp_2011"),
        ("Méthode : docs/methodologie/indicateurs.md", "docs/"),
        ("Retirez --occupants.", "--"),
        ("voir ../shared/reference/FACTS.md", "../"),
        ("millésime millésime 2018", "millésime millésime"),
        ("Dossier : /srv/data/opendata", "/srv/data/opendata"),
        ("puis relancez « teletravail data build ».", "teletravail data"),
    ],
)
def test_leak_detector_catches_what_the_reviewer_saw(text: str, problem: str) -> None:
    assert any(problem in leak for leak in leaks(text))


def test_leak_detector_ignores_urls_and_markup() -> None:
    page = '<a href="/a_b/">Lien</a> <script>var x_y = 1;</script> https://ex.fr/x_y.md Fin.'
    assert leaks(visible_text(page)) == []


@pytest.fixture(scope="session")
def web_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini mirror's warehouse with the transport modes of the default CO2 scenario."""
    mirror = tmp_path_factory.mktemp("words-mirror") / "opendata"
    shutil.copytree(MINI_MIRROR, mirror)
    modes_file = mirror / "ademe" / "impactco2-deplacement.json"
    modes = json.loads(modes_file.read_text(encoding="utf-8"))
    slugs = {m.get("slug") for m in modes}
    modes += [m for m in EXTRA_MODES if m["slug"] not in slugs]
    modes_file.write_text(json.dumps(modes, ensure_ascii=False), encoding="utf-8")
    out = tmp_path_factory.mktemp("words-web") / "mini.duckdb"
    build_warehouse(mirror, out)
    return out


@pytest.fixture
def client() -> Iterator[Client]:
    service.clear_caches()
    yield Client()
    service.clear_caches()


GETS = [
    "/",
    "/?q=vitre",
    "/?q=35500",
    "/?q=saint+omer",
    "/?q=zzzzqqq",
    "/territoires/commune/35360/",
    "/territoires/epci/200039022/",
    "/territoires/epci/200069037/",
    f"/territoires/commune/35360/diagnostic/?date={DAY}",
    f"/territoires/epci/200039022/diagnostic/?date={DAY}",
    "/territoires/commune/35360/diagnostic/?date=2025-13-45",
    "/classement/acv/",
    f"/classement/acv/?date={DAY}",
    f"/classement/acv/?date={DAY}&tri=commune&ordre=desc&densite=2",
    "/classement/acv/?tri=inconnue&region=99",
    "/gares/",
    f"/gares/?q=Paris&date={DAY}",
    f"/gares/?q=zzzzqqq&date={DAY}",
    f"/gares/87471300/?date={DAY}",
    f"/gares/87584052/?date={DAY}",
    f"/gares/classement/?date={DAY}",
    f"/gares/classement/?date={DAY}&tri=inconnue",
    "/impact/",
    "/methodologie/",
    "/sources/",
    "/glossaire/",
]
IMPACT = {"distance": "30", "jours_teletravail": "2", "jours_bureau": "3", "occupants": "1"}
POSTS = [
    {**IMPACT, "mode": "voiturethermique"},
    {**IMPACT, "mode": "voiturethermique", "occupants": "3", "distance": "12,5"},
    {**IMPACT, "mode": "tgv"},
    {**IMPACT, "mode": "tgv", "occupants": "2"},  # carpooling a train: a domain error
    {**IMPACT, "distance": "-3", "mode": "voiturethermique"},
    {**IMPACT, "jours_teletravail": "4", "jours_bureau": "5", "mode": "voiturethermique"},
]


_EITHER_NUMBER = re.compile(r"\w+\(s\)")  # "caractéristique(s)": the count decides


def _assert_clean(page: str, where: str) -> None:
    folder = str(Path(settings.TELETRAVAIL_WAREHOUSE).parent)
    text = visible_text(page)
    found = leaks(text, folder=folder)
    found += [f"nombre non accordé « {m} »" for m in _EITHER_NUMBER.findall(text)]
    assert not found, f"{where} : " + " ; ".join(found)


@pytest.mark.parametrize("url", GETS)
def test_public_pages_show_no_code_words(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 400), url
    _assert_clean(response.content.decode(), url)


@pytest.mark.parametrize("data", POSTS, ids=lambda d: "-".join(f"{k}={v}" for k, v in d.items()))
def test_impact_results_and_errors_show_no_code_words(client: Client, data: dict[str, str]) -> None:
    response = client.post("/impact/", data)
    assert response.status_code == 200
    _assert_clean(response.content.decode(), f"/impact/ {data}")


def test_every_impact_mode_result_is_clean(client: Client) -> None:
    """Each mode's result, free of code words and of the mode's identifier ("voiturethermique")."""
    page = client.get("/impact/").content.decode()
    options = re.findall(r'<option value="([a-z0-9]+)"[^>]*>([^<]*)</option>', page)
    assert len(options) >= 3
    labels = " ".join(label.lower() for _, label in options)
    for slug, _ in options:
        response = client.post("/impact/", {**IMPACT, "mode": slug})
        text = visible_text(response.content.decode())
        _assert_clean(response.content.decode(), f"/impact/ mode {slug}")
        if slug not in labels:  # "tgv" is also its label; "voiturethermique" is not a word
            found = re.search(rf"\b{slug}\b", text.lower())
            assert not found, f"/impact/ mode {slug} : identifiant « {slug} »"


def test_search_and_card_numbers_in_french(client: Client) -> None:
    """ "19365 habitants" was printed raw in the search results."""
    page = client.get("/?q=vitre").content.decode()
    assert "19\u202f365 habitants" in page or re.search(r"\d\u202f\d{3} habitants", page)
    assert "recensement 2023" in page  # the vintage beside the figure
    assert not re.search(r"\b\d{4,} habitants", visible_text(page))
    card = client.get("/territoires/epci/200039022/").content.decode()
    assert not re.search(r"\b\d{4,} habitants", visible_text(card))


def test_search_and_card_give_one_population(client: Client) -> None:
    """Search showed the EPCI file's own figure, the card the sum of its member communes."""
    page = visible_text(client.get("/?q=CA+Vitré+Communauté").content.decode())
    card = visible_text(client.get("/territoires/epci/200039022/").content.decode())
    found = re.search(r"(\d[\d\u202f]*) habitants", page)
    assert found is not None
    assert f"{found.group(1)} habitants (population municipale" in card


def test_glossary_lists_the_terms_and_pages_link_to_it(client: Client) -> None:
    page = client.get("/glossaire/").content.decode()
    for anchor in (
        "epci", "ca", "cc", "cu", "metropole", "acv", "pvd", "ort", "aav", "uc", "ftth",
        "gtfs", "intervalle-de-confiance", "iris", "cog", "insee", "teletravail-regulier",
        "teletravail-occasionnel", "tiers-lieu",
    ):  # fmt: skip
        assert f'id="{anchor}"' in page, anchor
    card = client.get("/territoires/epci/200039022/").content.decode()
    assert 'href="/glossaire/#ca"' in card and 'href="/glossaire/#acv"' in card
    commune = client.get("/territoires/commune/35360/").content.decode()
    assert 'href="/glossaire/#aav"' in commune and 'href="/glossaire/#epci"' in commune
    ranking = client.get(f"/classement/acv/?date={DAY}").content.decode()
    assert 'href="/glossaire/#acv"' in ranking
    diagnostic = client.get(f"/territoires/commune/35360/diagnostic/?date={DAY}").content.decode()
    assert 'href="/glossaire/#intervalle-de-confiance"' in diagnostic
    assert 'href="/glossaire/#uc"' in diagnostic  # "revenu ... par UC" in a figure's label


def test_diagnostic_badges_use_one_vocabulary(client: Client) -> None:
    """Badges read « DÉRIVÉ », « calcul », « mesuré »; a figure without value was « mesuré »."""
    page = client.get(f"/territoires/commune/35360/diagnostic/?date={DAY}").content.decode()
    # the figures' badges, the synthesis tiles' and the charts' (tiles read « Mesure » for a
    # published price as for a survey's measure)
    badges = re.findall(r'data-nature="([a-z_]+)">([^<]+)</(?:span|p)>', page)
    assert re.search(r'<p class="fr-badge[^>]*data-nature=', page)  # the tiles have badges
    labels = {"publiee": "Donnée publiée", "calcul": "Calcul", "estimation": "Estimation (modèle)",
              "mesure_locale": "Mesure locale", "non_disponible": "Donnée non disponible"}  # fmt: skip
    assert badges and all(labels.get(code) == label for code, label in badges), badges
    assert {"publiee", "calcul", "estimation", "non_disponible"} <= {c for c, _ in badges}
    rows = re.findall(r'<tr id="f-[^"]+">(.*?)</tr>', page, re.S)
    for row in rows:  # an unavailable value is never badged as data
        if "donnée non disponible</span>" in row:
            assert 'data-nature="non_disponible"' in row
    assert ">dérivé<" not in page and ">mesuré<" not in page
    # the comparison page read « dérivé », « mesuré / estimation »
    compare = visible_text(
        client.get("/comparer/?t=epci:200039022&t=commune:35360").content.decode()
    )
    rows = re.findall(
        r"^(?:Donnée publiée|Calcul|Estimation \(modèle\)|Mesure locale)", compare, re.M
    )
    assert rows and not re.search(r"^(dérivé|mesuré|estimation)\b", compare, re.M)


def test_durations_in_one_format(client: Client) -> None:
    """Durations read "1 h 05" (stations), "65 min" (figures) and a bare number (ranking):
    one format now, "1 h 05 min" or "45 min"."""
    pages = [
        client.get(f"/territoires/commune/35360/diagnostic/?date={DAY}").content.decode(),
        client.get(f"/territoires/epci/200039022/diagnostic/?date={DAY}").content.decode(),
        client.get(f"/classement/acv/?date={DAY}").content.decode(),
    ]
    for page in pages:
        # the charts' labels and text alternatives too ("135 minutes", "Trains : 1 départs")
        text = visible_text(page) + "\n" + "\n".join(re.findall(r"<title>([^<]*)</title>", page))
        assert not re.search(r"\b[01](,\d)? départs\b", text)
        assert re.search(r"\b\d+ h( \d{2} min)?\b|\b\d+ min\b", text)
        # a duration without its "min" ("1 h 05"); clock times stay "après 17 h 30"
        assert not re.search(r"(?<!après )(?<!avant )\b\d+ h \d{2}\b(?! min)", text)
        assert not re.search(r"\b\d{2,} minutes\b", text)


def test_durations_of_stations_ranking_and_figures() -> None:
    """Three formats were shown: "1 h 05" (stations), "65 minutes" (figures), "65" in a
    "(minutes)" column (ranking); all read "1 h 05 min" now (the mini mirror has no such
    duration, so the helpers are checked directly)."""
    from dataclasses import replace

    from teletravail.diagnostic.catalogue import load_indicator_catalogue
    from teletravail.diagnostic.reading import IndicatorValue
    from teletravail.web.diagnostics import views

    assert views._duration(65) == "1 h 05 min" and views._duration_cell(65) == "1 h 05 min"
    assert views._duration_cell(45.0) == "45 min"
    ind = next(i for i in load_indicator_catalogue().indicators if i.unit == "minutes")
    value = IndicatorValue(
        id=ind.id, theme=ind.theme, label=ind.label, unit=ind.unit, value=65.0,
        decimals=ind.decimals, nature=ind.nature, nature_label="", definition="", formula="",
        aggregation="", assumptions=(), sources=(), figures=(), status="disponible",
    )  # fmt: skip
    assert value.text == "1 h 05 min"
    assert replace(value, unit="départs par jour", value=0.0).text == "0 départ par jour"


# --- Team pages (issue 9, section 4): the survey pages with a published reference measure, the
# receipt, the results, and the pages of the later features (grid projects, programmes, station
# assessments), reached by following the team's links.

_SKIP = re.compile(
    r"/admin|/deconnexion|/static/|/api/|format=|\.(csv|xlsx|pdf|xml|json)|/fichier|/xlsform|"
    r"/xform|/reponses|/export|/qr"
)
# a hyphen-minus before a figure; an input example ("Par exemple -1.2096" for a longitude typed
# in a field) is what the user types, not a figure
_ASCII_MINUS = re.compile(r"(?:^|[\s(\[:;=±])(?<!exemple )-\d")


def _crawl(client: Client, seeds: list[str], limit: int = 90) -> dict[str, str]:
    """Pages reached from ``seeds`` by the same-site links (GET only, redirects followed, no
    downloads), at most ``limit`` pages."""
    seen: dict[str, str] = {}
    queue = list(seeds)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url, follow=True)
        assert response.status_code in (200, 400, 410), url  # a page saying what is missing
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        seen[url] = page
        for href in re.findall(r'href="(/[^"#]*)"', page):
            link = html.unescape(href)
            # a few station portraits are enough; every commune of the mini mirror is not needed
            if _SKIP.search(link) or re.search(r"/(gares|territoires/commune)/\d", link):
                continue
            queue.append(link)
    return seen


def _residents_answer(teleworks: bool, days: float) -> dict[str, object]:
    travail: dict[str, object] = {
        "lieu_employeur": "meme_commune",
        "jours_travailles": 5,
        "teletravail": "regulier" if teleworks else "non",
    }
    if teleworks:
        travail.update(jours_teletravail=days, lieux_teletravail="domicile")
    return {
        "profil": {
            "commune_residence": "Vitré",
            "tranche_age": "de_25_34",
            "type_residence": "principale",
            "situation": "salarie_prive",
            "profession": "cadre",
        },
        "travail": travail,
        "trajets": {"distance_km": 15, "mode_transport": "voiture_thermique"},
        "installation": {"demenagement_recent": "non"},
    }


def test_team_and_later_pages_show_no_code_words(client: Client, settings: Settings) -> None:
    """A team with a closed reference campaign of the shipped residents' questionnaire (40
    teleworkers of 100 workers: the measure replaces the estimate), published; a grid project
    with a site, a programme with an action. The diagnostic showed « Questions : teletravail,
    jours_teletravail » and « 1,9 jours », the results « × 0.75 » and « réponse(s) »."""
    import uuid
    from datetime import date, timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from teletravail.web.accounts.models import Membership, Role, Territory
    from teletravail.web.surveys.models import Campaign, SurveyForm, SurveyReference
    from teletravail.web.surveys.service import ensure_shipped_forms, store_submission

    settings.TELETRAVAIL_REFERENCE_DAY = date(2025, 1, 28)  # the mini mirror's timetables
    vitre = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    manager = User.objects.create_user("gestion", "gestion@example.fr")
    Membership.objects.create(user=manager, territory=vitre, role=Role.MANAGER)
    ensure_shipped_forms()
    residents = SurveyForm.objects.get(slug="residents", territory__isnull=True)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        territory=vitre,
        title="Enquête habitants 2025",
        opens_on=today - timedelta(days=90),
        closes_on=today - timedelta(days=30),
        purpose="Mesurer le télétravail des habitants",
        controller="CA Vitré Communauté",
        retention_until=today + timedelta(days=365),
    )
    campaign.forms.set([residents])
    receipt = ""
    for i in range(100):
        answer = _residents_answer(i < 40, [0.5, 1, 1.5, 2, 3][i % 5])
        stored = store_submission(
            campaign, residents, uuid.uuid4(), answer, source="public", consent=True
        )
        receipt = receipt or (stored.receipt_code or "")
    SurveyReference.objects.create(territory=vitre, campaign=campaign, published=True)
    team = Client()
    team.force_login(manager)
    grid = team.post("/grille/epci/200039022/", {"nom": "Tiers-lieu de la gare"})
    assert grid.status_code == 302
    programme = "/programmes/epci/200039022/"
    assert team.get(programme).status_code == 200
    action = {
        "titre": "Ouvrir un tiers-lieu en gare", "theme": "Immobilier et bureaux",
        "description": "Dans l'ancienne halle.", "porteur": "Vitré Communauté",
        "partenaires": "Région", "budget": "250000", "financements": "Région : 100 000",
        "debut": "2026-01-01", "fin": "2027-06-30", "statut": "prevue",
    }  # fmt: skip
    assert team.post(programme + "actions/nouvelle/", action).status_code == 302
    diagnostic = f"/territoires/epci/200039022/diagnostic/?date={DAY}"
    pages = _crawl(
        team,
        [
            "/enquetes/",
            f"/enquetes/{campaign.pk}/",
            f"/enquetes/{campaign.pk}/resultats/",
            diagnostic,
            "/equipes/",
            "/grille/epci/200039022/",
            programme,
            programme + "actions/nouvelle/",  # what an action can cite, with its value
            programme + "indicateurs/",
            f"/gares/87471300/?date={DAY}",
            "/equipes/epci/200039022/",
        ],
    )
    pages["reçu"] = client.post("/enquetes/recu/", {"code": receipt}).content.decode()
    pages["diagnostic public"] = client.get(diagnostic).content.decode()
    for where in ("/grille/projets/", "/programmes/actions/", "/enquetes/epci/200039022/"):
        assert any(where in url for url in pages), where  # the later features were reached
    for url, page in pages.items():
        if re.match(r"/methodologie/[a-z-]+/", url):  # the technical reference, written as code
            page = re.sub(r"<(code|pre)\b.*?</\1>", " ", page, flags=re.S)
        _assert_clean(page, url)
        text = visible_text(page)
        minus = _ASCII_MINUS.search(text)
        assert not minus, (
            f"{url} : signe moins « - » : {text[minus.start() - 60 : minus.end() + 20]}"
        )
        assert "0.75" not in text, url
        # a figure after its label: "… : 0 départs par jour", "… : 15 minutes" (programme pages)
        assert not re.search(r"\b[01](,\d)? départs\b|: \d+ minutes\b", text), url
    for who in ("diagnostic public", diagnostic):
        text = visible_text(pages[who])
        assert "Questions : situation" not in text and "Questions : teletravail" not in text
        assert "« Télétravaillez-vous ? »" in text  # the questions by their wording
        assert re.search(r"\b1,\d jour\b", text) and not re.search(r"\b1,\d jours\b", text)
    # a programme follows or cites the measure as the diagnostic shows it (it read « : 0,4 »)
    followed = visible_text(pages[programme + "indicateurs/"])
    assert "(mesurée par enquête locale) : 40,0 %" in followed
    assert "(enquête locale) : 1,6 jour" in followed  # not "1,6 jours/semaine", "15 minutes"
    results = visible_text(pages[f"/enquetes/{campaign.pk}/resultats/"])
    assert "100 réponses analysées" in results and "× 0,75" in results
    assert "De 25 à 34 ans" in results and "Salarié" in visible_text(pages["reçu"])


def test_a_column_has_one_number_of_decimals() -> None:
    """The station ranking's mean level read « 2,53 » above « 2,5 » and « 2 »."""
    from teletravail.reports.tables import Column
    from teletravail.web.diagnostics.views import column_decimals, table_cells

    columns = [Column("gare", "Gare"), Column("niveau_moyen", "Niveau moyen"), Column("n", "N")]
    rows = [["Vitré", 2.53, 12], ["Laval", 2.5, 3], ["Rennes", 2.0, 1], ["Brest", None, 0]]
    places = column_decimals(rows, len(columns))
    assert places == [0, 2, 0]
    texts = [[c["text"] for c in table_cells(columns, row, places)] for row in rows]
    assert [t[1] for t in texts] == ["2,53", "2,50", "2,00", "–"]
    assert column_decimals([["a", 1.0], ["b", 3.0]], 2) == [0, 0]
    assert column_decimals([["a", 1.25], ["b", -0.5]], 2) == [0, 2]


def test_templates_agree_counts_the_french_way() -> None:
    """Django's ``pluralize`` makes 0 plural (« 0 réponses »); French counts use the ``compte``
    and ``accord`` filters, for which 0 and 1 are singular."""
    root = Path(__file__).resolve().parents[2] / "src" / "teletravail"
    found = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if "|pluralize" in p.read_text(encoding="utf-8")
    ]
    assert found == []
