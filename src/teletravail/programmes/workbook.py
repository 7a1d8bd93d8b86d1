"""A territory's programme as an XLSX workbook: written by :func:`write_workbook`, kept or filled
by hand (Excel, LibreOffice), read back by :func:`read_workbook`.

Sheets (names in lower case; any other sheet is ignored):

- ``lisez-moi``: how to fill the workbook, in French (not read);
- ``vision``: two columns, ``champ`` and ``valeur``, rows ``territoire``, ``vision``, ``horizon``
  (a year, 2025 to 2100); optional;
- ``themes``: one theme per row under the header ``theme``; optional;
- ``actions`` (required): one row per action, columns :data:`ACTION_COLUMNS` found by their
  header (any order; case and accents ignored). ``financements`` is written
  « Source : montant ; Source 2 : montant » (amount in euros, optional); ``statut`` is a French
  label of :data:`STATUSES` (a drop-down list) or its code; ``motifs`` is written for reading and
  never read back (the motives are kept by the application);
- ``indicateurs``: one row per followed indicator, columns :data:`INDICATOR_COLUMNS`.

Reading is tolerant of a programme kept by hand: empty rows, a title row above the header,
numbers written the French way (« 12 000,50 », « 1 500 € ») or as numbers, dates as Excel dates,
« JJ/MM/AAAA » or « AAAA-MM-JJ », labels in any case and with or without accents. It is strict
otherwise: :class:`WorkbookError` lists every wrong cell (sheet, row, column letter, value,
reason), not only the first. A theme used by an action and missing from ``themes`` is added to
the themes (after those of the sheet, in order of first use); a theme written with another case
or without its accents is the theme of the sheet.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from teletravail.errors import InputError
from teletravail.format_fr import count_text
from teletravail.programmes.model import (
    STATUSES,
    Action,
    FollowedIndicator,
    Funding,
    Programme,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

_M = TypeVar("_M", bound=BaseModel)
#: Most actions a workbook may hold.
MAX_ACTIONS = 2000
#: Columns of the ``actions`` sheet: header, width; ``titre`` and ``theme`` are required.
ACTION_COLUMNS: tuple[tuple[str, int], ...] = (
    ("titre", 40),
    ("theme", 24),
    ("description", 50),
    ("porteur", 22),
    ("partenaires", 30),
    ("budget (€)", 14),
    ("financements", 44),
    ("debut", 12),
    ("fin", 12),
    ("statut", 13),
    ("motifs", 50),
)
#: Columns of the ``indicateurs`` sheet: header, width.
INDICATOR_COLUMNS: tuple[tuple[str, int], ...] = (
    ("source", 12),
    ("reference", 26),
    ("libelle", 40),
    ("unite", 10),
    ("valeur_initiale", 15),
    ("date_initiale", 13),
    ("cible", 12),
    ("annee_cible", 12),
    ("valeur_actuelle", 15),
    ("date_actuelle", 13),
)
_SOURCES = {"diagnostic": "diagnostic", "enquete": "enquete", "enquetes": "enquete"}
_HEAD_FILL = "DDDDF5"
_DATE_FORMAT = "DD/MM/YYYY"
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")

README = [
    "Programme d'actions d'un territoire : vision, thèmes, actions et indicateurs suivis",
    "",
    "Ce classeur s'exporte depuis l'application et s'y importe : vous pouvez le tenir à jour "
    "dans un tableur (Excel, LibreOffice) puis le réimporter. Méthode : document « Programmes "
    "d'actions » de la méthodologie de l'application (page /methodologie/programmes/).",
    "",
    "1. Feuille « vision » : le territoire, le texte de la vision à long terme et son horizon "
    "(une année entre 2025 et 2100), dans la colonne B.",
    "2. Feuille « themes » : un thème par ligne (par défaut : Immobilier et bureaux, Mobilité, "
    "Vie locale, Transition écologique). Un thème employé par une action et absent de cette "
    "feuille est ajouté aux thèmes à l'import.",
    "3. Feuille « actions » (obligatoire) : une ligne par action, 2 000 au plus. « titre » et "
    "« theme » sont obligatoires. « budget (€) » : un montant en euros (12 000,50 ou 12000.5). "
    "« financements » : les sources séparées par « ; », chacune suivie de « : » et de son "
    "montant en euros s'il est connu, par exemple « Région : 150 000 ; État (DSIL) : 80 000 ; "
    "Commune ». « debut » et « fin » : des dates (JJ/MM/AAAA), la fin au plus tôt le jour du "
    "début. « statut » : Idée, Prévue, En cours, Réalisée ou Abandonnée (liste déroulante) ; "
    "vide = Idée. « motifs » (ce qui a motivé l'action : indicateur, enquête, grille, gare) "
    "est donné pour information et n'est pas relu : les motifs se modifient dans l'application.",
    "4. Feuille « indicateurs » : les indicateurs suivis. « source » : diagnostic ou enquete ; "
    "« reference » : l'identifiant de l'indicateur ; « libelle » obligatoire ; valeurs en "
    "nombres (valeur initiale, cible, valeur actuelle), dates JJ/MM/AAAA, « annee_cible » une "
    "année. L'avancement affiché est (valeur actuelle − valeur initiale) / (cible − valeur "
    "initiale), borné entre 0 et 100 %.",
    "",
    "Une case vide est une donnée non disponible, jamais un zéro. Les lignes vides sont "
    "ignorées, ainsi que les feuilles d'autres noms. À l'import, chaque case fautive est "
    "signalée avec sa feuille, sa ligne, sa colonne et la raison : corrigez-les toutes puis "
    "réimportez le classeur.",
]


class CellProblem(NamedTuple):
    """A wrong cell: sheet, row (1-based), column letter, value read and what is wrong (a tuple:
    ``sheet, row, column, value, reason = problem``)."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str

    def text(self) -> str:
        """« feuille « actions », ligne 5, colonne I : … (valeur lue : « 3/1/2024 ») »."""
        shown = f" (valeur lue : « {self.value} »)" if self.value else ""
        return (
            f"feuille « {self.sheet} », ligne {self.row}, colonne {self.column} : "
            f"{self.reason}{shown}"
        )


