"""The offline workbook of a project: written empty by ``teletravail grille modele``, filled by
hand (Excel, LibreOffice), read back by ``teletravail grille evaluer``.

Sheets:

- ``lisez-moi``: how to fill the workbook, in French;
- ``sites``: one row per candidate site: ``id``, ``nom``, ``adresse``, ``commune``, ``lat``,
  ``lon`` (WGS84 degrees), then optional facts (keys of
  :data:`teletravail.grille.catalogue.FACTS`) that suggest scores;
- ``evaluations``: one row per assessor × site, one column per criterion (wide layout: a person
  fills their row for a site from left to right). Rows 1 to 3 are headers: theme, criterion label
  and criterion id (row 3 is what is read); the scores, 0 to 4 or blank (« non noté »), start on
  row 4, with a drop-down list 0-4;
- ``poids``: one row per theme and per criterion: ``type`` (theme / critere), ``id``, label,
  ``poids`` (1 by default: equal weights);
- ``ahp`` (optional): pairwise comparisons on Saaty's scale (upper triangle), one block for the
  themes and one for the criteria of each theme, each used when its column D says « oui ».

:func:`read_workbook` lists every wrong cell (sheet, row, column letter, reason) in one
:class:`WorkbookError`, not only the first.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from teletravail.errors import InputError
from teletravail.format_fr import count_text, plural
from teletravail.grille.catalogue import FACTS, LEVELS, Grid, load_grid
from teletravail.grille.model import PairwiseComparison, Project, Score, Site, Weights

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SITE_COLUMNS = ("id", "nom", "adresse", "commune", "lat", "lon")
FIRST_SCORE_ROW = 4
AHP_THEMES = "themes"
SAATY = (
    "1/9",
    "1/8",
    "1/7",
    "1/6",
    "1/5",
    "1/4",
    "1/3",
    "1/2",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
)
_HEAD_FILL = "DDDDF5"

README = [
    "Grille d'analyse d'un projet de lieu adapté au télétravail",
    "",
    "Outil 2 de la Fabrique Prospective de l'ANCT « Télétravail et villes moyennes : quelles "
    "mutations ? » (2023). Méthode : document « Grille d'analyse d'un projet de lieu » de la "
    "méthodologie de l'application (page /methodologie/grille-projet/).",
    "",
    "1. Feuille « sites » : une ligne par site candidat. « id » est un code court et unique "
    "(par exemple gare, centre, friche) ; lat et lon en degrés décimaux (facultatifs). Les "
    "colonnes suivantes sont des faits calculés à partir des données ouvertes (facultatifs) : "
    "quand un critère fixe des seuils, le fait suggère une note.",
    "2. Feuille « evaluations » : chaque évaluateur remplit une ligne par site : son nom "
    "(colonne A), l'id du site (colonne B), puis une note de 0 à 4 par critère. Une case vide "
    "veut dire « non noté » : elle n'est jamais comptée comme 0. La ligne 3 porte l'identifiant "
    "de chaque critère : ne la modifiez pas. La question de chaque critère est en commentaire de "
    "son libellé (ligne 2).",
    "3. Feuille « poids » : un poids par thème et par critère (1 partout par défaut : poids "
    "égaux). Un poids 0 écarte le thème ou le critère.",
    "4. Feuille « ahp » (facultative) : pour pondérer les thèmes, ou les critères d'un thème, par "
    "comparaison par paires, écrivez « oui » en colonne D du bloc puis, au-dessus de la "
    "diagonale, combien l'élément de la ligne est plus important que celui de la colonne (1 = autant, 3 = modérément, 5 = fortement, 7 = très "
    "fortement, 9 = extrêmement ; 1/3, 1/5… dans l'autre sens). Le dessous de la diagonale est "
    "déduit. Un bloc utilisé remplace les poids correspondants de la feuille « poids ». Un "
    "ratio de cohérence au-delà de 0,10 est signalé : revoyez alors les comparaisons.",
    "5. Évaluer : teletravail grille evaluer projet.xlsx (aussi --format html, pdf, json, xlsx).",
    "",
    "Échelle des notes :",
]


@dataclass(frozen=True)
class CellProblem:
    """A wrong cell: sheet, row (1-based), column letter, value read and reason (French)."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str

    def text(self) -> str:
        """« feuille « evaluations », ligne 5, colonne F : … (valeur lue : « 7 ») »."""
        shown = f" (valeur lue : « {self.value} »)" if self.value else ""
        return (
            f"feuille « {self.sheet} », ligne {self.row}, colonne {self.column} : "
            f"{self.reason}{shown}"
        )


