"""Measured values that can be trusted (issue 9, section 3): the team's reference campaign, the
rule that lets a measure replace the national estimate, its publication, and the dashboard.

Real database, the mini warehouse (with the modes of the default CO2 scenario), the Django test
client for the pages and the API; figures compared as numbers.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from teletravail.reports.model import DiagnosticReport
from teletravail.surveys import measure_rule
from teletravail.web.accounts.models import Territory
from teletravail.web.diagnostics import service
from teletravail.web.surveys.models import Campaign, Submission, SurveyForm, SurveyReference
from tests.web.surveys.conftest import login, make_form, today
from tests.web.test_diagnostic_pages import DAY
from tests.web.test_diagnostic_pages import web_warehouse as web_warehouse

KIND, CODE = "epci", "200039022"
PAGE = f"/territoires/{KIND}/{CODE}/diagnostic/"
API = f"/api/v1/territoires/{KIND}/{CODE}"


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    service.clear_caches()
    yield
    service.clear_caches()


@pytest.fixture
def residents(vitre: Territory) -> SurveyForm:
    """A form with the residents' telework questions (``situation``, ``teletravail``)."""
    return make_form(None, name="mini.md", slug="residents")


def campaign_with(
    territory: Territory,
    form: SurveyForm,
    *,
    teleworkers: int,
    others: int,
    closed: bool,
    title: str,
    opens: date | None = None,
) -> Campaign:
    """A campaign of ``territory`` with ``teleworkers`` + ``others`` employed respondents."""
    start = opens or (today() - timedelta(days=60))
    end = today() - timedelta(days=1) if closed else today() + timedelta(days=10)
    campaign = Campaign.objects.create(
        territory=territory,
        title=title,
        opens_on=start,
        closes_on=end,
        purpose="Mesurer le télétravail des habitants",
        controller="CA Vitré Communauté",
        retention_until=end + timedelta(days=365),
    )
    campaign.forms.set([form])
    answers = [{"situation": "salarie_prive", "teletravail": "regulier", "jours": 2}] * teleworkers
    answers += [{"situation": "salarie_prive", "teletravail": "non"}] * others
    Submission.objects.bulk_create(
        Submission(uuid=uuid.uuid4(), campaign=campaign, form=form, data=a, source="api")
        for a in answers
    )
    return campaign


def choose(territory: Territory, campaign: Campaign | None, *, published: bool = False) -> None:
    SurveyReference.objects.update_or_create(
        territory=territory, defaults={"campaign": campaign, "published": published}
    )


def page_report(client: Client) -> DiagnosticReport:
    response = client.get(PAGE, {"date": DAY})
    assert response.status_code == 200
    report = response.context["report"]
    assert isinstance(report, DiagnosticReport)
    return report


def figure(report: DiagnosticReport, fid: str) -> float:
    found = [f for f in report.impact if f.id == fid]
    if not found:
        found = [f for t in report.themes for f in t.figures if f.id == fid]
    assert found and found[0].valeur is not None, fid
    return found[0].valeur


def api_numbers(client: Client) -> tuple[float, float, float]:
    """(co2 net of the diagnostic's scenario, teleworkers of /scenario, its co2 net), from JSON."""
    diag = client.get(f"{API}/diagnostic", {"date": DAY})
    scen = client.get(f"{API}/scenario", {"date": DAY})
    assert diag.status_code == 200 and scen.status_code == 200
    body, scenario = diag.json(), scen.json()
    co2 = next(f["valeur"] for f in body["impact"] if f["id"] == "co2_net")
    return co2, scenario["teletravailleurs"], scenario["total"]["kgco2e_evites_net"] / 1000


