"""The four shipped instruments: valid XLSForm, generated .xlsx up to date, contract names,
`analyse` on every question, personal data declared, French labels, qualitative themes."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from pyxform.xls2xform import convert

from teletravail.errors import TeletravailError
from teletravail.surveys.form import Form
from teletravail.surveys.instruments import (
    INSTRUMENTS,
    UnknownInstrumentError,
    instrument,
    instrument_bytes,
    instrument_path,
    instrument_source_path,
)
from teletravail.surveys.instruments.build import (
    GUIDE_PATH,
    InstrumentSourceError,
    build_xlsx,
    main,
    parse_markdown,
    question_table,
    refresh_guide,
    workbook_bytes,
)
from teletravail.surveys.validation import check_submission
from teletravail.surveys.xlsform import load_xlsform

IDS = [i.id for i in INSTRUMENTS]
#: Warnings pyxform may give on our sources: none is expected.
EXPECTED_WARNINGS: dict[str, list[str]] = {i: [] for i in IDS}
#: Survey rows that are not questions (no `analyse` needed).
STRUCTURE = {"begin_group", "end_group", "begin_repeat", "end_repeat", "note", "calculate"}

#: Residents FIXED names (contract): name -> (pyxform type, choice names or None).
RESIDENTS_FIXED: dict[str, tuple[str, set[str] | None]] = {
    "commune_residence": ("text", None),
    "situation": (
        "select one",
        {
            "salarie_prive",
            "salarie_public",
            "independant",
            "recherche_emploi",
            "retraite",
            "etudiant",
            "autre",
        },
    ),
    "profession": (
        "select one",
        {
            "agriculteur",
            "artisan_commercant",
            "cadre",
            "intermediaire",
            "employe",
            "ouvrier",
            "autre",
        },
    ),
    "lieu_employeur": (
        "select one",
        {
            "meme_commune",
            "meme_epci",
            "departement",
            "region",
            "metropole",
            "paris_idf",
            "autre_region",
            "etranger",
        },
    ),
    "teletravail": ("select one", {"regulier", "occasionnel", "non"}),
    "jours_teletravail": ("decimal", None),
    "lieux_teletravail": (
        "select all that apply",
        {"domicile", "tiers_lieu", "residence_secondaire", "famille_amis", "transport", "other"},
    ),
    "distance_km": ("decimal", None),
    "mode_transport": (
        "select one",
        {
            "voiture_thermique",
            "voiture_electrique",
            "covoiturage",
            "train",
            "car_bus",
            "velo",
            "marche",
            "deux_roues",
            "autre",
        },
    ),
    "temps_trajet_min": ("integer", None),
    "distance_avant_km": ("decimal", None),
    "demenagement_recent": ("select one", {"oui", "non"}),
    "annee_emmenagement": ("integer", None),
    "provenance": (
        "select one",
        {
            "meme_departement",
            "metropole",
            "paris_idf",
            "autre_ville_moyenne",
            "rural",
            "etranger",
            "autre",
        },
    ),
    "role_teletravail_demenagement": ("select one", {"determinant", "contributif", "aucun"}),
    "besoins": (
        "select all that apply",
        {
            "espace_travail",
            "tres_haut_debit",
            "piece_logement",
            "garde_enfants",
            "services_proximite",
            "tiers_lieu",
            "transports",
        },
    ),
    "souhaits": ("text", None),
}
#: Fixed names whose type the contract leaves open (they must exist).
RESIDENTS_FIXED_ANY_TYPE = {"depenses_locales", "participation_locale"}

PERSONAL_TYPES = {
    "geopoint",
    "geotrace",
    "geoshape",
    "image",
    "audio",
    "video",
    "file",
    "background-audio",
    "email",
    "phonenumber",
    "deviceid",
    "subscriberid",
    "simserial",
    "username",
    "start-geopoint",
    "barcode",
}
#: Name tokens that reveal personal data (direct or indirect identification).
PERSONAL_TOKENS = {
    "nom",
    "prenom",
    "email",
    "courriel",
    "mail",
    "telephone",
    "tel",
    "portable",
    "adresse",
    "naissance",
    "age",
    "sexe",
    "genre",
    "enfants",
    "revenu",
    "revenus",
    "salaire",
    "handicap",
    "nationalite",
    "gps",
    "photo",
    "signature",
}
#: English words that betray an untranslated label.
ENGLISH_WORDS = {
    "the",
    "please",
    "other",
    "specify",
    "yes",
    "no",
    "select",
    "enter",
    "your",
    "what",
    "how",
    "which",
    "thank",
    "you",
    "and",
    "or",
    "of",
}
THEMES = {"immobilier", "mobilite", "vie_locale", "transition_ecologique", "autre"}


def _md_sheets(instrument_id: str) -> dict[str, list[dict[str, str]]]:
    """The source's sheets as lists of {column: value} rows (empty cells left out)."""
    text = instrument_source_path(instrument_id).read_text(encoding="utf-8")
    out: dict[str, list[dict[str, str]]] = {}
    for name, rows in parse_markdown(text).items():
        header = rows[0]
        out[name] = [
            {h: v for h, v in zip(header, row, strict=False) if h and v is not None}
            for row in rows[1:]
        ]
    return out