class WorkbookError(InputError):
    """Every wrong cell of a workbook (``problems``), one per line in the message."""

    def __init__(self, path: str, problems: list[CellProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"- {p.text()}" for p in problems)
        super().__init__(
            f"Classeur « {path} » : {count_text(len(problems), 'cellule')} à corriger :\n{lines}",
            field="classeur",
        )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def write_template(grid: Grid | None = None) -> bytes:
    """The empty workbook (XLSX bytes): headers, drop-down lists, default weights (1) and an AHP
    sheet with a diagonal of 1 (not used until B1 says « oui »)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    g = grid or load_grid()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=_HEAD_FILL)
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = "lisez-moi"
    for n, line in enumerate(README, start=1):
        readme.cell(n, 1, line)
    for lv in g.levels:
        readme.append([f"{lv.valeur} « {lv.libelle} » : {lv.description}"])
    readme.column_dimensions["A"].width = 120
    for row in readme.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    readme["A1"].font = Font(bold=True, size=14)

    sites = wb.create_sheet("sites")
    sites.append([*SITE_COLUMNS, *FACTS])
    for cell in sites[1]:
        cell.font, cell.fill = bold, fill
    for k, (key, unit) in enumerate(FACTS.items(), start=len(SITE_COLUMNS) + 1):
        sites.cell(1, k).comment = Comment(
            f"Fait calculé « {key} » ({unit}), facultatif.", "grille"
        )
    for col, width in zip("ABCDEF", (12, 30, 36, 20, 10, 10), strict=True):
        sites.column_dimensions[col].width = width
    sites.freeze_panes = "A2"

    ev = wb.create_sheet("evaluations")
    ev.cell(1, 1, "thème →").font = bold
    ev.cell(2, 1, "critère →").font = bold
    ev.cell(3, 1, "evaluateur").font = bold
    ev.cell(3, 2, "site").font = bold
    for k, c in enumerate(g.criteria, start=3):
        ev.cell(1, k, g.theme_of(c.theme).libelle)
        head = ev.cell(2, k, c.libelle)
        head.comment = Comment(c.question, "grille")
        head.alignment = Alignment(wrap_text=True, vertical="top")
        ev.cell(3, k, c.id).font = bold
        ev.column_dimensions[_letter(k)].width = 16
    for row in (1, 2, 3):
        for cell in ev[row]:
            cell.fill = fill
    ev.column_dimensions["A"].width = 18
    ev.column_dimensions["B"].width = 12
    ev.row_dimensions[2].height = 60
    ev.freeze_panes = ev.cell(FIRST_SCORE_ROW, 3)
    last = _letter(2 + len(g.criteria))
    scores = DataValidation(
        type="list",
        formula1='"' + ",".join(str(v) for v in LEVELS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Note",
        error="Une note de 0 à 4, ou vide (non noté).",
    )
    scores.add(f"C{FIRST_SCORE_ROW}:{last}1000")
    ev.add_data_validation(scores)

    weights = wb.create_sheet("poids")
    weights.append(["type", "id", "libellé", "poids"])
    for cell in weights[1]:
        cell.font, cell.fill = bold, fill
    for t in g.themes:
        weights.append(["theme", t.id, t.libelle, 1])
        for c in g.of_theme(t.id):
            weights.append(["critere", c.id, f"  {c.libelle}", 1])
    positive = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        showErrorMessage=True,
        error="Un nombre positif ou nul.",
    )
    positive.add(f"D2:D{weights.max_row}")
    weights.add_data_validation(positive)
    for col, width in zip("ABCD", (10, 28, 46, 10), strict=True):
        weights.column_dimensions[col].width = width

    _write_ahp(wb.create_sheet("ahp"), g)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:  # noqa: ANN401 - an openpyxl cell value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> float | None:  # noqa: ANN401 - an openpyxl cell value
    """A cell as a number (a French decimal comma accepted); None if blank; ValueError else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        if "/" in text:
            top, _, bottom = text.partition("/")
            number = float(top) / float(bottom)
        else:
            number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


class _Reader:
    """Collects the wrong cells while reading the sheets."""

    def __init__(self) -> None:
        self.problems: list[CellProblem] = []

    def bad(self, sheet: str, row: int, col: int, value: Any, reason: str) -> None:  # noqa: ANN401
        self.problems.append(CellProblem(sheet, row, _letter(col), _text(value), reason))


def _read_sites(ws: Worksheet, r: _Reader) -> list[Site]:
    header = [_text(c.value) for c in ws[1]]
    for k, name in enumerate(header, start=1):
        if name and name not in SITE_COLUMNS and name not in FACTS:
            r.bad("sites", 1, k, name, "colonne inconnue")
    for k, name in enumerate(SITE_COLUMNS[:2], start=1):
        if name not in header:
            r.bad("sites", 1, k, "", f"colonne « {name} » manquante")
    col = {name: k for k, name in enumerate(header) if name}
    out: list[Site] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        if all(v is None or _text(v) == "" for v in cells):
            continue

        def get(name: str, cells: list[Any] = cells) -> Any:  # noqa: ANN401
            return cells[col[name]] if name in col else None

        sid, nom = _text(get("id")), _text(get("nom"))
        if not sid:
            r.bad("sites", n, col.get("id", 0) + 1, "", "identifiant du site manquant")
        elif sid in seen:
            r.bad("sites", n, col["id"] + 1, sid, f"identifiant déjà utilisé ligne {seen[sid]}")
        seen.setdefault(sid, n)
        if not nom:
            r.bad("sites", n, col.get("nom", 1) + 1, "", "nom du site manquant")
        position: dict[str, float | None] = {}
        for name, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            try:
                value = _number(get(name))
            except (ValueError, ZeroDivisionError):
                r.bad("sites", n, col[name] + 1, get(name), "nombre attendu (degrés décimaux)")
                value = None
            if value is not None and not low <= value <= high:
                r.bad("sites", n, col[name] + 1, get(name), f"hors de [{low:g}, {high:g}]")
                value = None
            position[name] = value
        facts: dict[str, float | None] = {}
        for key in FACTS:
            if key not in col:
                continue
            try:
                facts[key] = _number(get(key))
            except (ValueError, ZeroDivisionError):
                r.bad("sites", n, col[key] + 1, get(key), "nombre attendu ou case vide")
        out.append(
            Site(
                id=sid,
                nom=nom,
                adresse=_text(get("adresse")),
                commune=_text(get("commune")),
                lat=position["lat"],
                lon=position["lon"],
                faits=facts,
            )
        )
    if not out:
        r.bad("sites", 2, 1, "", "aucun site : remplissez au moins une ligne")
    return out


def _read_scores(ws: Worksheet, grid: Grid, site_ids: set[str], r: _Reader) -> list[Score]:
    known = {c.id for c in grid.criteria}
    header = [_text(c.value) for c in ws[3]]
    columns: dict[int, str] = {}
    for k, cid in enumerate(header[2:], start=3):
        if not cid:
            continue
        if cid not in known:
            r.bad("evaluations", 3, k, cid, "critère inconnu de la grille")
        elif cid in columns.values():
            r.bad("evaluations", 3, k, cid, "critère en double")
        else:
            columns[k] = cid
    if not columns:
        r.bad("evaluations", 3, 3, "", "ligne 3 sans identifiant de critère (ne la modifiez pas)")
    out: list[Score] = []
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(
        ws.iter_rows(min_row=FIRST_SCORE_ROW, values_only=True), start=FIRST_SCORE_ROW
    ):
        cells = list(row)
        if all(v is None or _text(v) == "" for v in cells):
            continue
        who = _text(cells[0]) if cells else ""
        site = _text(cells[1]) if len(cells) > 1 else ""
        if not who:
            r.bad("evaluations", n, 1, "", "nom de l'évaluateur manquant")
        if not site:
            r.bad("evaluations", n, 2, "", "id du site manquant")
        elif site not in site_ids:
            r.bad("evaluations", n, 2, site, "site absent de la feuille « sites »")
        if who and site:
            if (who, site) in seen:
                r.bad(
                    "evaluations",
                    n,
                    1,
                    who,
                    f"cet évaluateur a déjà noté ce site ligne {seen[(who, site)]}",
                )
            seen.setdefault((who, site), n)
        for k, cid in columns.items():
            value = cells[k - 1] if k - 1 < len(cells) else None
            note: int | None
            try:
                number = _number(value)
            except (ValueError, ZeroDivisionError):
                r.bad("evaluations", n, k, value, "note attendue : 0, 1, 2, 3, 4 ou vide")
                continue
            if number is None:
                note = None
            elif number.is_integer() and int(number) in LEVELS:
                note = int(number)
            else:
                r.bad("evaluations", n, k, value, "note attendue : 0, 1, 2, 3, 4 ou vide")
                continue
            if who and site:
                out.append(Score(evaluateur=who, site=site, critere=cid, note=note))
    return out


def _read_weights(ws: Worksheet, grid: Grid, r: _Reader) -> Weights:
    themes = {t.id for t in grid.themes}
    criteria = {c.id for c in grid.criteria}
    out: dict[str, dict[str, float]] = {"theme": {}, "critere": {}}
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = [*row, None, None, None, None][:4]
        if all(v is None or _text(v) == "" for v in cells):
            continue
        kind, ident = _text(cells[0]), _text(cells[1])
        if kind not in out:
            r.bad("poids", n, 1, kind, "type attendu : theme ou critere")
            continue
        if ident not in (themes if kind == "theme" else criteria):
            r.bad("poids", n, 2, ident, f"{'thème' if kind == 'theme' else 'critère'} inconnu")
            continue
        try:
            value = _number(cells[3])
        except (ValueError, ZeroDivisionError):
            r.bad("poids", n, 4, cells[3], "nombre positif ou nul attendu")
            continue
        if value is None:
            continue  # blank: default weight 1
        if value < 0:
            r.bad("poids", n, 4, cells[3], "nombre positif ou nul attendu")
            continue
        out[kind][ident] = value
    return Weights(themes=out["theme"], criteres=out["critere"])


def _blocks(grid: Grid) -> list[tuple[str, list[str]]]:
    """(block key, compared ids) of the AHP sheet: the themes, then the criteria of each theme
    with at least two criteria."""
    out = [(AHP_THEMES, [t.id for t in grid.themes])]
    out += [
        (t.id, [c.id for c in grid.of_theme(t.id)])
        for t in grid.themes
        if len(grid.of_theme(t.id)) > 1
    ]
    return out


def _write_ahp(ws: Worksheet, grid: Grid) -> None:
    """One block per comparison: a header row (« comparaison », key, « utiliser », non), the
    ids in a row and a column, a diagonal of 1, drop-down lists on the Saaty scale."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    ws["A1"] = (
        "Comparaisons par paires (facultatives) : écrivez « oui » en colonne D d'un bloc pour "
        "l'utiliser, puis, au-dessus de la diagonale, combien l'élément de la ligne est plus "
        "important que celui de la colonne (échelle de Saaty de 1/9 à 9)."
    )
    use = DataValidation(type="list", formula1='"oui,non"', allow_blank=False)
    saaty = DataValidation(type="list", formula1='"' + ",".join(SAATY) + '"', allow_blank=True)
    row = 3
    for key, ids in _blocks(grid):
        ws.cell(row, 1, "comparaison").font = bold
        ws.cell(row, 2, key).font = bold
        ws.cell(row, 3, "utiliser")
        ws.cell(row, 4, "non")
        use.add(f"D{row}")
        for k, ident in enumerate(ids):
            ws.cell(row + 1, k + 2, ident).font = bold
            ws.cell(row + 2 + k, 1, ident).font = bold
            ws.cell(row + 2 + k, k + 2, 1)
            for j in range(k + 1):
                ws.cell(row + 2 + k, j + 2).fill = grey
        saaty.add(f"B{row + 2}:{_letter(len(ids) + 1)}{row + 1 + len(ids)}")
        row += len(ids) + 3
    ws.add_data_validation(use)
    ws.add_data_validation(saaty)
    ws.column_dimensions["A"].width = 26
    for k in range(2, 12):
        ws.column_dimensions[_letter(k)].width = 14


def _read_block(
    ws: Worksheet,
    row: int,
    ids: list[str],
    r: _Reader,
) -> PairwiseComparison:
    n = len(ids)
    for k, ident in enumerate(ids):
        if _text(ws.cell(row + 1, k + 2).value) != ident:
            r.bad("ahp", row + 1, k + 2, ws.cell(row + 1, k + 2).value, f"« {ident} » attendu")
        if _text(ws.cell(row + 2 + k, 1).value) != ident:
            r.bad("ahp", row + 2 + k, 1, ws.cell(row + 2 + k, 1).value, f"« {ident} » attendu")
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            cell = ws.cell(row + 2 + i, j + 2)
            try:
                value = _number(cell.value)
            except (ValueError, ZeroDivisionError):
                value = -1.0
            if value is None or not 1 / 9 - 1e-9 <= value <= 9 + 1e-9:
                r.bad(
                    "ahp",
                    row + 2 + i,
                    j + 2,
                    cell.value,
                    "comparaison attendue de 1/9 à 9 (échelle de Saaty)",
                )
                continue
            matrix[i][j], matrix[j][i] = value, 1 / value
            below = ws.cell(row + 2 + j, i + 2)
            try:
                mirror = _number(below.value)
            except (ValueError, ZeroDivisionError):
                mirror = -1.0
            if mirror is not None and abs(mirror * value - 1) > 0.01:
                r.bad(
                    "ahp",
                    row + 2 + j,
                    i + 2,
                    below.value,
                    f"le dessous de la diagonale est déduit : laissez vide ou écrivez 1/{value:g}",
                )
    return PairwiseComparison(elements=ids, matrice=matrix)


def _read_ahp(
    ws: Worksheet,
    grid: Grid,
    r: _Reader,
) -> tuple[PairwiseComparison | None, dict[str, PairwiseComparison]]:
    """(comparison of the themes, comparisons of criteria per theme) of the blocks marked
    « oui »."""
    expected = dict(_blocks(grid))
    themes: PairwiseComparison | None = None
    per_theme: dict[str, PairwiseComparison] = {}
    for row in range(1, ws.max_row + 1):
        if _text(ws.cell(row, 1).value) != "comparaison":
            continue
        key = _text(ws.cell(row, 2).value)
        use = _text(ws.cell(row, 4).value).lower()
        if use in ("", "non"):
            continue
        if use != "oui":
            r.bad("ahp", row, 4, use, "« oui » ou « non » attendu")
            continue
        if key not in expected:
            r.bad("ahp", row, 2, key, "bloc inconnu (themes ou identifiant d'un thème)")
            continue
        block = _read_block(ws, row, expected[key], r)
        if key == AHP_THEMES:
            themes = block
        else:
            per_theme[key] = block
    return themes, per_theme


def read_workbook(data: bytes, name: str = "projet.xlsx", grid: Grid | None = None) -> Project:
    """The project of a filled workbook. :class:`WorkbookError` lists every wrong cell; an
    unreadable file or a missing sheet is an InputError."""
    from openpyxl import load_workbook

    g = grid or load_grid()
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # zipfile, XML or openpyxl errors: the file is not a workbook
        raise InputError(
            f"« {name} » n'est pas un classeur XLSX lisible ({type(exc).__name__}) : partez du "
            "modèle écrit par « teletravail grille modele ».",
            field="classeur",
        ) from None
    missing = [s for s in ("sites", "evaluations") if s not in wb.sheetnames]
    if missing:
        raise InputError(
            f"Classeur « {name} » : {plural(len(missing), 'feuille manquante', 'feuilles manquantes')} "
            f"{', '.join(missing)} ; partez du "
            "modèle écrit par « teletravail grille modele ».",
            field="classeur",
        )
    r = _Reader()
    sites = _read_sites(wb["sites"], r)
    scores = _read_scores(wb["evaluations"], g, {s.id for s in sites}, r)
    weights = _read_weights(wb["poids"], g, r) if "poids" in wb.sheetnames else Weights()
    ahp, ahp_criteria = _read_ahp(wb["ahp"], g, r) if "ahp" in wb.sheetnames else (None, {})
    if r.problems:
        raise WorkbookError(name, r.problems)
    return Project(
        nom=Path(name).stem,
        sites=sites,
        notes=scores,
        poids=weights,
        ahp=ahp,
        ahp_criteres=ahp_criteria,
    )