def test_open_campaign_of_seven_is_provisional_and_the_scenario_keeps_the_estimate(
    vitre: Territory, residents: SurveyForm, manager: User
) -> None:
    """The review's case: 5 of 7 (71.4 %, 35.9-91.8 %) in an open campaign. Old code: the
    measure replaced the estimate in the team's scenario (1,861 -> 16,070 tCO2e)."""
    open_one = campaign_with(
        vitre, residents, teleworkers=5, others=2, closed=False, title="Enquête en cours"
    )
    choose(vitre, open_one)
    public = page_report(Client())
    team_response = login(manager).get(PAGE, {"date": DAY})
    team = team_response.context["report"]
    html = team_response.content.decode()
    assert [m.indicateur for m in team.mesures_locales] == ["taux_teletravail_estime"]
    measure = team.mesures_locales[0]
    assert measure.valeur == pytest.approx(5 / 7) and not measure.remplace
    assert "campagne en cours" in measure.raisons
    assert "intervalle trop large : ±27,9 points (au plus ±10)" in measure.raisons
    assert "7 répondants (au moins 30)" in measure.raisons
    # side by side: the estimate (no interval, and why) and the provisional, unpublished measure
    (comparison,) = team.comparaisons
    assert comparison.statut == "provisoire" and not comparison.publiee
    assert comparison.estimation_intervalle.startswith("aucun : ")
    assert comparison.mesure == "71,4 %" and "35,9 à 91,8 %" in comparison.mesure_intervalle
    assert "mesure provisoire" in html and "non publiée" in html and "campagne en cours" in html
    # the scenario is the estimate's, for the team as for the public
    assert figure(team, "co2_net") == pytest.approx(figure(public, "co2_net"))
    assert figure(team, "teletravailleurs") == pytest.approx(figure(public, "teletravailleurs"))
    assert "taux estimé" in next(f.libelle for f in team.impact if f.id == "teletravailleurs")
    assert public.mesures_locales == () and public.comparaisons == ()


def test_closed_campaign_with_a_wide_interval_is_still_provisional(
    vitre: Territory, residents: SurveyForm, manager: User
) -> None:
    wide = campaign_with(vitre, residents, teleworkers=10, others=10, closed=True, title="Close")
    choose(vitre, wide)
    team = page_report(login(manager))
    measure = team.mesures_locales[0]
    assert not measure.remplace
    assert "campagne en cours" not in measure.raisons
    assert any(r.startswith("intervalle trop large") for r in measure.raisons)
    assert figure(team, "co2_net") == pytest.approx(figure(page_report(Client()), "co2_net"))


def test_closed_and_narrow_replaces_the_estimate_for_the_team_only_until_published(
    vitre: Territory, residents: SurveyForm, manager: User
) -> None:
    narrow = campaign_with(vitre, residents, teleworkers=40, others=60, closed=True, title="Ref")
    choose(vitre, narrow)
    team_client, anonymous = login(manager), Client()
    team = page_report(team_client)
    measure = team.mesures_locales[0]
    assert measure.remplace and measure.raisons == () and not measure.publiee
    assert measure.ic_haut is not None and measure.ic_bas is not None
    assert (measure.ic_haut - measure.ic_bas) / 2 <= measure_rule.MAX_HALF_WIDTH_SHARE
    public = page_report(anonymous)
    rate = figure(public, "taux_teletravail_estime") / 100
    assert rate != pytest.approx(0.4)
    # the team's scenario uses the measured 40 %, the public's the estimate
    assert figure(team, "teletravailleurs") == pytest.approx(
        figure(public, "teletravailleurs") / rate * 0.4, rel=1e-6
    )
    assert figure(team, "co2_net") != pytest.approx(figure(public, "co2_net"))
    # not published: the anonymous visitor and the API see the estimate, no measure
    assert public.mesures_locales == ()
    api_co2, api_teleworkers, api_scenario_co2 = api_numbers(anonymous)
    assert api_co2 == pytest.approx(figure(public, "co2_net"))
    assert api_teleworkers == pytest.approx(figure(public, "teletravailleurs"))
    assert api_scenario_co2 == pytest.approx(figure(public, "co2_net"))
    assert anonymous.get(f"{API}/diagnostic", {"date": DAY}).json()["mesures_locales"] == []


