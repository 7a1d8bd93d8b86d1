import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from teletravail.errors import InputError
from teletravail.programmes.model import STATUSES, Action, Programme
from teletravail.programmes.workbook import (
    MAX_ACTIONS,
    WorkbookError,
    parse_date,
    parse_funding,
    parse_number,
    parse_status,
    read_workbook,
    write_workbook,
)
from tests.programmes.sample import sample_programme


def _without_motives(p: Programme) -> Programme:
    return p.model_copy(
        update={"actions": [a.model_copy(update={"motifs": []}) for a in p.actions]}
    )


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_round_trip_gives_the_same_programme() -> None:
    programme = sample_programme(30)
    assert any(a.motifs for a in programme.actions)
    back = read_workbook(write_workbook(programme), "programme.xlsx")
    assert back == _without_motives(programme)


def test_round_trip_of_an_empty_programme() -> None:
    programme = Programme(territoire="Ville (12345)", themes=[])
    assert read_workbook(write_workbook(programme), "p.xlsx") == programme


def test_written_workbook_layout() -> None:
    programme = sample_programme(6)
    wb = load_workbook(io.BytesIO(write_workbook(programme)))
    assert wb.sheetnames == ["lisez-moi", "vision", "themes", "actions", "indicateurs"]
    ws = wb["actions"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["titre", "theme", "description"]
    assert "financements" in headers and "statut" in headers and "motifs" in headers
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 30
    # dates are real dates, statuses French labels with a drop-down list of the five
    assert isinstance(ws["H2"].value, datetime)
    assert ws["J2"].value in STATUSES.values()
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(all(label in (dv.formula1 or "") for label in STATUSES.values()) for dv in lists)
    assert "J2" in str(lists[0].sqref)
    # fundings and motives as readable text
    row = {h: c.value for h, c in zip(headers, ws[3], strict=False)}
    assert row["financements"] == "Région : 50001"
    motives = next(c.value for c in ws["K"][1:] if c.value)
    assert "Indicateur du diagnostic" in motives
    assert "JJ/MM/AAAA" in " ".join(str(c.value) for c in wb["lisez-moi"]["A"])


def test_hand_made_messy_workbook_is_read() -> None:
    wb = Workbook()
    notes = wb.active
    notes.title = "Notes du chef de projet"  # unknown sheet: ignored
    notes["A1"] = "à ne pas lire"
    vision = wb.create_sheet("Vision")
    vision.append(["champ", "valeur"])
    vision.append(["Territoire", "Saint-Omer (200069037)"])
    vision.append([])
    vision.append(["Horizon", "2045"])
    vision.append(["VISION", "Une ville à dix minutes de tout."])
    themes = wb.create_sheet("thèmes")
    themes.append(["Thème"])
    themes.append(["Mobilité"])
    themes.append([None])
    themes.append(["Vie locale"])
    actions = wb.create_sheet("Actions")
    actions.append(["Programme 2025 – tenu à la main"])  # a title above the header
    actions.append([])
    actions.append(["Titre", "Thème", "Statut", "Budget (€)", "Début", "Fin", "Financements"])
    actions.append(
        [
            "Navette gare",
            "mobilite",
            "en cours",
            "12 000,50",
            "01/03/2025",
            datetime(2026, 6, 30),
            "Région : 5 000 ; Ville",
        ]
    )
    actions.append([None, None, None, None, None, None, None])
    actions.append(["Tiers-lieu", "VIE LOCALE", "REALISEE", 8000, "2024-01-15", None, None])
    actions.append(["Fête de quartier", "Culture", "prevue", "1.500,00 €", 45658, None, ""])
    actions.append(["Idée sans statut", "Culture", None, None, None, None, None])
    indicators = wb.create_sheet("indicateurs")
    indicators.append(
        [
            "source",
            "reference",
            "libelle",
            "unite",
            "valeur_initiale",
            "date_initiale",
            "cible",
            "annee_cible",
            "valeur_actuelle",
        ]
    )
    indicators.append(
        ["Enquête", "jours", "Jours télétravaillés", "jours", "1,5", "15/01/2024", 2, 2030, "1,8"]
    )

    p = read_workbook(_save(wb), "saint-omer.xlsx")
    assert p.territoire == "Saint-Omer (200069037)"
    assert p.horizon == 2045 and p.vision == "Une ville à dix minutes de tout."
    # the themes of the sheet, then the one used by an action only (added)
    assert p.themes == ["Mobilité", "Vie locale", "Culture"]
    assert [a.titre for a in p.actions] == [
        "Navette gare",
        "Tiers-lieu",
        "Fête de quartier",
        "Idée sans statut",
    ]
    navette, tiers, fete, idee = p.actions
    assert navette.theme == "Mobilité" and navette.statut == "en_cours"
    assert navette.budget == 12000.5
    assert navette.debut == date(2025, 3, 1) and navette.fin == date(2026, 6, 30)
    assert [(f.source, f.montant) for f in navette.financements] == [
        ("Région", 5000.0),
        ("Ville", None),
    ]
    assert tiers.theme == "Vie locale" and tiers.statut == "realisee"
    assert tiers.debut == date(2024, 1, 15) and tiers.fin is None
    assert fete.budget == 1500.0 and fete.debut == date(2025, 1, 1)  # Excel day 45658
    assert idee.statut == "idee" and idee.budget is None
    (ind,) = p.indicateurs
    assert ind.source == "enquete" and ind.valeur_initiale == 1.5 and ind.valeur_actuelle == 1.8
    assert ind.date_initiale == date(2024, 1, 15) and ind.annee_cible == 2030


def test_every_wrong_cell_is_listed_with_sheet_row_and_column() -> None:
    wb = Workbook()
    vision = wb.active
    vision.title = "vision"
    vision.append(["champ", "valeur"])
    vision.append(["horizon", "bientôt"])  # row 2, B
    themes = wb.create_sheet("themes")
    themes.append(["theme"])
    themes.append(["Mobilité"])
    themes.append(["mobilite"])  # row 3, A: duplicate
    actions = wb.create_sheet("actions")
    actions.append(["titre", "theme", "budget (€)", "financements", "debut", "fin", "statut"])
    actions.append(["Bon", "Mobilité", 10, "Région : 5", "01/01/2025", "01/01/2026", "Prévue"])
    actions.append(["Budget faux", "Mobilité", "beaucoup", None, None, None, None])  # row 3, C
    actions.append(["Dates", "Mobilité", None, None, "01/06/2025", "01/01/2025", None])  # 4, F
    actions.append(["Date illisible", "Mobilité", None, None, "31/02/2025", None, None])  # 5, E
    actions.append(["Statut", "Mobilité", None, None, None, None, "suspendue"])  # row 6, G
    actions.append([None, "Mobilité", None, None, None, None, None])  # row 7, A: no title
    actions.append(["Finance", "Mobilité", None, "Région : dix", None, None, None])  # 8, D
    actions.append(["x" * 301, "Mobilité", -5, None, None, None, None])  # row 9: A and C
    indicators = wb.create_sheet("indicateurs")
    indicators.append(["source", "reference", "libelle", "cible", "annee_cible"])
    indicators.append(["sondage", "r", "", "beaucoup", 1999])  # row 2: A, C, D, E

    with pytest.raises(WorkbookError) as info:
        read_workbook(_save(wb), "faux.xlsx")
    err = info.value
    assert isinstance(err, InputError)
    where = [(s, row, col) for s, row, col, _value, _reason in err.problems]
    assert where == [
        ("vision", 2, "B"),
        ("themes", 3, "A"),
        ("actions", 3, "C"),
        ("actions", 4, "F"),
        ("actions", 5, "E"),
        ("actions", 6, "G"),
        ("actions", 7, "A"),
        ("actions", 8, "D"),
        ("actions", 9, "A"),
        ("actions", 9, "C"),
        ("indicateurs", 2, "A"),
        ("indicateurs", 2, "C"),
        ("indicateurs", 2, "D"),
        ("indicateurs", 2, "E"),
    ]
    reasons = {(s, row, col): reason for s, row, col, _v, reason in err.problems}
    assert "fin précède le début" in reasons[("actions", 4, "F")]
    assert "statut inconnu" in reasons[("actions", 6, "G")]
    assert "« dix »" in reasons[("actions", 8, "D")]
    values = {(s, row, col): v for s, row, col, v, _r in err.problems}
    assert values[("actions", 3, "C")] == "beaucoup"
    message = str(err)
    assert "14 cellules" in message
    assert "feuille « actions », ligne 4, colonne F" in message


def test_overlong_title_is_refused_at_its_cell() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "actions"
    ws.append(["titre", "theme"])
    ws.append(["x" * 301, "Mobilité"])
    with pytest.raises(WorkbookError) as info:
        read_workbook(_save(wb), "long.xlsx")
    ((sheet, row, col, _value, reason),) = info.value.problems
    assert (sheet, row, col) == ("actions", 2, "A") and "300" in reason


def test_missing_actions_sheet_is_refused() -> None:
    wb = Workbook()
    wb.active.title = "vision"
    with pytest.raises(InputError, match="feuille « actions » manque"):
        read_workbook(_save(wb), "sans-actions.xlsx")


def test_not_a_workbook_is_refused() -> None:
    with pytest.raises(InputError, match="n'est pas un classeur XLSX"):
        read_workbook(b"titre;theme\n", "actions.csv")


def test_missing_header_is_refused() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "actions"
    ws.append(["nom", "catégorie"])
    with pytest.raises(WorkbookError, match="en-tête introuvable"):
        read_workbook(_save(wb), "p.xlsx")


def test_more_than_the_limit_of_actions_is_refused() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "actions"
    ws.append(["titre", "theme"])
    for k in range(MAX_ACTIONS + 1):
        ws.append([f"Action {k}", "Mobilité"])
    with pytest.raises(InputError, match="2001 actions, plus que les 2000"):
        read_workbook(_save(wb), "grand.xlsx")
    programme = Programme(
        territoire="T",
        actions=[Action(titre=f"A{k}", theme="Mobilité") for k in range(MAX_ACTIONS)],
    )
    assert len(read_workbook(write_workbook(programme), "p.xlsx").actions) == MAX_ACTIONS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 000,50", 12000.5),
        ("12\u202f000,50\u00a0€", 12000.5),
        ("12.000,50", 12000.5),
        ("1500.25", 1500.25),
        (42, 42.0),
        ("", None),
        (None, None),
        ("\u22123,5", -3.5),
    ],
)
def test_parse_number(text: object, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["douze", "1,2,3", "12 000,50 kg", True, "nan"])
def test_parse_number_refuses(text: object) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/2025", date(2025, 3, 5)),
        ("5/3/2025", date(2025, 3, 5)),
        ("2025-03-05", date(2025, 3, 5)),
        (datetime(2025, 3, 5, 0, 0), date(2025, 3, 5)),
        (45721, date(2025, 3, 5)),
        ("", None),
    ],
)
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["03/2025", "2025-13-01", "32/01/2025", "demain", -3])
def test_parse_date_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Réalisée", "realisee"),
        ("realisee", "realisee"),
        ("EN COURS", "en_cours"),
        ("en_cours", "en_cours"),
        ("Abandonnée", "abandonnee"),
        ("", "idee"),
        ("idée", "idee"),
    ],
)
def test_parse_status(value: str, expected: str) -> None:
    assert parse_status(value) == expected


def test_parse_funding_keeps_a_colon_in_the_source() -> None:
    (state,) = parse_funding("État : DSIL : 20000,25")
    assert (state.source, state.montant) == ("État : DSIL", 20000.25)
    with pytest.raises(ValueError, match="n'a pas de source"):
        parse_funding(": 12")


def test_empty_sheets_are_read_as_empty() -> None:
    wb = Workbook()
    wb.active.title = "actions"
    wb.create_sheet("themes")
    wb.create_sheet("indicateurs")
    assert read_workbook(_save(wb), "vide.xlsx") == Programme(territoire="", themes=[])