def _survey_rows(instrument_id: str) -> list[dict[str, str]]:
    return _md_sheets(instrument_id)["survey"]


def _base_type(row: dict[str, str]) -> str:
    return row["type"].split()[0]


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for child in node.get("children", []):
        found.append(child)
        found.extend(_walk(child))
    return found


@pytest.fixture(scope="module")
def converted() -> dict[str, Any]:
    results = {}
    for instrument_id in IDS:
        warnings: list[str] = []
        result = convert(
            str(instrument_source_path(instrument_id)), warnings=warnings, file_type=".md"
        )
        results[instrument_id] = (result, warnings)
    return results


def _json(converted: dict[str, Any], instrument_id: str) -> dict[str, Any]:
    return converted[instrument_id][0]._pyxform


def _by_name(converted: dict[str, Any], instrument_id: str) -> dict[str, dict[str, Any]]:
    return {n["name"]: n for n in _walk(_json(converted, instrument_id))}


def test_four_instruments_are_shipped() -> None:
    assert IDS == ["residents", "employeurs", "tiers_lieux", "elus_acteurs"]
    for info in INSTRUMENTS:
        assert instrument_source_path(info.id).is_file()
        assert instrument_path(info.id).is_file()
        assert info.title and info.audience and info.description
        assert info.mode in {"auto-administré", "entretien"}
        assert 5 <= info.duration_min <= 120


@pytest.mark.parametrize("instrument_id", IDS)
def test_source_converts_without_unexpected_warning(converted, instrument_id) -> None:
    result, warnings = converted[instrument_id]
    assert warnings == EXPECTED_WARNINGS[instrument_id]
    assert "<h:html" in result.xform


@pytest.mark.parametrize("instrument_id", IDS)
def test_settings(converted, instrument_id) -> None:
    data = _json(converted, instrument_id)
    assert data["id_string"] == instrument_id
    assert data["version"] == "2026.11"
    assert data["title"] == instrument(instrument_id).title
    assert data["default_language"] == "French (fr)"


@pytest.mark.parametrize("instrument_id", IDS)
def test_xlsx_is_up_to_date(converted, instrument_id) -> None:
    md_result = converted[instrument_id][0]
    warnings: list[str] = []
    xlsx_result = convert(instrument_bytes(instrument_id), warnings=warnings, file_type=".xlsx")
    assert warnings == EXPECTED_WARNINGS[instrument_id]
    assert xlsx_result._pyxform == md_result._pyxform, (
        "Régénérez : python -m teletravail.surveys.instruments.build"
    )
    assert xlsx_result.xform == md_result.xform
    # The build is reproducible: a fresh build gives the shipped bytes.
    assert build_xlsx(instrument_id) == instrument_bytes(instrument_id)


def test_build_check_mode_reports_up_to_date(capsys) -> None:
    assert main(["--check"]) == 0
    assert "à jour" in capsys.readouterr().out