def test_published_measure_gives_the_same_figures_to_everyone(
    vitre: Territory, residents: SurveyForm, manager: User
) -> None:
    narrow = campaign_with(vitre, residents, teleworkers=40, others=60, closed=True, title="Ref")
    choose(vitre, narrow)
    team_client, anonymous = login(manager, csrf=False), Client()
    published = team_client.post(f"/enquetes/{KIND}/{CODE}/publication/", {"publier": "1"})
    assert published.status_code == 302
    team, public = page_report(team_client), page_report(anonymous)
    for fid in ("co2_net", "teletravailleurs", "co2_brut", "taux_teletravail_mesure"):
        assert figure(team, fid) == pytest.approx(figure(public, fid)), fid
    assert public.mesures_locales[0].publiee and public.mesures_locales[0].remplace
    assert figure(public, "teletravailleurs") / figure(public, "taux_teletravail_mesure") * 100 > 0
    api_co2, api_teleworkers, api_scenario_co2 = api_numbers(anonymous)
    assert api_co2 == pytest.approx(figure(team, "co2_net"))
    assert api_teleworkers == pytest.approx(figure(team, "teletravailleurs"))
    assert api_scenario_co2 == pytest.approx(figure(team, "co2_net"))
    body = anonymous.get(f"{API}/diagnostic", {"date": DAY}).json()
    assert body["mesures_locales"][0]["valeur"] == pytest.approx(0.4)
    assert body["mesures_locales"][0]["url"] is None  # the campaign's page is the team's
    assert body["comparaisons"][0]["statut"] == "remplace"
    html = anonymous.get(PAGE, {"date": DAY}).content.decode()
    assert "la mesure remplace l'estimation" in html and "non publiée" not in html
    # a caller's own rate still overrides the published measure in /scenario
    own = anonymous.get(f"{API}/scenario", {"date": DAY, "taux_teletravail": 10}).json()
    assert own["hypotheses"]["taux_teletravail"] == pytest.approx(0.1)
    # the change is in the history, with who made it
    history = SurveyReference.objects.get(territory=vitre).history.order_by("-history_date")
    assert history[0].published and history[0].history_user == manager
    # withdrawn: the public sees the estimate again
    team_client.post(f"/enquetes/{KIND}/{CODE}/publication/", {"publier": "0"})
    assert page_report(Client()).mesures_locales == ()


def test_an_older_reference_campaign_is_not_overridden_by_a_newer_one(
    vitre: Territory, residents: SurveyForm, manager: User
) -> None:
    """Old code: the campaign with the latest closing date was used, whatever the team chose."""
    older = campaign_with(
        vitre,
        residents,
        teleworkers=9,
        others=12,
        closed=True,
        title="Enquête 2025 (21 réponses)",
        opens=today() - timedelta(days=400),
    )
    campaign_with(vitre, residents, teleworkers=5, others=2, closed=False, title="Enquête 2026")
    client = login(manager)
    chosen = client.post(f"/enquetes/{KIND}/{CODE}/reference/", {"campagne": str(older.pk)})
    assert chosen.status_code == 302
    team = page_report(client)
    measure = team.mesures_locales[0]
    assert measure.campagne == "Enquête 2025 (21 réponses)"
    assert measure.effectif == 21 and measure.valeur == pytest.approx(9 / 21)


@pytest.mark.parametrize("who", ["member", "reader", "other_manager", "anonymous"])
def test_only_a_manager_of_the_territory_sets_the_reference_or_publishes(
    vitre: Territory, residents: SurveyForm, request: pytest.FixtureRequest, who: str
) -> None:
    campaign = campaign_with(vitre, residents, teleworkers=40, others=60, closed=True, title="R")
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = login(user)
    refused = client.post(f"/enquetes/{KIND}/{CODE}/reference/", {"campagne": str(campaign.pk)})
    assert refused.status_code == (302 if user is None else 403)
    assert not SurveyReference.objects.exists()
    choose(vitre, campaign)
    client.post(f"/enquetes/{KIND}/{CODE}/publication/", {"publier": "1"})
    assert not SurveyReference.objects.get(territory=vitre).published
    assert page_report(Client()).mesures_locales == ()


