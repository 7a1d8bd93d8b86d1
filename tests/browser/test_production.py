"""Every page family as users get it from ``teletravail serve`` (see tests/browser/production.py),
on a desktop (1280x900) and a phone (390x844): no console error, no content security policy
violation, no failed sub-resource, the DSFR styles applied (Marianne font, blue France) and, on the
phone, no horizontal scrolling. Screenshots: var/screenshots/prod-<page>-<desktop|mobile>.png.

Generic checks on page families (not on texts other pages' authors may change)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
)

from tests.browser.conftest import screenshot
from tests.browser.production import COMMUNE, EPCI, PASSWORD, Site, production_site

__all__ = ["production_site"]

VIEWPORTS = {"desktop": (1280, 900), "mobile": (390, 844)}
BLUE_FRANCE = "rgb(0, 0, 145)"
DAY = "2025-01-28"  # a Tuesday of the fixtures' timetables
STATION = "87471300"  # Vitré station in the fixtures
THANKS = "Merci pour vos réponses"
#: The residents' form answered as a respondent would: (field, choice), ``None`` for a typed value
#: (the number of workdays, then that of telework days, is filled once the field is shown).
RESIDENT: list[tuple[str, str | None]] = [
    ("profil/commune_residence", None),
    ("profil/type_residence", "principale"),
    ("profil/situation", "salarie_public"),
    ("profil/profession", "intermediaire"),
    ("travail/lieu_employeur", "metropole"),
    ("travail/jours_travailles", None),
    ("travail/teletravail", "regulier"),
    ("travail/lieux_teletravail", "domicile"),
    ("trajets/distance_km", None),
    ("trajets/mode_transport", "train"),
    ("installation/demenagement_recent", "non"),
]
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
STYLE_PROBE = """(blue) => {
  const font = getComputedStyle(document.body).fontFamily;
  const coloured = [...document.querySelectorAll('.fr-header .fr-btn, .fr-btn, .fr-nav__link, .fr-link')]
    .some((e) => { const s = getComputedStyle(e); return s.color === blue || s.backgroundColor === blue; });
  const root = document.documentElement;
  return {font, coloured, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth};
}"""

SVG_TEXT_PROBE = """() => [...document.querySelectorAll('main svg')].flatMap((svg) => {
  const box = svg.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return [];
  return [...svg.querySelectorAll('text')]
    .map((t) => [t, t.getBoundingClientRect()])
    .filter(([t, r]) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
      || r.top < box.top - 1 || r.bottom > box.bottom + 1))
    .map(([t, r]) => `${svg.getAttribute('aria-label') || 'svg'} : « ${t.textContent} »`);
})"""


@dataclass
class Watched:
    """A browser page kept for a whole worker session, and what went wrong on it since ``reset``."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.problems.clear()
        self.page.evaluate("window.__cspViolations = []")


