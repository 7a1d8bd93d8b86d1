"""Import of KoboToolbox exports (CSV and XLSX, "XML values and headers")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from teletravail.surveys.exports import export_xlsx
from teletravail.surveys.kobo import ImportFileError, read_kobo_export
from tests.surveys.analysis_forms import residents_form

KOBO = Path(__file__).parents[1] / "fixtures" / "kobo"


def read(name: str) -> bytes:
    return (KOBO / name).read_bytes()


def test_csv_semicolon_with_groups_and_metadata() -> None:
    subs = read_kobo_export(residents_form(), read("residents_kobo.csv"), "residents_kobo.csv")
    assert [s.uuid for s in subs] == [
        "0b6a1c2e-1111-4c3d-9e8f-000000000001",
        "0b6a1c2e-1111-4c3d-9e8f-000000000002",
    ]
    assert subs[0].submitted_at == datetime(2026, 3, 1, 8, 10, 5, tzinfo=UTC)
    assert subs[0].data == {
        "commune_residence": "Vitré",
        "situation": "salarie_prive",
        "profession": "cadre",
        "pratique": {
            "teletravail": "regulier",
            "jours_teletravail": 2.5,
            "lieux_teletravail": ["domicile", "tiers_lieu"],
        },
        "distance_km": 30.0,
        "mode_transport": "voiture_thermique",
        "demenagement_recent": "oui",
        "role_teletravail_demenagement": "determinant",
        "besoins": ["espace_travail", "tres_haut_debit"],
        "poids": 1.0,
        "souhaits": "Un tiers-lieu à la gare",
    }
    assert subs[1].data == {
        "commune_residence": "Balazé",
        "situation": "retraite",
        "demenagement_recent": "non",
        "poids": 2.0,
    }


def test_csv_comma_without_group_names() -> None:
    subs = read_kobo_export(residents_form(), read("residents_kobo_virgule.csv"), "export.csv")
    assert subs[0].data == {
        "commune_residence": "Vitré",
        "situation": "salarie_public",
        "pratique": {
            "teletravail": "occasionnel",
            "jours_teletravail": 1.0,
            "lieux_teletravail": ["domicile"],
        },
        "distance_km": 12.5,
    }
    assert subs[1].uuid == "aaaa-0002" and subs[1].data["distance_km"] == 4.0


def test_xlsx_repeats_joined() -> None:
    subs = read_kobo_export(residents_form(), read("residents_kobo.xlsx"), "export.xlsx")
    assert [s.uuid for s in subs] == ["dddd-0001", "dddd-0002"]
    assert subs[0].data["pratique"] == {"teletravail": "regulier", "jours_teletravail": 2.0}
    assert subs[0].data["besoins"] == ["espace_travail"]
    assert subs[0].data["enfants"] == [{"age_enfant": 3, "garde": "oui"}, {"age_enfant": 7}]
    assert subs[1].data["enfants"] == [{"age_enfant": 12, "garde": "non"}]
    assert "besoins" not in subs[1].data


def test_labels_refused_with_reexport_hint() -> None:
    with pytest.raises(ImportFileError) as info:
        read_kobo_export(residents_form(), read("residents_kobo_libelles.csv"), "libelles.csv")
    assert "Valeurs et en-têtes XML" in str(info.value)
    assert info.value.line == 1


def test_bad_value_names_line_and_column() -> None:
    with pytest.raises(ImportFileError) as info:
        read_kobo_export(residents_form(), read("residents_kobo_mauvais.csv"), "mauvais.csv")
    assert (info.value.line, info.value.column) == (3, "distance_km")
    assert str(info.value) == (
        "Fichier « mauvais.csv », ligne 3, colonne « distance_km » : "
        "« trente » n'est pas un nombre."
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("situation;_uuid\nfonctionnaire;x1\n", 2, "situation", "n'est pas un nom de choix"),
        ("situation;_uuid\nretraite;x1\nretraite;x1\n", 3, "_uuid", "en double"),
        ("situation;_uuid\nretraite;\n", 2, "_uuid", "identifiant"),
        (
            "situation;_uuid;_submission_time\nretraite;x1;hier\n",
            2,
            "_submission_time",
            "illisible",
        ),
        ("situation\nretraite\n", 1, None, "_uuid"),
    ],
)
def test_errors(text: str, line: int, column: str | None, words: str) -> None:
    with pytest.raises(ImportFileError) as info:
        read_kobo_export(residents_form(), text.encode(), "f.csv")
    assert (info.value.line, info.value.column) == (line, column)
    assert words in str(info.value)


def test_unknown_format() -> None:
    with pytest.raises(ImportFileError, match="CSV"):
        read_kobo_export(residents_form(), b"{}", "export.json")


def test_our_xlsx_export_reads_back() -> None:
    class Sub:
        def __init__(self, uuid: str, data: dict[str, object]) -> None:
            self.uuid, self.data, self.source = uuid, data, "web"
            self.submitted_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    data = {
        "situation": "salarie_prive",
        "pratique": {"teletravail": "non"},
        "enfants": [{"age_enfant": 1}, {"age_enfant": 2, "garde": "non"}],
        "souhaits": "=1+1",
    }
    blob = export_xlsx(residents_form(), [Sub("e-1", data), Sub("e-2", {"situation": "autre"})])
    subs = read_kobo_export(residents_form(), blob, "reponses.xlsx")
    assert [(s.uuid, s.data) for s in subs] == [("e-1", data), ("e-2", {"situation": "autre"})]
    assert subs[0].submitted_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