def test_manager_choices_are_checked(
    vitre: Territory, sens: Territory, residents: SurveyForm, manager: User
) -> None:
    elsewhere = campaign_with(sens, residents, teleworkers=40, others=60, closed=True, title="S")
    client = login(manager)
    page = client.post(
        f"/enquetes/{KIND}/{CODE}/reference/", {"campagne": str(elsewhere.pk)}, follow=True
    )
    assert "inconnue pour ce territoire" in page.content.decode()
    assert not SurveyReference.objects.exists()
    nothing = client.post(f"/enquetes/{KIND}/{CODE}/publication/", {"publier": "1"}, follow=True)
    assert "Choisissez d&#x27;abord la campagne de référence" in nothing.content.decode()
    bad = client.post(f"/enquetes/{KIND}/{CODE}/publication/", {"publier": "oui"}, follow=True)
    assert "Choix de publication invalide" in bad.content.decode()
    # a new reference is not published, even if the previous one was
    mine = campaign_with(vitre, residents, teleworkers=40, others=60, closed=True, title="A")
    other = campaign_with(vitre, residents, teleworkers=30, others=70, closed=True, title="B")
    choose(vitre, mine, published=True)
    client.post(f"/enquetes/{KIND}/{CODE}/reference/", {"campagne": str(other.pk)})
    ref = SurveyReference.objects.get(territory=vitre)
    assert ref.campaign == other and not ref.published


def test_dashboard_menu_link_copy_button_and_qr_code(
    vitre: Territory, residents: SurveyForm, manager: User, reader: User
) -> None:
    campaign = campaign_with(vitre, residents, teleworkers=5, others=2, closed=False, title="C")
    choose(vitre, campaign)
    client = login(manager)
    index = client.get("/enquetes/")
    assert (
        index.status_code == 302
        and index["Location"] == f"/enquetes/{KIND}/{CODE}/tableau-de-bord/"
    )
    page = client.get(index["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="/enquetes/"' in html and ">Enquêtes</a>" in html  # the menu entry
    assert f"http://testserver/enquetes/r/{campaign.token}/" in html
    assert 'data-copier="lien-' in html and "surveys/tableau.js" in html
    assert (
        '<svg width="' in html
        and "Code QR du lien public" in html
        and "style=" not in (html.split('<svg width="', 1)[1].split("</svg>", 1)[0])
    )
    assert "en cours" in html and "7 réponses" in html
    assert "mesure non publiée" in html and "Publier la mesure" in html
    assert "provisoire" in html and "campagne en cours" in html
    # a reader sees the dashboard but not the manager's forms
    read = login(reader).get(f"/enquetes/{KIND}/{CODE}/tableau-de-bord/").content.decode()
    assert "Publier la mesure" not in read and "Campagne de référence" in read
    # no menu entry for a signed-in user without a team, nor for visitors
    loner = User.objects.create_user("seul")
    assert ">Enquêtes</a>" not in login(loner).get("/").content.decode()
    assert ">Enquêtes</a>" not in Client().get("/").content.decode()


def test_dashboard_offers_no_public_link_for_a_closed_campaign(
    vitre: Territory, residents: SurveyForm, manager: User
) -> None:
    """A closed campaign's link accepts no answer: the dashboard said « Lien public à
    diffuser » with a QR code all the same. Counts agree (« 1 réponse », not « 1 réponses »)."""
    closed = campaign_with(vitre, residents, teleworkers=1, others=0, closed=True, title="Close")
    html = login(manager).get(f"/enquetes/{KIND}/{CODE}/tableau-de-bord/").content.decode()
    assert "Campagne close : son lien public n'accepte plus de réponse." in html
    assert f"/enquetes/r/{closed.token}/" not in html and "Code QR du lien public" not in html
    assert "1 réponse" in html and "1 réponses" not in html