@pytest.mark.parametrize("instrument_id", IDS)
def test_interview_guide_tables_are_up_to_date(instrument_id) -> None:
    guide = GUIDE_PATH.read_text(encoding="utf-8")
    assert f"<!-- questions:{instrument_id}:debut -->" in guide
    assert refresh_guide(guide, [instrument_id]) == guide, (
        "Régénérez : python -m teletravail.surveys.instruments.build"
    )
    table = question_table(instrument_id)
    for row in _survey_rows(instrument_id):
        if _base_type(row) not in STRUCTURE:
            assert f"| `{row['name']}` |" in table
    assert "Thème" in table.splitlines()[0] if instrument_id == "elus_acteurs" else True


@pytest.mark.parametrize("instrument_id", IDS)
def test_every_question_has_analyse(instrument_id) -> None:
    missing = [
        row.get("name")
        for row in _survey_rows(instrument_id)
        if _base_type(row) not in STRUCTURE and not row.get("analyse")
    ]
    assert missing == []


@pytest.mark.parametrize("instrument_id", IDS)
def test_personal_data_is_declared(converted, instrument_id) -> None:
    for row in _survey_rows(instrument_id):
        if _base_type(row) in STRUCTURE:
            continue
        tokens = set(row["name"].split("_"))
        personal = _base_type(row) in PERSONAL_TYPES or bool(tokens & PERSONAL_TOKENS)
        if personal:
            assert row.get("donnee_personnelle"), row["name"]
    # No question type that collects identifying data at all.
    types = {n.get("type") for n in _walk(_json(converted, instrument_id))}
    assert not types & PERSONAL_TYPES


def _french_texts(instrument_id: str) -> list[tuple[str, str]]:
    texts = []
    for row in _survey_rows(instrument_id):
        for column in ("label", "hint", "constraint_message", "analyse", "donnee_personnelle"):
            if row.get(column):
                texts.append((f"{row.get('name')}.{column}", row[column]))
    for row in _md_sheets(instrument_id)["choices"]:
        texts.append((f"{row['list_name']}.{row['name']}", row["label"]))
    return texts


@pytest.mark.parametrize("instrument_id", IDS)
def test_labels_are_french(instrument_id) -> None:
    for row in _survey_rows(instrument_id):
        if _base_type(row) not in {"end_group", "end_repeat", "calculate"}:
            assert row.get("label"), f"{row.get('name')} sans libellé"
    for where, text in _french_texts(instrument_id):
        words = set(re.findall(r"[a-z]+", text.lower()))
        english = words & ENGLISH_WORDS
        assert not english, f"{where} : mots anglais {english} dans « {text} »"
    # Choice lists are all labelled, and every list used by a question exists.
    choices = _md_sheets(instrument_id)["choices"]
    lists = {row["list_name"] for row in choices}
    for row in _survey_rows(instrument_id):
        parts = row["type"].split()
        if parts[0] in {"select_one", "select_multiple"}:
            assert parts[1] in lists


@pytest.mark.parametrize("instrument_id", IDS)
def test_questions_are_grouped_by_theme(converted, instrument_id) -> None:
    top = _json(converted, instrument_id)["children"]
    groups = [c for c in top if c["type"] == "group" and c["name"] != "meta"]
    assert len(groups) >= 3
    loose = [c["name"] for c in top if c["type"] not in {"group", "note", "calculate", "repeat"}]
    assert loose == []