def _watch(context: BrowserContext) -> Watched:
    page = context.new_page()
    watched = Watched(page)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.problems.append(f"console: {message.text}")

    def failed(request: Request) -> None:
        watched.problems.append(f"échec de chargement: {request.url} ({request.failure})")

    def response(resp: Response) -> None:
        if resp.status >= 400 and not resp.request.is_navigation_request():
            watched.problems.append(f"HTTP {resp.status}: {resp.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: watched.problems.append(f"erreur JS: {error}"))
    page.on("requestfailed", failed)
    page.on("response", response)
    return watched


@pytest.fixture(scope="session")
def pages(browser: Browser, production_site: Site) -> Iterator[Callable[[str, str], Watched]]:
    """``pages(viewport, role)``: one page per viewport and role (anonymous or team manager),
    created on first use and reused."""
    made: dict[tuple[str, str], tuple[BrowserContext, Watched]] = {}

    def get(viewport: str, role: str) -> Watched:
        if (viewport, role) not in made:
            width, height = VIEWPORTS[viewport]
            context = browser.new_context(
                locale="fr-FR", viewport={"width": width, "height": height}
            )
            context.add_init_script(WATCH_CSP)
            watched = _watch(context)
            if role in ("manager", "member", "other"):
                page = watched.page
                page.goto(production_site.url + "/connexion/")
                username = {"manager": "gestionnaire", "member": "evaluatrice"}.get(
                    role, "libourne"
                )
                page.locator("input[name=username]").fill(username)
                page.locator("input[name=password]").fill(PASSWORD)
                with page.expect_navigation():
                    page.locator("main form [type=submit]").first.click()
                assert "/connexion/" not in page.url, "connexion du gestionnaire refusée"
            made[(viewport, role)] = (context, watched)
        return made[(viewport, role)][1]

    yield get
    for context, _ in made.values():
        context.close()


def _check(watched: Watched, name: str, viewport: str) -> None:
    """Wait for the page to settle, take its screenshot and assert the generic checks."""
    page = watched.page
    page.wait_for_load_state("networkidle")
    screenshot(page, f"prod-{name}-{viewport}")
    probe = page.evaluate(STYLE_PROBE, BLUE_FRANCE)
    problems = list(watched.problems)
    problems += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations")]
    if "Marianne" not in probe["font"]:
        problems.append(f"police du DSFR absente : {probe['font']}")
    if not probe["coloured"]:
        problems.append("aucun élément en bleu France : feuilles de style du DSFR non appliquées")
    # a button declared with its icon beside its text (fr-btn--icon-left/right) must show the
    # text: inside a DSFR group, the group needs fr-btns-group--icon-left or the text is clipped
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.fr-btn[class*="fr-btn--icon-"]')]
            .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent.trim())"""
    )
    problems += [f"texte de bouton coupé (icône seule) : {t}" for t in clipped]
    # the text of a chart or map is drawn inside its SVG (else the browser cuts it: « édiane
    # des EPCI… » over the diagnostic's attractiveness chart, « 100 » without its « % »)
    problems += [f"texte coupé au bord d'un dessin : {t}" for t in page.evaluate(SVG_TEXT_PROBE)]
    dangling = page.evaluate(
        """() => [...document.querySelectorAll('.fr-skiplinks a[href^="#"]')]
            .filter(a => !document.getElementById(a.hash.slice(1))).map(a => a.hash)"""
    )
    problems += [f"lien d'évitement sans cible : {h}" for h in dangling]
    if viewport == "mobile" and probe["scrollWidth"] > probe["clientWidth"]:
        problems.append(
            f"défilement horizontal : {probe['scrollWidth']} > {probe['clientWidth']} px"
        )
    assert not problems, f"{name} ({viewport}) :\n" + "\n".join(problems)


# Page families: name, role, path (from the seeded site).
PAGES: list[tuple[str, str, Callable[[Site], str]]] = [
    ("accueil", "anon", lambda s: "/"),
    ("recherche", "anon", lambda s: "/?q=vitre"),
    ("commune", "anon", lambda s: f"/territoires/commune/{COMMUNE}/"),
    ("epci", "anon", lambda s: f"/territoires/epci/{EPCI}/"),
    # The mini warehouse's timetables cover a few days of early 2025 (the default day is today).
    ("diagnostic", "anon", lambda s: f"/territoires/epci/{EPCI}/diagnostic/?date={DAY}"),
    ("classement-acv", "anon", lambda s: f"/classement/acv/?date={DAY}"),
    ("comparer", "anon", lambda s: f"/comparer/?t=epci:{EPCI}&t=commune:{COMMUNE}&date={DAY}"),
    ("gares", "anon", lambda s: f"/gares/?q=Paris&date={DAY}"),
    ("gare", "anon", lambda s: f"/gares/{STATION}/?date={DAY}"),
    ("gares-classement", "anon", lambda s: f"/gares/classement/?date={DAY}"),
    ("methodologie-portrait-gare", "anon", lambda s: "/methodologie/portrait-gare/"),
    ("impact", "anon", lambda s: "/impact/"),
    ("methodologie", "anon", lambda s: "/methodologie/"),
    ("methodologie-navettes", "anon", lambda s: "/methodologie/navettes/"),
    ("methodologie-desserte", "anon", lambda s: "/methodologie/desserte-ferroviaire/"),
    ("methodologie-impact", "anon", lambda s: "/methodologie/impact-teletravail/"),
    ("methodologie-enquetes", "anon", lambda s: "/methodologie/enquetes/"),
    ("sources", "anon", lambda s: "/sources/"),
    ("connexion", "anon", lambda s: "/connexion/"),
    ("accessibilite", "anon", lambda s: "/accessibilite/"),
    ("mentions-legales", "anon", lambda s: "/mentions-legales/"),
    ("donnees-personnelles", "anon", lambda s: "/donnees-personnelles/"),
    ("plan-du-site", "anon", lambda s: "/plan-du-site/"),
    ("enquete-consentement", "anon", lambda s: f"/enquetes/r/{s.token}/"),
    ("equipes", "manager", lambda s: "/equipes/"),
    ("equipe", "manager", lambda s: f"/equipes/epci/{EPCI}/"),
    ("enquetes", "manager", lambda s: "/enquetes/"),  # the menu entry: the team's dashboard
    ("tableau-de-bord", "manager", lambda s: f"/enquetes/epci/{EPCI}/tableau-de-bord/"),
    ("campagnes", "manager", lambda s: f"/enquetes/epci/{EPCI}/"),
    ("campagne-nouvelle", "manager", lambda s: f"/enquetes/epci/{EPCI}/nouvelle/"),
    ("campagne", "manager", lambda s: f"/enquetes/{s.campaign}/"),
    ("campagne-resultats", "manager", lambda s: f"/enquetes/{s.campaign}/resultats/"),
    ("gare-evaluation", "manager", lambda s: f"/gares/{STATION}/equipes/epci/{EPCI}/?date={DAY}"),
    ("grille-projets", "manager", lambda s: f"/grille/epci/{EPCI}/"),
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("name", "role", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page(
    pages: Callable[[str, str], Watched],
    production_site: Site,
    viewport: str,
    name: str,
    role: str,
    path: Callable[[Site], str],
) -> None:
    watched = pages(viewport, role)
    watched.reset()
    response = watched.page.goto(production_site.url + path(production_site))
    assert response is not None and response.status == 200, (
        f"{name} : HTTP {response and response.status}"
    )
    _check(watched, name, viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_survey_form_and_receipt(
    pages: Callable[[str, str], Watched], production_site: Site, viewport: str
) -> None:
    """A respondent consents, fills the form on its lean page (no site menu) while its progress
    follows, sends it and is thanked with a receipt code (only then); the code shows the
    answers."""
    watched = pages(viewport, "anon")
    page = watched.page
    page.goto(f"{production_site.url}/enquetes/r/{production_site.token}/")
    form = page.locator("main form").filter(has=page.locator("[type=submit]")).first
    form.locator("input[type=checkbox]").first.check(force=True)
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()
    watched.reset()
    response = page.goto(f"{production_site.url}/enquetes/r/{production_site.token}/residents/")
    assert response is not None and response.status == 200
    assert page.locator("main form input, main form select, main form textarea").count() > 3
    assert page.locator(".fr-nav, #bouton-menu").count() == 0  # no site menu
    assert THANKS not in page.locator("main").inner_text()
    _check(watched, "enquete-formulaire", viewport)

    watched.reset()
    for name, value in RESIDENT:
        field = page.locator(f"[name='{name}']")
        if value is None:
            field.fill("Vitré" if "commune" in name else "40" if "distance" in name else "5")
        else:
            choice = page.locator(f"input[name='{name}'][value='{value}']")
            # shown by the form's script once the answer it depends on is given
            choice.locator("xpath=ancestor::fieldset[1]").wait_for(state="visible")
            choice.check(force=True)
    page.locator("[name='travail/jours_teletravail']").fill("2")
    expect(page.locator("[data-repondues]")).not_to_have_text("0")  # the progress follows
    # the progress stays on screen at the end of the long form
    page.get_by_role("button", name="Envoyer mes réponses").scroll_into_view_if_needed()
    bar = page.locator("#progression-barre").bounding_box()
    height = VIEWPORTS[viewport][1]
    assert bar is not None and bar["y"] >= 0 and bar["y"] + bar["height"] <= height, bar
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Envoyer mes réponses").click()
    assert navigation.value is not None and navigation.value.status == 200
    main = page.locator("main").inner_text()
    assert THANKS in main, main
    code = page.locator("#code-recu").inner_text().strip()
    _check(watched, "enquete-merci", viewport)

    watched.reset()
    page.goto(production_site.url + "/enquetes/recu/")
    page.locator("main input[name=code]").fill(code)
    with page.expect_navigation() as navigation:
        page.locator("main form [type=submit]").first.click()
    assert navigation.value is not None and navigation.value.status == 200
    assert "Vitré" in page.locator("main").inner_text()  # the answers of that code
    _check(watched, "enquete-recu", viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_diagnostic_charts_fit_and_have_text_alternatives(
    pages: Callable[[str, str], Watched], production_site: Site, viewport: str
) -> None:
    """The map and charts of the web diagnostic are inline SVG drawn without inline styles (the
    generic checks catch a CSP violation), named for assistive technologies, and inside the
    viewport."""
    watched = pages(viewport, "anon")
    page = watched.page
    page.goto(f"{production_site.url}/territoires/epci/{EPCI}/diagnostic/?date={DAY}")
    charts = page.locator("main figure svg")
    assert charts.count() >= 2  # the map and at least one comparison chart
    width = VIEWPORTS[viewport][0]
    for i in range(charts.count()):
        chart = charts.nth(i)
        named = chart.get_attribute("aria-label") or chart.locator("xpath=..").get_attribute(
            "aria-label"
        )
        assert chart.get_attribute("role") == "img" and named, f"graphique {i} sans nom"
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    # the synthesis charts: coloured bars (not the black of a CSS-less drawing) and text that
    # stays readable on a phone (labels at least 8 px high)
    synthesis = page.locator(".diagnostic-graphiques svg.graphique")
    assert synthesis.count() >= 2
    fill = page.evaluate(
        "getComputedStyle(document.querySelector('#graphique-pairs svg rect')).fill"
    )
    assert fill not in ("rgb(0, 0, 0)", "none", ""), fill
    label = synthesis.first.locator("text").nth(1).bounding_box()
    assert label is not None and label["height"] >= 8, label
    # the map's legend and source too (beside the map they were drawn 6 px high on a phone)
    for text in page.locator("main figure[aria-label^='Carte'] svg text").all():
        box = text.bounding_box()
        assert box is not None and box["height"] >= 8, (text.text_content(), box)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_survey_results_charts_take_the_column(
    pages: Callable[[str, str], Watched], production_site: Site, viewport: str
) -> None:
    """The charts of a campaign's results are as wide as the column (36rem at most) and their
    text readable on a phone (the browser's default figure margins made them 278 px wide)."""
    page = pages(viewport, "manager").page
    page.goto(f"{production_site.url}/enquetes/{production_site.campaign}/resultats/")
    charts = page.locator("main figure svg.graphique")
    assert charts.count() >= 1
    column = VIEWPORTS[viewport][0] - 2 * 16  # the DSFR container's padding on a phone
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None and box["width"] >= min(576, column) - 2, box
        label = chart.locator("text").nth(1).bounding_box()
        assert label is not None and label["height"] >= 8, label


def test_mobile_menu_reaches_login(
    pages: Callable[[str, str], Watched], production_site: Site
) -> None:
    """At 390 px the header shows a "Menu" button whose modal holds the navigation and the login."""
    page = pages("mobile", "anon").page
    page.goto(production_site.url + "/")
    login = page.get_by_role("link", name=re.compile("Se connecter"))
    menu = page.locator(".fr-header__navbar button[aria-controls]", has_text=re.compile("Menu"))
    assert menu.is_visible(), "pas de bouton « Menu » à 390 px"
    menu.click()
    modal = page.locator("#" + str(menu.get_attribute("aria-controls")))
    modal.get_by_role("link", name=re.compile("Se connecter")).wait_for(state="visible")
    assert modal.get_by_role("link", name=re.compile("Méthodologie")).is_visible()
    assert login.count() >= 1
    screenshot(page, "prod-menu-mobile")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_team_member_reaches_the_survey_dashboard_from_the_menu(
    pages: Callable[[str, str], Watched], production_site: Site, viewport: str
) -> None:
    """« Enquêtes » in the menu (the phone's menu modal too) leads a team member to the team's
    dashboard: the campaign with its answers, its public link copied by a button, its QR code
    drawn as SVG inside the screen."""
    watched = pages(viewport, "member")
    page = watched.page
    page.goto(production_site.url + "/")
    watched.reset()
    nav = page.locator("#menu-principal")
    if viewport == "mobile":
        page.locator("#bouton-menu").click()
    with page.expect_navigation():
        nav.get_by_role("link", name="Enquêtes", exact=True).click()
    assert page.url.endswith(f"/enquetes/epci/{EPCI}/tableau-de-bord/"), page.url
    campaign = page.locator("main article").filter(
        has=page.locator(f"a[href='/enquetes/{production_site.campaign}/']")
    )
    assert re.search(r"\b\d+ réponses\b", campaign.inner_text())
    link = campaign.locator("input[readonly]")
    assert link.input_value() == f"{production_site.url}/enquetes/r/{production_site.token}/"
    campaign.get_by_role("button", name="Copier le lien").click()
    expect(campaign.locator("[role=status]")).to_have_text(re.compile("Lien (copié|.*sélectionné)"))
    campaign.locator("summary", has_text="Code QR").click()
    qr = campaign.locator("details svg")
    qr.wait_for(state="visible")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 100 and box["x"] >= 0
    assert box["x"] + box["width"] <= VIEWPORTS[viewport][0], box
    _check(watched, "tableau-de-bord-qr", viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_team_records_station_observations(
    pages: Callable[[str, str], Watched], production_site: Site, viewport: str
) -> None:
    """From the station search to the team's assessment: the manager records a field observation
    and gets its gap and actions; the district map fits the screen."""
    watched = pages(viewport, "manager")
    page = watched.page
    watched.reset()
    page.goto(f"{production_site.url}/gares/?q=Vitré&date={DAY}")
    assert page.url.startswith(f"{production_site.url}/gares/{STATION}/")
    box = page.locator("main svg.carte-gare").bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= VIEWPORTS[viewport][0], box
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Évaluation de l'équipe")).first.click()
    level = "0" if viewport == "desktop" else "1"
    page.locator(f"#f-stationnement_velo-{level}").check(force=True)
    page.locator("#c-stationnement_velo").fill(f"Relevé {viewport}")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Enregistrer les observations").click()
    assert navigation.value is not None and navigation.value.status == 200
    main = page.locator("main").inner_text()
    assert "Observations enregistrées" in main and f"Relevé {viewport}" in main
    gaps = page.locator("#ecarts ~ ul").first.inner_text()
    assert "Stationnement vélo sécurisé" in gaps and "Porteurs" in gaps
    _check(watched, "gare-evaluation-enregistree", viewport)


GRID_SITES = (
    ("Halle de la gare", "48.1226", "-1.20788"),
    ("Ancienne poste", "48.1245", "-1.2089"),
    ("Zone d'activités", "48.1326", "-1.1815"),
)


def _score_site(page: Page, level: int) -> None:
    """Give every criterion of the open scoring page the level ``level``."""
    for fieldset in page.locator("fieldset[id^=c-]").all():
        criterion = str(fieldset.get_attribute("id"))[2:]
        page.locator(f"#n-{criterion}-{level}").check(force=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mes notes").click()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_team_assesses_a_project_of_place(
    pages: Callable[[str, str], Watched], production_site: Site, viewport: str
) -> None:
    """Tool 2 from end to end: a manager creates a project with three candidate sites (their
    facts computed), two assessors score them, the ranking names its methods and its stability,
    and the report is a PDF."""
    manager, member = pages(viewport, "manager"), pages(viewport, "member")
    page = manager.page
    manager.reset()
    page.goto(f"{production_site.url}/grille/epci/{EPCI}/")
    page.locator("#id_nom").fill(f"Tiers-lieu {viewport}")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le projet").click()
    project_url = page.url
    for name, lat, lon in GRID_SITES:
        page.locator("#id_site-nom").fill(name)
        page.locator("#id_site-lat").fill(lat)
        page.locator("#id_site-lon").fill(lon)
        with page.expect_navigation():
            page.get_by_role("button", name="Ajouter le site").click()
        assert f"Site « {name} » ajouté" in page.locator("main").inner_text()
    table = page.locator("main table").first.inner_text()
    assert table.count("Vitré (35360)") == 3, table  # the facts of every site
    _check(manager, "grille-projet", viewport)
    for watched, levels in ((manager, (3, 2, 1)), (member, (4, 2, 0))):
        for n, level in enumerate(levels):
            watched.page.goto(project_url)
            links = watched.page.locator("main table a[href*='/notes/']")
            with watched.page.expect_navigation():
                links.nth(n).click()
            if watched is member and n == 0:
                member.reset()
                _check(member, "grille-notes", viewport)
            _score_site(watched.page, level)
    manager.reset()
    page.goto(project_url + "resultats/")
    main = page.locator("main").inner_text()
    for method in ("Somme pondérée (WSM)", "TOPSIS", "PROMETHEE II", "Rang conservé"):
        assert method in main
    first = page.locator("main table").first.locator("tbody tr").first.inner_text()
    assert "Halle de la gare" in first
    assert page.locator("main svg.graphique").count() == 3  # a radar chart per site
    _check(manager, "grille-resultats", viewport)
    response = page.request.get(project_url + "resultats/?format=pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_team_writes_its_programme_and_another_team_reads_it(
    pages: Callable[[str, str], Watched], production_site: Site, viewport: str
) -> None:
    """Visions and programmes from end to end: the manager writes the vision, adds an action
    from a suggestion of the tools, follows two indicators of the diagnostic, publishes; the
    team of another territory reads the published programme."""
    manager = pages(viewport, "manager")
    page = manager.page
    base = f"{production_site.url}/programmes/epci/{EPCI}/"
    page.goto(base + "vision/")
    page.locator("#id_vision").fill(f"Une ville moyenne où l'on vit et travaille ({viewport}).")
    page.locator("#id_horizon").fill("2040")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    page.goto(base + "suggestions/")
    suggestion = page.locator("main ol > li strong").first.inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Ajouter au programme").first.click()
    page.locator("#id_porteur").fill("Vitré Communauté")
    page.locator("#id_debut").fill("2026-03-01")
    page.locator("#id_fin").fill("2027-06-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'action").click()
    assert "Ce qui l'a motivée" in page.locator("main").inner_text()
    for reference in ("population_2023", "emplois_2018"):
        page.goto(base + "indicateurs/")
        page.locator("#id_reference").select_option(reference)
        with page.expect_navigation():
            page.get_by_role("button", name="Suivre cet indicateur").click()
    page.goto(base)
    main = page.locator("main").inner_text()
    assert suggestion in main and "horizon 2040" in main
    assert page.locator("#suivi ~ div table tbody tr").count() == 2
    summary = page.request.get(base + "export/?format=synthese")
    assert summary.status == 200 and summary.body().startswith(b"%PDF")  # for the council
    manager.reset()
    page.goto(base)
    _check(manager, "programme", viewport)
    if "Retirer la publication" not in main:
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Publier le programme")).click()
    other = pages(viewport, "other")
    other.reset()
    other.page.goto(f"{production_site.url}/programmes/publies/")
    with other.page.expect_navigation():
        other.page.get_by_role("link", name="CA Vitré Communauté").click()
    assert suggestion in other.page.locator("main").inner_text()
    assert other.page.get_by_role("link", name="Ajouter une action").count() == 0
    _check(other, "programme-publie", viewport)