class WorkbookError(InputError):
    """Every wrong cell of a workbook (``problems``: :class:`CellProblem` tuples (sheet, row,
    column letter, value, reason), in reading order), one per line in the message."""

    def __init__(self, name: str, problems: list[CellProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"- {p.text()}" for p in problems)
        super().__init__(
            f"Classeur « {name} » : {count_text(len(problems), 'cellule')} à corriger :\n{lines}",
            field="classeur",
        )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def fold(text: str) -> str:
    """Lower case, accents removed, spaces and underscores as one space: the key to compare
    labels typed by hand."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("_", " ").replace("’", "'").split())


_STATUS_BY_KEY = {fold(k): k for k in STATUSES} | {fold(v): k for k, v in STATUSES.items()}


def amount_text(value: float) -> str:
    """An amount in euros for the ``financements`` cell: no thousands separator, a decimal comma
    when there are cents (« 150000 », « 1250,5 »), read back exactly."""
    if value.is_integer():
        return str(int(value))
    return repr(value).replace(".", ",")


def funding_text(funding: Iterable[Funding]) -> str:
    """« Région : 150000 ; État : 80000 ; Commune » (a source without an amount alone)."""
    return " ; ".join(
        f.source if f.montant is None else f"{f.source} : {amount_text(f.montant)}" for f in funding
    )


def motives_text(action: Action) -> str:
    """The motives of an action for people (exported only)."""
    from teletravail.programmes.model import MOTIVE_KINDS

    return " ; ".join(
        f"{MOTIVE_KINDS[m.type]} : {m.libelle}" + (f" ({m.reference})" if m.reference else "")
        for m in action.motifs
    )


# --- writing ----------------------------------------------------------------------------------


def _header(ws: Worksheet, columns: Iterable[tuple[str, int]]) -> None:
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=_HEAD_FILL)
    for k, (name, width) in enumerate(columns, start=1):
        cell = ws.cell(1, k, name)
        cell.font = bold
        cell.fill = fill
        ws.column_dimensions[_letter(k)].width = width
    ws.freeze_panes = "A2"


def write_workbook(programme: Programme) -> bytes:
    """The programme as an XLSX workbook (bytes): sheets ``lisez-moi``, ``vision``, ``themes``,
    ``actions`` (dates as Excel dates, a drop-down list of the statuses) and ``indicateurs``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = "lisez-moi"
    readme.column_dimensions["A"].width = 120
    for k, line in enumerate(README, start=1):
        cell = readme.cell(k, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    readme["A1"].font = Font(bold=True, size=14)

    vision = wb.create_sheet("vision")
    _header(vision, (("champ", 14), ("valeur", 100)))
    for k, (key, value) in enumerate(
        (
            ("territoire", programme.territoire),
            ("vision", programme.vision),
            ("horizon", programme.horizon),
        ),
        start=2,
    ):
        vision.cell(k, 1, key).font = Font(bold=True)
        vision.cell(k, 2, value).alignment = Alignment(wrap_text=True, vertical="top")

    themes = wb.create_sheet("themes")
    _header(themes, (("theme", 40),))
    for k, theme in enumerate(programme.themes, start=2):
        themes.cell(k, 1, theme)

    actions = wb.create_sheet("actions")
    _header(actions, ACTION_COLUMNS)
    for k, a in enumerate(programme.actions, start=2):
        values: list[Any] = [
            a.titre,
            a.theme,
            a.description,
            a.porteur,
            a.partenaires,
            a.budget,
            funding_text(a.financements),
            a.debut,
            a.fin,
            STATUSES[a.statut],
            motives_text(a),
        ]
        for col, value in enumerate(values, start=1):
            cell = actions.cell(k, col, value if value != "" else None)
            if isinstance(value, date):
                cell.number_format = _DATE_FORMAT
        actions.cell(k, 6).number_format = "#,##0.00"
    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES.values()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Statut",
        error="Choisissez un statut de la liste : " + ", ".join(STATUSES.values()) + ".",
    )
    actions.add_data_validation(statuses)
    statuses.add(f"J2:J{max(len(programme.actions), 1) + 1 + 500}")

    indicators = wb.create_sheet("indicateurs")
    _header(indicators, INDICATOR_COLUMNS)
    for k, ind in enumerate(programme.indicateurs, start=2):
        row: list[Any] = [
            ind.source,
            ind.reference,
            ind.libelle,
            ind.unite,
            ind.valeur_initiale,
            ind.date_initiale,
            ind.cible,
            ind.annee_cible,
            ind.valeur_actuelle,
            ind.date_actuelle,
        ]
        for col, value in enumerate(row, start=1):
            cell = indicators.cell(k, col, value if value != "" else None)
            if isinstance(value, date):
                cell.number_format = _DATE_FORMAT
    sources = DataValidation(type="list", formula1='"diagnostic,enquete"', allow_blank=False)
    indicators.add_data_validation(sources)
    sources.add(f"A2:A{len(programme.indicateurs) + 1 + 50}")

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading ----------------------------------------------------------------------------------


def _text(value: Any) -> str:  # noqa: ANN401 - an openpyxl cell value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_number(value: Any) -> float | None:  # noqa: ANN401 - an openpyxl cell value
    """A cell as a number: a number, or text written the French way (« 12 000,50 »,
    « 1 500 € », « 3,5 % ») or with a decimal point; None if blank; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | date):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("€", "").replace("%", "").replace("\u2212", "-")
        for space in (" ", "\u00a0", "\u202f", "\u2009"):
            text = text.replace(space, "")
        if "," in text and "." in text:  # « 12.000,50 »: the point separates thousands
            text = text.replace(".", "")
        text = text.replace(",", ".")
        if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(value)
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def parse_date(value: Any) -> date | None:  # noqa: ANN401 - an openpyxl cell value
    """A cell as a date: an Excel date, an Excel day number, « JJ/MM/AAAA » or « AAAA-MM-JJ »;
    None if blank; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:  # Excel's days, 1900-01-01 to 9999-12-31
            raise ValueError(value)
        from openpyxl.utils.datetime import from_excel

        day = from_excel(value)
        return day.date() if isinstance(day, datetime) else date.fromisoformat(str(day)[:10])
    text = str(value).strip()
    match = _FRENCH_DATE.match(text)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    match = _ISO_DATE.match(text)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    raise ValueError(value)


def parse_status(value: Any) -> str:  # noqa: ANN401 - an openpyxl cell value
    """A status code from its French label or its code (any case, accents or not); blank is
    « idee »; ValueError otherwise."""
    text = _text(value)
    if not text:
        return "idee"
    try:
        return _STATUS_BY_KEY[fold(text)]
    except KeyError:
        raise ValueError(value) from None


def parse_funding(value: Any) -> list[Funding]:  # noqa: ANN401 - an openpyxl cell value
    """« Source : montant ; Source 2 : montant ; Source 3 » as fundings; ValueError with the
    French reason otherwise."""
    out: list[Funding] = []
    for part in _text(value).split(";"):
        part = part.strip()
        if not part:
            continue
        source, sep, amount = part.rpartition(":")
        if not sep:
            source, amount = part, ""
        source = source.strip()
        if not source:
            raise ValueError(f"« {part} » n'a pas de source avant « : »")
        try:
            number = parse_number(amount)
        except ValueError:
            raise ValueError(
                f"le montant « {amount.strip()} » de « {source} » n'est pas un nombre"
            ) from None
        if number is not None and number < 0:
            raise ValueError(f"le montant de « {source} » est négatif")
        if len(source) > 200:
            raise ValueError(f"la source « {source[:40]}… » dépasse 200 caractères")
        out.append(Funding(source=source, montant=number))
    return out


class _Reader:
    """Collects the wrong cells while reading the sheets."""

    def __init__(self) -> None:
        self.problems: list[CellProblem] = []

    def bad(self, sheet: str, row: int, col: int, value: Any, reason: str) -> None:  # noqa: ANN401
        self.problems.append(CellProblem(sheet, row, _letter(col), _text(value), reason))


def _rows(ws: Worksheet) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of the rows that have a value."""
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
            yield number, tuple(values)


def _find_header(
    ws: Worksheet, sheet: str, required: tuple[str, ...], known: Iterable[str], r: _Reader
) -> tuple[int, dict[str, int]] | None:
    """The header row (among the first ten rows with a value) holding the ``required``
    columns, and the column index (1-based) of each known header found; None for an empty
    sheet, None and a problem if no row is the header."""
    keys = {fold(k).replace(" (€)", ""): k for k in known}
    seen = False
    for count, (number, values) in enumerate(_rows(ws)):
        seen = True
        if count >= 10:
            break
        columns: dict[str, int] = {}
        for k, v in enumerate(values, start=1):
            key = fold(_text(v)).replace(" (€)", "").replace(" (eur)", "")
            if key in keys and keys[key] not in columns:
                columns[keys[key]] = k
        if all(name in columns for name in required):
            return number, columns
    if not seen:  # an empty sheet: nothing to read
        return None
    r.bad(
        sheet,
        1,
        1,
        None,
        "ligne d'en-tête introuvable : elle doit nommer les colonnes "
        + ", ".join(f"« {c} »" for c in required)
        + " (partez du classeur exporté par l'application)",
    )
    return None


def _cell(values: tuple[Any, ...], col: int | None) -> Any:  # noqa: ANN401 - a cell value
    if col is None or col > len(values):
        return None
    return values[col - 1]


def _field_errors(
    exc: ValidationError, columns: dict[str, int], first: int
) -> Iterator[tuple[int, str]]:
    """(column, French reason) of each error of a pydantic model built from a row."""
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else ""
        col = columns.get(name, columns.get(f"{name} (€)", first))
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "string_too_long":
            reason = f"texte trop long ({ctx.get('max_length')} caractères au plus)"
        elif kind == "string_too_short":
            reason = "case obligatoire vide"
        elif kind in ("greater_than_equal", "less_than_equal"):
            reason = f"valeur hors des bornes ({err['msg']})"
        else:
            reason = f"valeur refusée ({err['msg']})"
        yield col, reason


def _build(
    model: type[_M],
    fields: dict[str, Any],
    r: _Reader,
    sheet: str,
    number: int,
    values: tuple[Any, ...],
    columns: dict[str, int],
    before: int,
) -> _M | None:
    """``model`` built from a row's parsed ``fields``; the model's own checks (lengths, bounds)
    reported on the cells not already found wrong (``before``: problems count at the row's
    start), so that every problem of the row is listed; None when the row has any problem."""
    flagged = {(p.row, p.column) for p in r.problems[before:]}
    try:
        built = model(**fields)
    except ValidationError as exc:
        for col, reason in _field_errors(exc, columns, 1):
            if (number, _letter(col)) not in flagged:
                flagged.add((number, _letter(col)))
                r.bad(sheet, number, col, _cell(values, col), reason)
        return None
    return built if len(r.problems) == before else None


def _read_vision(ws: Worksheet, r: _Reader) -> tuple[str, str, int | None]:
    sheet = "vision"
    found: dict[str, tuple[int, Any]] = {}
    for number, values in _rows(ws):
        key = fold(_text(_cell(values, 1)))
        if key in ("territoire", "vision", "horizon") and key not in found:
            found[key] = (number, _cell(values, 2))
    territory = _text(found.get("territoire", (0, None))[1])
    vision = _text(found.get("vision", (0, None))[1])
    if len(vision) > 10000:
        r.bad(sheet, found["vision"][0], 2, vision[:40], "vision trop longue (10 000 caractères)")
    horizon: int | None = None
    if "horizon" in found:
        row, value = found["horizon"]
        try:
            year = parse_number(value)
            if year is not None and (not year.is_integer() or not 2025 <= year <= 2100):
                raise ValueError(value)
            horizon = None if year is None else int(year)
        except ValueError:
            r.bad(sheet, row, 2, value, "l'horizon doit être une année entre 2025 et 2100")
    return territory, vision, horizon


def _read_themes(ws: Worksheet, r: _Reader) -> list[str]:
    header = _find_header(ws, "themes", ("theme",), ("theme",), r)
    if header is None:
        return []
    start, columns = header
    col = columns["theme"]
    themes: list[str] = []
    seen: dict[str, int] = {}
    for number, values in _rows(ws):
        if number <= start:
            continue
        value = _cell(values, col)
        theme = _text(value)
        if not theme:
            continue
        if fold(theme) in seen:
            r.bad("themes", number, col, value, f"thème déjà donné ligne {seen[fold(theme)]}")
        elif len(theme) > 200:
            r.bad("themes", number, col, theme[:40], "thème trop long (200 caractères au plus)")
        else:
            seen[fold(theme)] = number
            themes.append(theme)
    return themes


_ACTION_NAMES = tuple(name for name, _ in ACTION_COLUMNS)


def _read_actions(ws: Worksheet, themes: list[str], r: _Reader) -> list[Action]:
    sheet = "actions"
    header = _find_header(ws, sheet, ("titre", "theme"), _ACTION_NAMES, r)
    if header is None:
        return []
    start, columns = header
    rows = [(n, v) for n, v in _rows(ws) if n > start]
    if len(rows) > MAX_ACTIONS:
        raise InputError(
            f"Feuille « actions » : {len(rows)} actions, plus que les {MAX_ACTIONS} qu'un "
            "programme peut compter ; scindez le programme ou supprimez des lignes.",
            field="classeur",
        )
    by_key = {fold(t): t for t in themes}
    actions: list[Action] = []
    for number, values in rows:
        before = len(r.problems)

        def get(name: str, values: tuple[Any, ...] = values) -> Any:  # noqa: ANN401
            return _cell(values, columns.get(name))

        def bad(name: str, reason: str, number: int = number) -> None:
            col = columns.get(name, 1)
            r.bad(sheet, number, col, get(name), reason)

        fields: dict[str, Any] = {
            "titre": _text(get("titre")),
            "description": _text(get("description")),
            "porteur": _text(get("porteur")),
            "partenaires": _text(get("partenaires")),
        }
        theme = _text(get("theme"))
        if theme and fold(theme) not in by_key:
            by_key[fold(theme)] = theme
            themes.append(theme)
        fields["theme"] = by_key.get(fold(theme), theme)
        try:
            fields["budget"] = parse_number(get("budget (€)"))
            if fields["budget"] is not None and fields["budget"] < 0:
                bad("budget (€)", "le budget est négatif")
        except ValueError:
            bad("budget (€)", "le budget doit être un montant en euros (par exemple 12 000,50)")
        try:
            fields["financements"] = parse_funding(get("financements"))
        except ValueError as exc:
            bad(
                "financements",
                f"{exc.args[0] if isinstance(exc.args[0], str) else 'format inconnu'} ; "
                "écrivez « Source : montant ; Source 2 : montant »",
            )
        for name in ("debut", "fin"):
            try:
                fields[name] = parse_date(get(name))
            except ValueError:
                bad(name, "date illisible : écrivez JJ/MM/AAAA (ou une date du tableur)")
        if fields.get("debut") and fields.get("fin") and fields["fin"] < fields["debut"]:
            bad("fin", f"la fin précède le début ({fields['debut']:%d/%m/%Y})")
        try:
            fields["statut"] = parse_status(get("statut"))
        except ValueError:
            bad("statut", "statut inconnu : choisissez " + ", ".join(STATUSES.values()))
        action = _build(Action, fields, r, sheet, number, values, columns, before)
        if action is not None:
            actions.append(action)
    return actions


_INDICATOR_NAMES = tuple(name for name, _ in INDICATOR_COLUMNS)


def _read_indicators(ws: Worksheet, r: _Reader) -> list[FollowedIndicator]:
    sheet = "indicateurs"
    header = _find_header(ws, sheet, ("source", "libelle"), _INDICATOR_NAMES, r)
    if header is None:
        return []
    start, columns = header
    out: list[FollowedIndicator] = []
    for number, values in _rows(ws):
        if number <= start:
            continue
        before = len(r.problems)

        def get(name: str, values: tuple[Any, ...] = values) -> Any:  # noqa: ANN401
            return _cell(values, columns.get(name))

        def bad(name: str, reason: str, number: int = number) -> None:
            r.bad(sheet, number, columns.get(name, 1), get(name), reason)

        fields: dict[str, Any] = {
            "reference": _text(get("reference")),
            "libelle": _text(get("libelle")),
            "unite": _text(get("unite")),
        }
        source = _SOURCES.get(fold(_text(get("source"))))
        if source is None:
            bad("source", "source inconnue : écrivez « diagnostic » ou « enquete »")
        fields["source"] = source
        if not fields["libelle"]:
            bad("libelle", "case obligatoire vide : le libellé de l'indicateur")
        for name in ("valeur_initiale", "cible", "valeur_actuelle"):
            try:
                fields[name] = parse_number(get(name))
            except ValueError:
                bad(name, "nombre illisible (par exemple 12,5)")
        for name in ("date_initiale", "date_actuelle"):
            try:
                fields[name] = parse_date(get(name))
            except ValueError:
                bad(name, "date illisible : écrivez JJ/MM/AAAA (ou une date du tableur)")
        try:
            year = parse_number(get("annee_cible"))
            if year is not None and (not year.is_integer() or not 2000 <= year <= 2100):
                raise ValueError(year)
            fields["annee_cible"] = None if year is None else int(year)
        except ValueError:
            bad("annee_cible", "l'année cible doit être une année entre 2000 et 2100")
        indicator = _build(FollowedIndicator, fields, r, sheet, number, values, columns, before)
        if indicator is not None:
            out.append(indicator)
    return out


def _sheets(names: Iterable[str]) -> dict[str, str]:
    """The workbook's sheet names by their folded form (« Actions » is « actions »)."""
    out: dict[str, str] = {}
    for name in names:
        out.setdefault(fold(name), name)
    return out


def read_workbook(data: bytes, name: str) -> Programme:
    """The programme of a workbook (``name``: its file name, for the messages). The motives are
    not read (see the module's docstring). :class:`WorkbookError` lists every wrong cell; an
    unreadable file, a missing ``actions`` sheet or more than :data:`MAX_ACTIONS` actions is an
    :class:`InputError`."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # zipfile, XML or openpyxl errors: the file is not a workbook
        raise InputError(
            f"« {name} » n'est pas un classeur XLSX lisible ({type(exc).__name__}) : partez du "
            "classeur exporté par l'application.",
            field="classeur",
        ) from None
    try:
        sheets = _sheets(wb.sheetnames)
        if "actions" not in sheets:
            raise InputError(
                f"Classeur « {name} » : la feuille « actions » manque (une ligne par action) ; "
                "partez du classeur exporté par l'application.",
                field="classeur",
            )
        r = _Reader()
        territory, vision, horizon = (
            _read_vision(wb[sheets["vision"]], r) if "vision" in sheets else ("", "", None)
        )
        themes = _read_themes(wb[sheets["themes"]], r) if "themes" in sheets else []
        actions = _read_actions(wb[sheets["actions"]], themes, r)
        indicators = (
            _read_indicators(wb[sheets["indicateurs"]], r) if "indicateurs" in sheets else []
        )
    finally:
        wb.close()
    if r.problems:
        order = {s: k for k, s in enumerate(("vision", "themes", "actions", "indicateurs"))}
        r.problems.sort(key=lambda p: (order[p.sheet], p.row, len(p.column), p.column))
        raise WorkbookError(name, r.problems)
    return Programme(
        territoire=territory,
        vision=vision,
        horizon=horizon,
        themes=themes,
        actions=actions,
        indicateurs=indicators,
    )