def test_residents_fixed_names_and_choices(converted) -> None:
    nodes = _by_name(converted, "residents")
    for name, (kind, choice_names) in RESIDENTS_FIXED.items():
        assert name in nodes, name
        assert nodes[name]["type"] == kind, name
        if choice_names is not None:
            assert {c["name"] for c in nodes[name]["choices"]} == choice_names, name
    for name in RESIDENTS_FIXED_ANY_TYPE:
        assert name in nodes
    # mode_avant uses the same list as mode_transport.
    assert nodes["mode_avant"]["list_name"] == nodes["mode_transport"]["list_name"]
    # lieux_teletravail is an or_other question (pyxform adds the "précisez" text question).
    assert "lieux_teletravail_other" in nodes
    # jours_teletravail: 0–5, only for teleworkers.
    jours = nodes["jours_teletravail"]["bind"]
    assert "teletravail" in jours["relevant"] and "'non'" not in jours["relevant"]
    assert ". >= 0" in jours["constraint"] and ". <= 5" in jours["constraint"]
    # Moving questions depend on demenagement_recent.
    for name in ("annee_emmenagement", "provenance", "role_teletravail_demenagement"):
        assert "${demenagement_recent} = 'oui'" in nodes[name]["bind"]["relevant"]
    # Key questions are required.
    for name in (
        "commune_residence",
        "situation",
        "teletravail",
        "jours_teletravail",
        "distance_km",
        "demenagement_recent",
    ):
        assert nodes[name]["bind"]["required"] == "yes", name


def test_residents_size_repeat_and_choice_filter(converted) -> None:
    rows = _survey_rows("residents")
    questions = [r for r in rows if _base_type(r) not in STRUCTURE]
    assert 35 <= len(questions) <= 50
    nodes = _by_name(converted, "residents")
    repeats = [n for n in nodes.values() if n["type"] == "repeat"]
    assert [r["name"] for r in repeats] == ["autres_lieux_travail"]
    assert len(repeats[0]["children"]) >= 3
    filtered = nodes["provenance_precision"]
    assert filtered["choice_filter"] == "provenance = ${provenance}"
    # Every filtered choice belongs to one provenance value that exists.
    provenances = {c["name"] for c in nodes["provenance"]["choices"]}
    assert all(c["provenance"] in provenances for c in filtered["choices"])
    # Choice names unique within each list (no pyxform duplicate allowance needed).
    for list_name, items in _json(converted, "residents")["choices"].items():
        names = [c["name"] for c in items]
        assert len(names) == len(set(names)), list_name


def test_employeurs_content(converted) -> None:
    nodes = _by_name(converted, "employeurs")
    assert nodes["effectif"]["type"] == "integer"
    assert {c["name"] for c in nodes["cadre_teletravail"]["choices"]} >= {"accord", "charte"}
    for name in (
        "effectif_teletravaillable",
        "jours_autorises",
        "surface_bureaux_m2",
        "flex_office",
        "recrutement_distance",
        "interet_tiers_lieu",
    ):
        assert name in nodes, name
    assert "${effectif}" in nodes["effectif_teletravaillable"]["bind"]["constraint"]


def test_tiers_lieux_content(converted) -> None:
    nodes = _by_name(converted, "tiers_lieux")
    for name in (
        "postes",
        "taux_occupation",
        "profils_usagers",
        "prix_jour",
        "prix_mois",
        "services",
        "porteur",
        "recettes",
        "jours_ouverture",
        "heure_ouverture",
        "heure_fermeture",
    ):
        assert name in nodes, name
    assert nodes["profil_principal"]["choice_filter"] == "selected(${profils_usagers}, name)"
    assert {c["name"] for c in nodes["porteur"]["choices"]} >= {
        "collectivite",
        "association",
        "entreprise",
    }


def test_elus_acteurs_is_qualitative_by_theme(converted) -> None:
    rows = _survey_rows("elus_acteurs")
    texts = [r for r in rows if _base_type(r) == "text"]
    questions = [r for r in rows if _base_type(r) not in STRUCTURE]
    assert len(texts) >= 12 and len(texts) >= 0.6 * len(questions)
    for row in texts:
        assert row.get("theme") in THEMES, row["name"]
    for row in texts:
        if row["name"] != "role_precision":
            assert row.get("appearance") == "multiline", row["name"]
    for row in rows:
        if row.get("theme"):
            assert _base_type(row) == "text", row["name"]
    covered = {r["theme"] for r in texts}
    assert covered >= {"immobilier", "mobilite", "vie_locale", "transition_ecologique"}
    assert _by_name(converted, "elus_acteurs")["role_acteur"]["type"] == "select one"


