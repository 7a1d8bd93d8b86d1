"""Small forms for the analysis, export and Kobo tests, written as XLSForm rows.

``residents_xlsx()`` writes a residents-like XLSForm (the contract's fixed names, a group, a
repeat) with openpyxl; ``residents_form()`` loads it with the engine's ``load_xlsform``.
"""

from __future__ import annotations

import io
from functools import cache

from openpyxl import Workbook

from teletravail.surveys.form import Form
from teletravail.surveys.xlsform import load_xlsform

SURVEY_HEADER = ("type", "name", "label", "relevant", "theme", "donnee_personnelle")
SURVEY = [
    ("text", "commune_residence", "Commune de résidence", "", "", ""),
    ("select_one situation", "situation", "Situation professionnelle", "", "", ""),
    ("select_one profession", "profession", "Profession", "", "", ""),
    ("begin_group", "pratique", "Pratique du télétravail", "", "", ""),
    ("select_one teletravail", "teletravail", "Télétravaillez-vous ?", "", "", ""),
    (
        "decimal",
        "jours_teletravail",
        "Jours de télétravail par semaine",
        "${teletravail} != 'non'",
        "",
        "",
    ),
    (
        "select_multiple lieux or_other",
        "lieux_teletravail",
        "Lieux de télétravail",
        "${teletravail} != 'non'",
        "",
        "",
    ),
    ("end_group", "", "", "", "", ""),
    ("decimal", "distance_km", "Distance domicile-travail (km, aller)", "", "", ""),
    ("select_one mode", "mode_transport", "Mode de transport", "", "", ""),
    ("select_one oui_non", "demenagement_recent", "Installé depuis moins de 5 ans ?", "", "", ""),
    (
        "select_one role",
        "role_teletravail_demenagement",
        "Rôle du télétravail dans le déménagement",
        "${demenagement_recent} = 'oui'",
        "",
        "",
    ),
    ("select_multiple besoins", "besoins", "Besoins", "", "", ""),
    ("begin_repeat", "enfants", "Enfants", "", "", ""),
    ("integer", "age_enfant", "Âge de l'enfant", "", "", ""),
    ("select_one oui_non", "garde", "Mode de garde ?", "", "", ""),
    ("end_repeat", "", "", "", "", ""),
    ("decimal", "poids", "Poids de redressement", "", "", ""),
    ("text", "souhaits", "Vos souhaits", "", "vie_locale", ""),
]
CHOICES = {
    "situation": [
        "salarie_prive",
        "salarie_public",
        "independant",
        "recherche_emploi",
        "retraite",
        "etudiant",
        "autre",
    ],
    "profession": [
        "agriculteur",
        "artisan_commercant",
        "cadre",
        "intermediaire",
        "employe",
        "ouvrier",
        "autre",
    ],
    "teletravail": ["regulier", "occasionnel", "non"],
    "lieux": ["domicile", "tiers_lieu", "residence_secondaire", "famille_amis", "transport"],
    "mode": [
        "voiture_thermique",
        "voiture_electrique",
        "covoiturage",
        "train",
        "car_bus",
        "velo",
        "marche",
        "deux_roues",
        "autre",
    ],
    "oui_non": ["oui", "non"],
    "role": ["determinant", "contributif", "aucun"],
    "besoins": [
        "espace_travail",
        "tres_haut_debit",
        "piece_logement",
        "garde_enfants",
        "services_proximite",
        "tiers_lieu",
        "transports",
    ],
}
LABELS = {
    "domicile": "Domicile",
    "tiers_lieu": "Tiers-lieu",
    "oui": "Oui",
    "non": "Non",
    "regulier": "Régulier",
    "occasionnel": "Occasionnel",
}


def residents_xlsx() -> bytes:
    """The residents-like XLSForm as .xlsx bytes."""
    wb = Workbook()
    survey = wb.active
    assert survey is not None
    survey.title = "survey"
    survey.append(SURVEY_HEADER)
    for row in SURVEY:
        survey.append(row)
    choices = wb.create_sheet("choices")
    choices.append(("list_name", "name", "label"))
    for list_name, names in CHOICES.items():
        for name in names:
            choices.append((list_name, name, LABELS.get(name, name.replace("_", " ").capitalize())))
    settings = wb.create_sheet("settings")
    settings.append(("form_id", "form_title", "version"))
    settings.append(("residents_test", "Habitants (test)", "1"))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@cache
def residents_form() -> Form:
    """The residents-like form, loaded by the engine."""
    return load_xlsform(residents_xlsx(), "residents_test.xlsx")
