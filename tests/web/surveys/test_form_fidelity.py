"""The rendered survey form follows the engine: hidden groups, repeats and questions, filtered
choices, labels showing answers, the live endpoint, and the path without JavaScript (server-side
re-render on submit and on Ajouter/Retirer)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from teletravail.surveys.instruments import instrument_bytes
from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import Campaign, FormSource, Submission, SurveyForm
from tests.web.surveys.conftest import make_campaign, make_form

pytestmark = pytest.mark.django_db
UUID = "6d1f0b52-7c57-4e0e-8d5a-0f0f3c1d2e44"


def _residents() -> SurveyForm:
    data = instrument_bytes("residents")
    return SurveyForm.objects.create(
        territory=None,
        slug="residents",
        title="Habitants et télétravailleurs",
        source=FormSource.SHIPPED,
        xlsform=data,
        filename="residents.xlsx",
        sha256=hashlib.sha256(data).hexdigest(),
        form_id="residents",
        version="1",
    )


def _client(campaign: Campaign) -> Client:
    client = Client()
    client.post(f"/enquetes/r/{campaign.token}/", {"consentement": "1"})
    return client


def _tag(html: str, key: str) -> str:
    """The opening tag of the element drawn for flat key ``key``."""
    found = re.search(r"<[^<>]*\bdata-key=\"" + re.escape(key) + r"\"[^<>]*>", html)
    assert found, key
    return found.group(0)


def _hidden(html: str, key: str) -> bool:
    return re.search(r"\shidden(\s|>|=)", _tag(html, key)) is not None


def _choice(html: str, key: str, value: str) -> str:
    """The HTML of one choice (wrapper and input) of the radios/checkboxes of ``key``."""
    start = html.index(_tag(html, key))
    found = re.search(
        r"<div class=\"fr-fieldset__element\" data-choice=\""
        + re.escape(value)
        + r"\"[^>]*>.*?</div>\s*</div>",
        html[start:],
        re.S,
    )
    assert found, (key, value)
    return found.group(0)


@pytest.fixture
def residents(vitre: Territory) -> Campaign:
    return make_campaign(vitre, _residents())


@pytest.fixture
def fidelite(vitre: Territory) -> Campaign:
    return make_campaign(vitre, make_form(vitre, "fidelite.md", "fidelite"))


def test_residents_empty_form_hides_what_is_not_relevant(residents: Campaign) -> None:
    client = _client(residents)
    html = client.get(f"/enquetes/r/{residents.token}/residents/").content.decode()
    assert "surveys/formulaire.css" in html  # [hidden] wins over the DSFR display rules
    assert not _hidden(html, "profil/situation")
    for key in (
        "travail",
        "trajets",
        "trajets/conditions_changement_mode",
        "trajets/autres_lieux_travail",
        "installation/provenance_precision",
    ):
        assert _hidden(html, key), key
    # The form's default (5 working days) is pre-filled, as ODK Collect does.
    assert re.search(r'name="travail/jours_travailles" value="5"', html)


def test_residents_error_page_hides_car_question_and_repeat(residents: Campaign) -> None:
    client = _client(residents)
    post = {
        "_uuid": UUID,
        "profil/situation": "salarie_prive",
        "travail/teletravail": "regulier",
        "travail/jours_teletravail": "7",
        "trajets/distance_km": "38",
        "trajets/mode_transport": "train",
        "_n:trajets/autres_lieux_travail": "1",
        "_action": "envoyer",
    }
    html = client.post(f"/enquetes/r/{residents.token}/residents/", post).content.decode()
    assert Submission.objects.count() == 0
    assert "Indiquez un nombre de jours entre 0 et 5" in html
    assert not _hidden(html, "trajets") and not _hidden(html, "trajets/mode_transport")
    assert _hidden(html, "trajets/conditions_changement_mode")
    # The whole repeat (title, instance, Ajouter button) is inside the hidden fieldset.
    tag = _tag(html, "trajets/autres_lieux_travail")
    assert _hidden(html, "trajets/autres_lieux_travail")
    block = html[html.index(tag) : html.index("</fieldset>", html.index("Ajouter : Autre lieu"))]
    assert "Ajouter : Autre lieu" in block and "autres_lieux_travail[1]/autre_lieu_type" in block
    # The error message sits next to its field and the summary links to it.
    assert 'href="#q-travail-jours_teletravail"' in html
    assert re.search(
        r'id="q-travail-jours_teletravail"[^>]*aria-describedby="q-travail-jours_teletravail-erreur"',
        html,
    )
    assert 'id="q-travail-jours_teletravail-erreur"' in html

    post["trajets/autres_lieux"] = "oui"
    html = client.post(f"/enquetes/r/{residents.token}/residents/", post).content.decode()
    assert not _hidden(html, "trajets/autres_lieux_travail")


def test_residents_provenance_precision_filtered_on_the_page(residents: Campaign) -> None:
    client = _client(residents)
    post = {
        "_uuid": UUID,
        "installation/demenagement_recent": "oui",
        "installation/provenance": "metropole",
        "installation/provenance_precision": "paris",  # not offered for « metropole »
        "_action": "envoyer",
    }
    html = client.post(f"/enquetes/r/{residents.token}/residents/", post).content.decode()
    key = "installation/provenance_precision"
    assert not _hidden(html, key)
    assert 'data-choix="filtre"' in html
    assert '<option value="metro_centre">' in html  # 13 choices: a drop-down list
    # A choice that is not offered is hidden, disabled and never drawn selected.
    assert '<option value="paris" hidden disabled>' in html
    assert "Choix non proposé : « paris »." in html


def test_live_endpoint_returns_relevance_choices_and_labels(fidelite: Campaign) -> None:
    client = _client(fidelite)
    url = f"/enquetes/r/{fidelite.token}/fidelite/evaluer/"
    post = {
        "autres": "oui",
        "_n:lieux": "2",
        "lieux[1]/nom_lieu": "Rennes",
        "lieux[2]/nom_lieu": "Vitré",
        "region": "occitanie",
    }
    state = client.post(url, post).json()
    assert state["relevant"]["lieux"] is True and state["relevant"]["detail"] is False
    assert state["choices"] == {
        "lieu_prefere": ["Rennes", "Vitré"],
        "departement": ["tarn", "aude"],
    }
    assert state["labels"]["lieux[2]/jours_lieu"] == "Combien de jours par mois à Vitré ?"
    assert state["labels"]["departement"] == "Votre département en occitanie"
    post["autres"] = "non"
    state = client.post(url, post).json()
    assert state["relevant"]["lieux"] is False and "lieu_prefere" not in state["choices"]


def test_page_draws_filtered_and_repeat_choices(fidelite: Campaign) -> None:
    client = _client(fidelite)
    url = f"/enquetes/r/{fidelite.token}/fidelite/"
    html = client.get(url).content.decode()
    assert _hidden(html, "lieux") and _hidden(html, "departement")
    assert "Aucun choix pour l'instant" in html
    post = {
        "_uuid": UUID,
        "autres": "oui",
        "_n:lieux": "2",
        "lieux[1]/nom_lieu": "Rennes",
        "lieux[2]/nom_lieu": "Vitré",
        "lieu_prefere": "Vitré",
        "region": "bretagne",
        "_action": "envoyer",
    }
    html = client.post(url, post).content.decode()
    assert 'data-choix="repetition"' in _tag(html, "lieu_prefere")
    assert 'value="Vitré" checked' in _choice(html, "lieu_prefere", "Vitré")
    assert "disabled" not in _choice(html, "departement", "finistere")
    assert "disabled" in _choice(html, "departement", "tarn")
    assert "Combien de jours par mois à Rennes ?" in html
    assert 'data-label="lieux[2]/jours_lieu">Combien de jours par mois à Vitré ?' in html


def test_repeats_and_sending_without_javascript(fidelite: Campaign) -> None:
    client = _client(fidelite)
    url = f"/enquetes/r/{fidelite.token}/fidelite/"
    post: dict[str, object] = {
        "_uuid": UUID,
        "autres": "oui",
        "_n:lieux": "1",
        "lieux[1]/nom_lieu": "Rennes",
        "region": "bretagne",
        "mode": "voiture",
        "_action": "ajouter:lieux",
    }
    html = client.post(url, post).content.decode()
    assert 'name="_n:lieux" value="2"' in html and 'name="lieux[2]/nom_lieu"' in html
    assert 'name="lieux[1]/nom_lieu" value="Rennes"' in html
    assert not _hidden(html, "detail")  # relevance re-rendered by the server
    assert "Le formulaire contient" not in html  # adding an instance checks nothing
    post.update({"_n:lieux": "2", "lieux[2]/nom_lieu": "Vitré", "_action": "retirer:lieux[1]"})
    html = client.post(url, post).content.decode()
    assert 'name="_n:lieux" value="1"' in html
    assert 'name="lieux[1]/nom_lieu" value="Vitré"' in html and "lieux[2]/" not in html
    # Sending: the missing kilometres are reported, then the corrected answers are stored.
    post.update({"_n:lieux": "1", "lieux[1]/nom_lieu": "Vitré", "_action": "envoyer"})
    del post["lieux[2]/nom_lieu"]
    html = client.post(url, post).content.decode()
    assert "Le formulaire contient 1 erreur" in html and 'href="#q-detail-km"' in html
    post["detail/km"] = "12,5"
    post["departement"] = "tarn"  # not offered for Bretagne
    html = client.post(url, post).content.decode()
    assert "Choix non proposé : « tarn »." in html and 'href="#q-departement-1"' in html
    post["departement"] = "finistere"
    sent = client.post(url, post)
    assert "code-recu" in sent.content.decode()
    stored = Submission.objects.get()
    assert stored.data["lieux"] == [{"nom_lieu": "Vitré"}]
    assert stored.data["detail"] == {"km": 12.5} and stored.data["departement"] == "finistere"