def test_unknown_instrument_gives_french_error() -> None:
    with pytest.raises(UnknownInstrumentError) as raised:
        instrument_path("habitants")
    assert isinstance(raised.value, TeletravailError)
    assert "« habitants » inconnu" in str(raised.value)
    assert "residents" in str(raised.value)


def test_parse_markdown_sheets_comments_and_escapes() -> None:
    text = "\n".join(
        [
            "# commentaire",
            "| survey |",
            "| | type | name | label |",
            "| |------|------|-------|",
            r"| | text | a | Choix A \| B |",
            "| choices |",
            "| | list_name | name | label |",
        ]
    )
    sheets = parse_markdown(text)
    assert list(sheets) == ["survey", "choices"]
    assert sheets["survey"] == [["type", "name", "label"], ["text", "a", "Choix A | B"]]
    assert sheets["choices"] == [["list_name", "name", "label"]]


def test_parse_markdown_errors_name_the_line() -> None:
    with pytest.raises(InstrumentSourceError, match="ligne 1 : ligne de tableau avant"):
        parse_markdown("| | type | name |", source="x.md")
    with pytest.raises(InstrumentSourceError, match="ligne 3 : la feuille « survey »"):
        parse_markdown("| survey |\n| | type |\n| survey |", source="x.md")


def test_workbook_keeps_strings() -> None:
    sheets = {
        "survey": [["type", "name", "label", "default"], ["integer", "n", "=1+1", "5"]],
        "settings": [["form_id", "version"], ["t", "2026.10"]],
    }
    data = workbook_bytes(sheets)
    assert data == workbook_bytes(sheets)
    result = convert(data, file_type=".xlsx")
    assert result._pyxform["version"] == "2026.10"
    assert result._pyxform["children"][0]["label"] == "=1+1"


@pytest.mark.parametrize("instrument_id", IDS)
def test_engine_imports_each_instrument(instrument_id) -> None:
    form = load_xlsform(instrument_bytes(instrument_id), f"{instrument_id}.xlsx")
    assert form.form_id == instrument_id
    assert form.version == "2026.11"
    from_md = load_xlsform(
        instrument_source_path(instrument_id).read_bytes(), f"{instrument_id}.md"
    )
    assert [q.path for q in from_md.questions()] == [q.path for q in form.questions()]


# --- The instruments run through the engine's server-side validation -------------------------

TODAY = date(2026, 11, 15)


def _form(instrument_id: str) -> Form:
    return load_xlsform(instrument_bytes(instrument_id), f"{instrument_id}.xlsx")


def _residents_answers() -> dict[str, Any]:
    return {
        "profil": {
            "commune_residence": "Vitré",
            "tranche_age": "de_35_44",
            "type_residence": "principale",
            "situation": "salarie_prive",
            "profession": "cadre",
        },
        "travail": {
            "lieu_employeur": "metropole",
            "jours_travailles": 5,
            "teletravail": "regulier",
            "jours_teletravail": 2.5,
            "lieux_teletravail": ["domicile", "tiers_lieu"],
        },
        "trajets": {
            "distance_km": 42,
            "mode_transport": "train",
            "temps_trajet_min": 50,
            "autres_lieux": "oui",
            "autres_lieux_travail": [{"autre_lieu_type": "clients", "autre_lieu_jours_mois": 2}],
        },
        "installation": {
            "demenagement_recent": "oui",
            "annee_emmenagement": 2023,
            "provenance": "paris_idf",
            "provenance_precision": "petite_couronne",
            "role_teletravail_demenagement": "determinant",
            "distance_avant_km": 12,
            "mode_avant": "train",
        },
        "besoins_services": {"besoins": ["tiers_lieu", "transports"]},
        "vie_locale": {
            "depenses_locales": ["marche"],
            "souhaits": "Un tiers-lieu près de la gare.",
        },
    }


def _messages(checked: Any) -> dict[str, str]:
    return {e.key: e.message for e in checked.errors}


def test_residents_valid_submission_passes() -> None:
    checked = check_submission(_form("residents"), _residents_answers(), today=TODAY)
    assert checked.errors == ()
    assert checked.data["trajets"]["autres_lieux_travail"][0]["autre_lieu_type"] == "clients"


