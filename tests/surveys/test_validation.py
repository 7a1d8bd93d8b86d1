"""check_submission on the complete fixture: relevance, calculations, repeats, choices, errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from teletravail.surveys.form import Form
from teletravail.surveys.instance import initial_answers
from teletravail.surveys.validation import check_submission
from teletravail.surveys.xlsform import load_xlsform

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
TODAY = date(2025, 3, 1)


@pytest.fixture(scope="module")
def form() -> Form:
    return load_xlsform((FORMS / "complet.md").read_bytes(), "complet.md")


def valid() -> dict[str, Any]:
    return {
        "accord": "OK",
        "nom": "Camille",
        "age": 40,
        "region": "occitanie",
        "departement": "tarn",
        "teletravail": "oui",
        "pratique": {
            "jours": 2.5,
            "lieux": ["domicile", "other"],
            "lieux_other": "Café",
            "satisfaction": 7,
        },
        "date_arrivee": "2020-09-01",
        "heure_depart": "08:15",
        "rendez_vous": "2025-03-02T10:00",
        "nb_lieux": 2,
        "lieux_freq": [{"lieu_nom": "Mairie", "visites": 4}, {"lieu_nom": "Gare"}],
        "commentaire": "RAS",
    }


def messages(checked: Any) -> dict[str, str]:
    return {e.key: e.message for e in checked.errors}


def test_valid_submission(form: Form) -> None:
    checked = check_submission(form, valid(), today=TODAY)
    assert checked.ok, checked.errors
    data = checked.data
    assert data["pratique"]["lieux_other"] == "Café"
    assert data["heures"] == "17.5"
    assert [item.get("rang") for item in data["lieux_freq"]] == ["1", "2"]
    assert data["lieux_freq"][1] == {"lieu_nom": "Gare", "rang": "2"}
    assert checked.values["pratique/jours"] == 2.5
    assert checked.relevant["lieux_freq[2]/visites"] is True


def test_relevance_drops_answers(form: Form) -> None:
    answers = valid() | {"teletravail": "non"}
    checked = check_submission(form, answers, today=TODAY)
    assert checked.ok
    assert "pratique" not in checked.data
    assert checked.relevant["pratique"] is False and checked.relevant["pratique/jours"] is False
    assert checked.data["heures"] == "0"
    young = valid() | {"age": 16}
    checked = check_submission(form, young, today=TODAY)
    assert "teletravail" not in checked.data and "pratique" not in checked.data
    assert checked.ok


def test_or_other_relevance(form: Form) -> None:
    answers = valid()
    answers["pratique"] = {"jours": 1, "lieux": ["domicile"], "lieux_other": "x"}
    checked = check_submission(form, answers, today=TODAY)
    assert "lieux_other" not in checked.data["pratique"]
    assert checked.relevant["pratique/lieux_other"] is False


def test_errors_in_french(form: Form) -> None:
    answers = valid()
    answers.update(date_arrivee="01/09/2020", heure_depart="8h", rendez_vous="demain", accord="")
    answers["pratique"] = {"jours": 7, "lieux": ["domicile", "plage"], "satisfaction": 11}
    found = messages(check_submission(form, answers, today=TODAY))
    assert found == {
        "accord": "Merci de donner votre accord.",
        "pratique/jours": "Entre 0 et 5 jours.",
        "pratique/lieux": "Choix non proposé : « plage ».",
        "pratique/satisfaction": "Saisissez une valeur entre 0 et 10.",
        "date_arrivee": "Date au format AAAA-MM-JJ.",
        "heure_depart": "Heure au format HH:MM.",
        "rendez_vous": "Date et heure au format AAAA-MM-JJTHH:MM.",
    }


def test_type_error_blanks_dependent_relevance(form: Form) -> None:
    checked = check_submission(form, valid() | {"age": "douze"}, today=TODAY)
    assert messages(checked) == {"age": "Saisissez un nombre entier."}
    assert "age" not in checked.data and checked.relevant["teletravail"] is False


def test_required_and_constraint_messages(form: Form) -> None:
    answers = valid()
    del answers["region"]
    answers["age"] = 120
    answers["date_arrivee"] = "2026-01-01"
    found = messages(check_submission(form, answers, today=TODAY))
    assert found["region"] == "Réponse obligatoire."
    assert found["age"] == "L'âge doit être compris entre 15 et 99 ans."
    assert found["date_arrivee"] == "La date ne peut pas être dans le futur."
    answers = valid() | {"commentaire": "x" * 201}
    assert messages(check_submission(form, answers, today=TODAY)) == {
        "commentaire": "200 caractères au plus."
    }


def test_choice_filter(form: Form) -> None:
    answers = valid() | {"departement": "finistere"}
    assert messages(check_submission(form, answers, today=TODAY)) == {
        "departement": "Choix non proposé : « finistere »."
    }
    answers["region"] = "bretagne"
    assert check_submission(form, answers, today=TODAY).ok


def test_repeat_relative_paths_and_count(form: Form) -> None:
    answers = valid()
    answers["lieux_freq"] = [{"visites": 40}, {"lieu_nom": "Gare", "visites": 40}]
    checked = check_submission(form, answers, today=TODAY)
    # instance 1: visites irrelevant (no lieu_nom) so dropped; lieu_nom required
    assert messages(checked) == {
        "lieux_freq[1]/lieu_nom": "Réponse obligatoire.",
        "lieux_freq[2]/visites": "Réponse non valide.",
    }
    assert checked.relevant["lieux_freq[1]/visites"] is False
    # repeat_count: 3 instances asked, 2 given -> the third is checked too
    answers = valid() | {"nb_lieux": 3}
    checked = check_submission(form, answers, today=TODAY)
    assert messages(checked) == {"lieux_freq[3]/lieu_nom": "Réponse obligatoire."}
    # 1 asked, 2 given -> the extra one is dropped
    checked = check_submission(form, valid() | {"nb_lieux": 1}, today=TODAY)
    assert checked.ok and len(checked.data["lieux_freq"]) == 1


def test_defaults_and_metadata(form: Form) -> None:
    initial = initial_answers(form)
    assert initial == {
        "teletravail": "non",
        "pratique": {"lieux": ["domicile"]},
        "source": "web",
        "version_lue": "v1",
    }
    now = datetime(2025, 3, 1, 9, 30)
    checked = check_submission(form, valid() | {"debut": "2025-03-01T09:00:00"}, now=now)
    assert checked.data["debut"] == "2025-03-01T09:00:00"
    assert checked.data["fin"] == "2025-03-01T09:30:00"
    assert checked.data["jour"] == "2025-03-01"


def test_integer_and_decimal_strings(form: Form) -> None:
    answers = valid() | {"age": "41"}
    answers["pratique"] = {"jours": "2,5"}
    checked = check_submission(form, answers, today=TODAY)
    assert checked.ok
    assert checked.data["age"] == 41 and checked.data["pratique"]["jours"] == 2.5
