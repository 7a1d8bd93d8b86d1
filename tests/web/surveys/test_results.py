"""Results page: no count of 1 to 4 people printed, weighting by a numeric question, exports."""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest
from django.contrib.auth.models import User

from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import Campaign, FormSource, SurveyForm
from teletravail.web.surveys.service import store_submission
from tests.web.surveys.conftest import login, make_campaign

pytestmark = pytest.mark.django_db

WEIGHTED_FORM = """| survey |
| | type | name | label | required |
| | select_one situation | situation | Votre situation | yes |
| | select_one teletravail | teletravail | Télétravaillez-vous ? | yes |
| | decimal | poids | Poids de redressement | yes |
| | text | remarque | Remarque | |

| choices |
| | list_name | name | label |
| | situation | salarie_prive | Salarié du privé |
| | situation | retraite | Retraité |
| | teletravail | regulier | Régulièrement |
| | teletravail | occasionnel | Occasionnellement |
| | teletravail | non | Non |

| settings |
| | form_id | form_title | version |
| | pondere | Questionnaire pondéré | 1 |
"""


@pytest.fixture
def weighted(vitre: Territory) -> Campaign:
    data = WEIGHTED_FORM.encode()
    form_obj = SurveyForm.objects.create(
        territory=vitre,
        slug="pondere",
        title="Questionnaire pondéré",
        source=FormSource.IMPORTED,
        xlsform=data,
        filename="pondere.md",
        sha256=hashlib.sha256(data).hexdigest(),
        form_id="pondere",
        version="1",
    )
    campaign = make_campaign(vitre, form_obj)
    # 7 answers: 5 salaried who telework regularly, 2 retired who do not
    for i in range(7):
        store_submission(
            campaign,
            form_obj,
            uuid.uuid4(),
            {
                "situation": "salarie_prive" if i < 5 else "retraite",
                "teletravail": "regulier" if i < 5 else "non",
                "poids": 3.0 if i == 0 else 1.0,
            },
            source="api",
            consent=False,
        )
    return campaign


def _row(html: str, label: str) -> list[str]:
    """The cells of the first table row whose first cell is ``label``."""
    found = re.search(rf"<tr><td>{label}</td>(.*?)</tr>", html, re.S)
    assert found, label
    return re.findall(r"<td>(.*?)</td>", found.group(1), re.S)


def test_small_cells_show_no_count(reader: User, weighted: Campaign) -> None:
    page = login(reader).get(f"/enquetes/{weighted.pk}/resultats/?segment=situation")
    html = page.content.decode()
    assert page.status_code == 200 and "7 réponses analysées" in html
    # "Non": 2 people → no share, no count; "Régulièrement" (5) hidden too, else 7 − 5 = 2
    for label in ("Non", "Régulièrement", "Retraité", "Salarié du privé"):
        value, interval, count = _row(html, label)
        assert value.startswith("masqué") and interval == "" and count == "", label
    assert _row(html, "Occasionnellement")[2] == "0"
    # segments: the retired (2) and, by secondary suppression, the salaried (5)
    assert "Retraité (moins de 5 réponses)" in html
    assert "Salarié du privé (effectif masqué)" in html
    assert "2 réponses" not in html and "n = 2" not in html


def test_weighting_by_a_numeric_question(reader: User, weighted: Campaign) -> None:
    client = login(reader)
    html = client.get(f"/enquetes/{weighted.pk}/resultats/").content.decode()
    assert '<select class="fr-select" id="poids" name="poids">' in html
    assert '<option value="poids">Poids de redressement</option>' in html
    assert "Effectif efficace de Kish" not in html
    html = client.get(f"/enquetes/{weighted.pk}/resultats/?poids=poids").content.decode()
    assert '<option value="poids" selected>' in html
    # weights 3, 1 × 6: n_eff = 9² / (9 + 6) = 5,4
    assert "Effectif efficace de Kish : 5,4 (pour 7 réponses)" in html
    assert "les poids sont les valeurs de la question « Poids de redressement »" in html
    ignored = client.get(f"/enquetes/{weighted.pk}/resultats/?poids=remarque&segment=inconnue")
    text = ignored.content.decode()
    assert ignored.status_code == 200 and "Effectif efficace de Kish" not in text
    assert "fr-alert--error" not in text


def test_exports_are_described(manager: User, reader: User, weighted: Campaign) -> None:
    note = "CSV : questions hors répétitions ; XLSX : une feuille par répétition"
    html = login(manager).get(f"/enquetes/{weighted.pk}/resultats/").content.decode()
    assert note in html
    assert f"/enquetes/{weighted.pk}/formulaires/pondere/reponses.xlsx" in html
    html = login(reader).get(f"/enquetes/{weighted.pk}/resultats/").content.decode()
    assert note in html and "reponses.xlsx" not in html