def test_residents_constraints_and_choice_filter() -> None:
    answers = _residents_answers()
    answers["travail"]["jours_teletravail"] = 6
    answers["installation"]["annee_emmenagement"] = 2012
    answers["installation"]["provenance"] = "rural"  # petite_couronne is a paris_idf detail
    answers["vie_locale"]["depenses_locales"] = ["marche", "aucune"]
    errors = _messages(check_submission(_form("residents"), answers, today=TODAY))
    assert set(errors) == {
        "travail/jours_teletravail",
        "installation/annee_emmenagement",
        "installation/provenance_precision",
        "vie_locale/depenses_locales",
    }
    assert errors["travail/jours_teletravail"].startswith(
        "Indiquez un nombre de jours entre 0 et 5"
    )
    answers = _residents_answers()
    answers["travail"]["jours_teletravail"] = 1.3  # half days only
    errors = _messages(check_submission(_form("residents"), answers, today=TODAY))
    assert list(errors) == ["travail/jours_teletravail"]


def test_residents_skip_logic_for_a_retired_resident() -> None:
    answers = {
        "profil": {
            "commune_residence": "Sens",
            "type_residence": "principale",
            "situation": "retraite",
        },
        "installation": {"demenagement_recent": "non"},
        "travail": {"teletravail": "regulier"},
    }
    checked = check_submission(_form("residents"), answers, today=TODAY)
    assert checked.errors == ()
    assert checked.relevant["travail/teletravail"] is False
    assert checked.relevant["installation/provenance"] is False
    assert "travail" not in checked.data or "teletravail" not in checked.data["travail"]


def test_employeurs_constraints_and_calculate() -> None:
    answers = {
        "etablissement": {
            "commune_etablissement": "Sens",
            "statut_employeur": "prive",
            "secteur_activite": "industrie",
            "effectif": 50,
        },
        "pratiques": {
            "effectif_teletravaillable": 60,
            "effectif_teletravailleurs": 10,
            "cadre_teletravail": "accord",
            "jours_autorises": 2,
        },
        "immobilier": {"flex_office": "non", "surface_bureaux_m2": 800, "postes_travail": 40},
        "recrutement": {"recrutement_distance": "non"},
        "espaces_partages": {"interet_tiers_lieu": "interesse"},
    }
    checked = check_submission(_form("employeurs"), answers, today=TODAY)
    assert list(_messages(checked)) == ["pratiques/effectif_teletravaillable"]
    assert float(checked.values["immobilier/postes_par_salarie"]) == pytest.approx(0.8)


def test_tiers_lieux_profile_filter_and_hours() -> None:
    answers = {
        "lieu": {
            "appellation_lieu": "La Fabrique",
            "commune_lieu": "Vitré",
            "porteur": "association",
        },
        "capacite": {
            "postes": 20,
            "taux_occupation": 45,
            "profils_usagers": ["independants", "salaries_teletravail"],
            "profil_principal": "etudiants",
        },
        "services_horaires": {"jours_ouverture": 5, "heure_ouverture": 9, "heure_fermeture": 8},
        "modele": {"recettes": ["location_postes"]},
    }
    errors = _messages(check_submission(_form("tiers_lieux"), answers, today=TODAY))
    assert set(errors) == {"capacite/profil_principal", "services_horaires/heure_fermeture"}
    answers["capacite"]["profil_principal"] = "independants"
    answers["services_horaires"]["heure_fermeture"] = 19
    assert check_submission(_form("tiers_lieux"), answers, today=TODAY).errors == ()


def test_elus_acteurs_role_precision_and_two_themes() -> None:
    answers = {
        "acteur": {"role_acteur": "autre"},
        "perception": {
            "perception_ampleur": "un_peu",
            "themes_prioritaires": ["immobilier", "mobilite", "vie_locale"],
        },
    }
    errors = _messages(check_submission(_form("elus_acteurs"), answers, today=TODAY))
    assert set(errors) == {"acteur/role_precision", "perception/themes_prioritaires"}
