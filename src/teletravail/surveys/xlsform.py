"""XLSForm import: pyxform converts the file to an XForm, this module builds the :class:`Form`.

The question tree comes from pyxform's internal dictionary (custom columns such as ``analyse`` pass
through there); the bind expressions come from the generated XForm, where pyxform has already
translated ``${name}`` references into XPath paths. Every expression is compiled at import so a
syntax error or an unknown function is reported with its sheet, row and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from threading import Lock
from typing import Any
from xml.etree import ElementTree as ET

from teletravail.surveys.errors import FormError
from teletravail.surveys.form import Choice, Form, Question
from teletravail.surveys.personal import personal_reason
from teletravail.surveys.sheets import (
    SheetLimits,
    SheetTooLargeError,
    bounded_rows,
    check_archive,
    check_dimension,
)
from teletravail.surveys.xpath import XPathCompileError, compile_expression

SUPPORTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".md")

#: Size limits of an XLSForm workbook (checked before pyxform reads it): 200,000 rows and 500
#: columns per sheet, reading stopped after 1,000 consecutive empty rows, 100 MB uncompressed.
FORM_LIMITS = SheetLimits(
    rows=200_000, columns=500, empty_rows=1_000, uncompressed_bytes=100 * 1024 * 1024
)

_XF = "{http://www.w3.org/2002/xforms}"
_H = "{http://www.w3.org/1999/xhtml}"
_JR = "{http://openrosa.org/javarosa}"

#: pyxform type name -> engine kind.
_KINDS: dict[str, str] = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
    "datetime": "datetime",
    "note": "note",
    "calculate": "calculate",
    "hidden": "hidden",
    "acknowledge": "acknowledge",
    "range": "range",
    "group": "group",
    "repeat": "repeat",
}

#: Metadata filled by the server at submission time.
SERVER_METADATA = ("start", "end", "today")

#: Device metadata never collected (dropped with a warning).
DROPPED_METADATA = frozenset(
    {"deviceid", "subscriberid", "simserial", "phonenumber", "username", "email", "audit"}
)

_PERSONAL_TYPES = {
    "geopoint": "une position géographique",
    "geotrace": "un tracé géographique",
    "geoshape": "une zone géographique",
    "start-geopoint": "une position géographique",
    "photo": "une image",
    "image": "une image",
    "audio": "un enregistrement audio",
    "background-audio": "un enregistrement audio",
    "video": "une vidéo",
    "file": "un fichier",
    "barcode": "un code-barres",
}

#: Text types that always collect personal data: accepted (as text) only with a purpose.
_PERSONAL_TEXT_TYPES = {"phone number": "un numéro de téléphone"}

_UNSUPPORTED_REASONS = {
    "loop": (
        "les boucles (« begin loop ») ne sont pas prises en charge : utilisez une répétition "
        "(begin_repeat) ou une question par choix."
    ),
    "select one external": (
        "les choix externes (« select_one_external », feuille « external_choices ») ne sont "
        "pas pris en charge : mettez les choix dans la feuille « choices » et filtrez-les "
        "avec la colonne « choice_filter »."
    ),
    "rank": "le classement (« rank ») n'est pas pris en charge : utilisez plusieurs select_one.",
    "trigger": "le type « trigger » n'est pas pris en charge : utilisez « acknowledge ».",
    "xml-external": "les données externes (« xml-external ») ne sont pas prises en charge.",
    "csv-external": "les données externes (« csv-external ») ne sont pas prises en charge.",
}

_STANDARD_KEYS = frozenset(
    {
        "type",
        "name",
        "label",
        "hint",
        "bind",
        "children",
        "choices",
        "itemset",
        "list_name",
        "parameters",
        "control",
        "default",
        "choice_filter",
        "media",
        "guidance_hint",
        "instance",
        "sms_field",
        "trigger",
        "analyse",
        "donnee_personnelle",
        "theme",
    }
)

#: Other headers pyxform accepts for a survey column (see pyxform.aliases.survey_header).
_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "calculation": ("calculate",),
    "relevant": ("relevance",),
    "repeat_count": ("count", "jr:count"),
    "constraint_message": ("constraining_message",),
    "required_message": ("requiredmsg",),
}

_COLUMN_OF_BIND = {
    "relevant": "relevant",
    "constraint": "constraint",
    "required": "required",
    "calculate": "calculation",
}


# --------------------------------------------------------------------------- reading the file


def _extension(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def _check_readable(data: bytes, filename: str) -> str:
    """Refuse empty, unknown or unreadable files; return the normalised extension."""
    ext = _extension(filename)
    if ext not in SUPPORTED_EXTENSIONS:
        raise FormError(
            f"le fichier « {filename} » n'est pas un XLSForm : extensions acceptées "
            f"{', '.join(SUPPORTED_EXTENSIONS)}."
        )
    if not data.strip():
        raise FormError(f"le fichier « {filename} » est vide.")
    if ext in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise FormError(
                f"le fichier « {filename} » n'est pas un classeur Excel lisible : "
                "enregistrez-le au format .xlsx."
            )
        sheets = _xlsx_sheet_names(data, filename)
        if "survey" not in sheets:
            raise FormError(
                "la feuille « survey » est absente du classeur (feuilles trouvées : "
                f"{', '.join(sheets) or 'aucune'}).",
                sheet="survey",
            )
    if ext == ".xls" and not data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FormError(f"le fichier « {filename} » n'est pas un classeur Excel 97 (.xls) lisible.")
    if ext in (".csv", ".md"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise FormError(
                f"le fichier « {filename} » n'est pas encodé en UTF-8 : réenregistrez-le en UTF-8."
            ) from None
        _check_sheet_column(text, ext, filename)
    return ext


def _first_cells(text: str, ext: str) -> list[tuple[int, str]]:
    """(1-based line, first cell) of the lines of a CSV/Markdown XLSForm whose first cell is
    filled: the sheet names, in a well-formed file."""
    found: list[tuple[int, str]] = []
    if ext == ".csv":
        reader = csv.reader(io.StringIO(text))
        try:
            for cells in reader:
                if cells and cells[0].strip():
                    found.append((reader.line_num, cells[0].strip()))
        except csv.Error:
            return found
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("|"):
            first = stripped.strip("|").split("|")[0].strip()
            if first:
                found.append((number, first))
    return found


def _check_sheet_column(text: str, ext: str, filename: str) -> None:
    """Refuse a CSV/Markdown XLSForm whose first column does not name the sheets."""
    expected = "survey, choices, settings"
    for line, cell in _first_cells(text, ext):
        if cell.lower() not in _WORKBOOK_SHEETS:
            raise FormError(
                f"le fichier « {filename} », ligne {line} : la première colonne doit nommer la "
                f"feuille : {expected} (trouvé « {cell} »). Dans un XLSForm en "
                f"{'CSV' if ext == '.csv' else 'Markdown'}, une ligne « survey » précède "
                "l'en-tête, et chaque ligne suivante commence par une cellule vide."
            )


def _xlsx_sheet_names(data: bytes, filename: str) -> list[str]:
    """Sheet names of a workbook, after refusing an oversized one (see :mod:`.sheets`)."""
    from openpyxl import load_workbook

    try:
        check_archive(data, FORM_LIMITS)
    except SheetTooLargeError as error:
        raise FormError(f"le fichier « {filename} » est refusé : {error.reason}") from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:
        raise FormError(
            f"le fichier « {filename} » n'est pas un classeur Excel lisible : "
            "enregistrez-le au format .xlsx."
        ) from None
    try:
        for worksheet in workbook.worksheets:
            try:
                check_dimension(worksheet, FORM_LIMITS)
            except SheetTooLargeError as error:
                raise FormError(error.reason, sheet=error.sheet) from None
        return [str(name) for name in workbook.sheetnames]
    finally:
        workbook.close()


def sheet_rows(data: bytes, filename: str, sheet: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of an XLSForm sheet as (1-based spreadsheet row, {column header: text}).

    Sheet names and column headers are matched case-insensitively (headers are returned in lower
    case). The header row is row 1 (line numbers of the table for .md files are not used: the first
    data row is row 2, as in pyxform messages). Returns [] when the sheet cannot be read.
    """
    ext = _extension(filename)
    try:
        if ext in (".xlsx", ".xlsm"):
            return _xlsx_rows(data, sheet)
        if ext == ".csv":
            return _csv_rows(data.decode("utf-8"), sheet)
        if ext == ".md":
            return _md_rows(data.decode("utf-8"), sheet)
    except Exception:  # the location is a best effort, the error itself is already known
        return []
    return []


def _as_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _xlsx_rows(data: bytes, sheet: str) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = {str(name).strip().lower(): name for name in workbook.sheetnames}
        if sheet.lower() not in names:
            return []
        rows = bounded_rows(workbook[names[sheet.lower()]], FORM_LIMITS)
        header: list[str] | None = None
        out: list[tuple[int, dict[str, str]]] = []
        for number, row in rows:
            cells = [_as_text(v) for v in row]
            if header is None:
                header = [c.lower() for c in cells]
                continue
            out.append((number, dict(zip(header, cells, strict=False))))
        return out
    finally:
        workbook.close()


def _md_rows(text: str, sheet: str) -> list[tuple[int, dict[str, str]]]:
    current: str | None = None
    header: list[str] | None = None
    number = 0
    out: list[tuple[int, dict[str, str]]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("|"):
            continue
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if cells and cells[0]:
            current, header, number = cells[0].lower(), None, 0
            continue
        if current != sheet.lower():
            continue
        values = cells[1:]
        number += 1
        if header is None:
            header = [v.lower() for v in values]
        elif any(values):
            out.append((number, dict(zip(header, values, strict=False))))
    return out


def _csv_rows(text: str, sheet: str) -> list[tuple[int, dict[str, str]]]:
    current: str | None = None
    header: list[str] | None = None
    number = 0
    out: list[tuple[int, dict[str, str]]] = []
    for cells in csv.reader(io.StringIO(text)):
        if cells and cells[0].strip():
            current, header, number = cells[0].strip().lower(), None, 0
            continue
        if current != sheet.lower():
            continue
        values = [c.strip() for c in cells[1:]]
        number += 1
        if header is None:
            header = [v.lower() for v in values]
        elif any(values):
            out.append((number, dict(zip(header, values, strict=False))))
    return out


class _Locator:
    """Finds the spreadsheet row of a question (by name) or of a type value, read lazily."""

    def __init__(self, data: bytes, filename: str) -> None:
        self._data = data
        self._filename = filename
        self._rows: list[tuple[int, dict[str, str]]] | None = None

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        if self._rows is None:
            self._rows = sheet_rows(self._data, self._filename, "survey")
        return self._rows

    def row_of(self, column: str, value: str) -> int | None:
        for number, row in self.rows():
            if row.get(column, "").strip() == value:
                return number
        return None

    def cell(self, row: int, column: str) -> str:
        """The text of ``column`` (lower-case header) at spreadsheet ``row``, "" if unknown."""
        for number, values in self.rows():
            if number == row:
                return values.get(column, "").strip()
        return ""

    def column(self, canonical: str) -> str:
        """The header the file uses for a column pyxform knows under several names
        ("calculation" written "calculate", "relevant" written "relevance"…); ``canonical``
        when the file uses it or has neither."""
        written = {key for _number, values in self.rows() for key in values}
        if canonical in written:
            return canonical
        for alias in _COLUMN_ALIASES.get(canonical, ()):
            if alias in written:
                return alias
        return canonical

    def row_of_type(self, type_value: str) -> int | None:
        for number, row in self.rows():
            cell = row.get("type", "").strip()
            if cell == type_value or cell.split(" ")[0] == type_value:
                return number
        return None


# --------------------------------------------------------------------------- preparing the workbook

_XML_NAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_WORKBOOK_SHEETS = ("survey", "choices", "settings", "external_choices", "entities", "osm")


def _without_kobo_columns(rows: object) -> object:
    """Rows (or header rows) without KoboToolbox internal columns (``$kuid``, ``$autoname``…)."""
    if not isinstance(rows, (list, tuple)) or not rows:
        return rows
    return [
        {k: v for k, v in row.items() if not str(k).startswith("$")}
        if isinstance(row, Mapping)
        else row
        for row in rows
    ]


def _read_workbook(data: bytes, file_type: str) -> dict[str, Any]:
    """pyxform's workbook dictionary of the file, KoboToolbox ``$`` columns removed.

    KoboToolbox exports carry internal columns (``$kuid``, ``$autoname``, ``$prev``…) that
    KoboToolbox strips before calling pyxform; left in, they produce an invalid XForm.
    """
    from dataclasses import fields

    from pyxform.xls2json_backends import get_xlsform

    definition = get_xlsform(xlsform=data, file_type=file_type)
    workbook = {f.name: getattr(definition, f.name) for f in fields(definition)}
    for sheet in _WORKBOOK_SHEETS:
        for key in (sheet, f"{sheet}_header"):
            workbook[key] = _without_kobo_columns(workbook.get(key))
    return workbook


def _unreadable_xform(workbook: Mapping[str, Any]) -> FormError:
    """The error for an XForm pyxform produced but that is not XML (bad column names)."""
    for sheet in ("choices", "survey"):
        for row in workbook.get(sheet) or ():
            for column in row:
                base = str(column).split("::")[0].strip()
                if base and not _XML_NAME.match(base):
                    return FormError(
                        f"le nom de colonne « {column} » n'est pas utilisable dans un XForm : "
                        "il doit commencer par une lettre ou « _ », puis ne contenir que des "
                        "lettres, chiffres, « _ », « - » ou « . ».",
                        sheet=sheet,
                        row=1,
                        column=str(column),
                    )
    return FormError(
        "pyxform a produit un XForm illisible à partir de ce fichier : vérifiez les noms de "
        "colonnes et de choix (lettres, chiffres, « _ », « - », « . »)."
    )


# --------------------------------------------------------------------------- pyxform errors


_ROW_SHEET_COLUMN = re.compile(
    r"^\[row : (\d+)\] On the '([^']+)' sheet, the '([^']+)' value(?: '([^']*)')? is invalid\.\s*(.*)$",
    re.S,
)
_ROW_ONLY = re.compile(r"^\[row : (\d+)\]\s*(.*)$", re.S)


def _french_detail(detail: str, value: str | None) -> str:
    missing = re.search(r"Could not find the name '([^']+)'", detail)
    if missing:
        return (
            f"la référence ${{{missing[1]}}} ne correspond à aucune question de la feuille "
            "« survey »."
        )
    if "must be unique within their nearest parent" in detail:
        return (
            f"le nom « {value} » est déjà utilisé au même niveau : chaque question, groupe ou "
            "répétition doit avoir un nom unique."
        )
    if "Names must begin with a letter or underscore" in detail:
        return (
            "nom invalide : il doit commencer par une lettre ou « _ », puis ne contenir que des "
            "lettres, chiffres, « _ », « - » ou « . »."
        )
    if "Choice names must be unique" in detail:
        return (
            "ce nom de choix est déjà utilisé dans la même liste : les noms doivent être uniques."
        )
    keys = re.search(
        r"accepted parameter keys .*? are '([^']*)'.*invalid parameter key\(s\): '([^']*)'",
        detail,
        re.S,
    )
    if keys:
        return (
            f"paramètre(s) « {keys[2]} » non reconnu(s) : paramètres acceptés pour ce type : "
            f"{keys[1]}."
        )
    number = re.search(r"the parameter '([^']+)' must be a number", detail)
    if number:
        return f"le paramètre « {number[1]} » doit être un nombre."
    if "must not be 'name' or 'label'" in detail:
        return "les noms « name » et « label » sont réservés : choisissez un autre nom."
    return f"valeur refusée par pyxform (message d'origine : « {detail.strip()} »)."


def _counterpart(keyword: str) -> str:
    """The closing (or opening) keyword of a group/repeat, spelt like ``keyword``:
    "begin group" → "end group", "end_repeat" → "begin_repeat"."""
    match = re.match(r"^(begin|end)([\s_]+)(\w+)", keyword.strip(), re.I)
    if match is None:
        return "?"
    opposite = {"begin": "end", "end": "begin"}[match[1].lower()]
    if match[1].isupper():
        opposite = opposite.upper()
    return f"{opposite}{match[2]}{match[3]}"


def _map_pyxform_error(message: str, locator: _Locator) -> FormError:
    """Translate a pyxform error message into a located French FormError."""
    text = message.strip()
    match = _ROW_SHEET_COLUMN.match(text)
    if match:
        row, sheet, column, value, detail = match.groups()
        return FormError(_french_detail(detail, value), sheet=sheet, row=int(row), column=column)
    match = _ROW_ONLY.match(text)
    if match:
        row_text, detail = match.groups()
        row = int(row_text)
        unmatched = re.match(r"Unmatched '(\w+)'", detail)
        if unmatched:
            keyword = locator.cell(row, "type") or unmatched[1]
            counterpart = _counterpart(keyword)
            return FormError(
                f"« {keyword} » sans « {counterpart} » correspondant.",
                sheet="survey",
                row=row,
                column="type",
            )
        if "with no name" in detail:
            return FormError(
                "le nom de la question est vide.", sheet="survey", row=row, column="name"
            )
        if "Missing calculation" in detail:
            column = locator.column("calculation")
            return FormError(
                "une question « calculate » doit avoir une formule.",
                sheet="survey",
                row=row,
                column=column,
            )
        listed = re.match(r"List name not in choices sheet: (.+)$", detail)
        if listed:
            return FormError(
                f"la liste « {listed[1].strip()} » n'existe pas dans la feuille « choices ».",
                sheet="survey",
                row=row,
                column="type",
            )
        return FormError(f"ligne refusée par pyxform ({detail.strip()}).", sheet="survey", row=row)
    unknown = re.match(r"Unknown question type '([^']+)'", text)
    if unknown:
        return FormError(
            f"type de question « {unknown[1]} » inconnu.",
            sheet="survey",
            row=locator.row_of_type(unknown[1]),
            column="type",
        )
    no_label = re.match(r"The survey element named '([^']+)' has no label or hint", text)
    if no_label:
        return FormError(
            f"la question « {no_label[1]} » n'a ni libellé ni indication.",
            sheet="survey",
            row=locator.row_of("name", no_label[1]),
            column="label",
        )
    if "There should be a choices sheet" in text:
        return FormError(
            "la feuille « choices » est absente alors que des questions à choix l'utilisent "
            "(colonnes list_name, name, label).",
            sheet="choices",
        )
    if "You must have a sheet named 'survey'" in text:
        return FormError("la feuille « survey » est absente du fichier.", sheet="survey")
    headers = re.match(r"Invalid headers provided for sheet: '([^']+)'.*?: '([^']+)'", text, re.S)
    if headers:
        return FormError(
            f"la colonne obligatoire « {headers[2]} » est absente.",
            sheet=headers[1],
            row=1,
            column=headers[2],
        )
    if "There should be an external_choices sheet" in text:
        return FormError(
            _UNSUPPORTED_REASONS["select one external"],
            sheet="survey",
            row=locator.row_of_type("select_one_external"),
            column="type",
        )
    if text.startswith("This section has not been included"):
        return FormError(
            "le type « include » (inclusion d'un autre formulaire) n'est pas pris en charge : "
            "recopiez les questions dans la feuille « survey ».",
            sheet="survey",
            row=locator.row_of_type("include"),
            column="type",
        )
    if "was not recognized as a supported type" in text:
        return FormError("le fichier n'est pas un XLSForm lisible (classeur, CSV ou Markdown).")
    return FormError(f"XLSForm refusé par pyxform (message d'origine : « {text} »).")


# --------------------------------------------------------------------------- building the Form


class _XFormIndex:
    """What the engine needs from the generated XForm: binds, itemsets, repeat counts, header."""

    def __init__(self, xform: str) -> None:
        root = ET.fromstring(xform)
        self.binds: dict[str, dict[str, str]] = {}
        self.itemsets: dict[str, str] = {}
        self.counts: dict[str, str] = {}
        self.setvalues: dict[str, str] = {}
        self.item_values: dict[str, str] = {}
        self.title = ""
        self.instance_root = "data"
        self.instance_id = ""
        self.version = ""
        head = root.find(f"{_H}head")
        if head is not None:
            title = head.find(f"{_H}title")
            self.title = (title.text or "").strip() if title is not None else ""
            model = head.find(f"{_XF}model")
            if model is not None:
                for bind in model.iter(f"{_XF}bind"):
                    attrs = {key.replace(_JR, "jr:"): value for key, value in bind.attrib.items()}
                    self.binds[attrs.get("nodeset", "")] = attrs
                instance = model.find(f"{_XF}instance")
                if instance is not None and len(instance):
                    main = instance[0]
                    self.instance_root = main.tag.replace(_XF, "")
                    self.instance_id = main.get("id", "")
                    self.version = main.get("version", "")
        for setvalue in root.iter(f"{_XF}setvalue"):
            events = setvalue.get("event", "").split()
            target = setvalue.get("ref", "")
            if target and ("odk-instance-first-load" in events or "odk-new-repeat" in events):
                self.setvalues.setdefault(target, setvalue.get("value", ""))
        body = root.find(f"{_H}body")
        if body is not None:
            for element in body.iter():
                ref = element.get("ref")
                itemset = element.find(f"{_XF}itemset")
                if ref and itemset is not None:
                    self.itemsets[ref] = itemset.get("nodeset", "")
                if ref and itemset is not None:
                    value = itemset.find(f"{_XF}value")
                    self.item_values[ref] = value.get("ref", "") if value is not None else ""
                if element.tag == f"{_XF}repeat" and element.get(f"{_JR}count"):
                    self.counts[element.get("nodeset", "")] = element.get(f"{_JR}count", "")


def _pick_language(languages: Sequence[str], default_language: str) -> str:
    if default_language and default_language in languages:
        return default_language
    for language in languages:
        lowered = language.lower()
        if "(fr)" in lowered or lowered.startswith("fr") or "français" in lowered:
            return language
    if "default" in languages:
        return "default"
    return languages[0] if languages else ""


def _collect_languages(node: Mapping[str, Any], found: list[str]) -> None:
    for key in ("label", "hint"):
        value = node.get(key)
        if isinstance(value, Mapping):
            for language in value:
                if language not in found:
                    found.append(str(language))
    for child in node.get("children", ()) or ():
        _collect_languages(child, found)
    for options in (
        (node.get("choices") or {}).values() if isinstance(node.get("choices"), Mapping) else ()
    ):
        for option in options:
            _collect_languages(option, found)


def _text(value: object, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        if language in value:
            return str(value[language])
        for fallback in ("default", *value.keys()):
            if value.get(fallback):
                return str(value[fallback])
        return ""
    return str(value)


def _type_definition(raw_type: str) -> Mapping[str, Any]:
    """pyxform's definition of a question type (aliases such as "q int" included)."""
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    definition = QUESTION_TYPE_DICT.get(raw_type)
    return definition if isinstance(definition, Mapping) else {}


def _metadata_kind(raw_type: str) -> str | None:
    """ "start"/"end"/"today" for server-filled metadata, another name for device metadata
    (dropped), None for a question. Legacy aliases ("get start time", "imei"…) included."""
    if raw_type in SERVER_METADATA or raw_type in DROPPED_METADATA:
        return raw_type
    bind = _type_definition(raw_type).get("bind") or {}
    preload, params = bind.get("jr:preload"), str(bind.get("jr:preloadParams", ""))
    if preload == "timestamp" and params in ("start", "end"):
        return params
    if preload == "date" and params == "today":
        return "today"
    if preload == "property":
        return params.removeprefix("uri:") or raw_type
    return None


_BIND_KINDS = {
    "string": "text",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
}


def _kind_of(raw_type: str) -> str | None:
    """Engine kind of a pyxform type, legacy aliases ("q int", "percentage"…) mapped through
    pyxform's type dictionary; None when the engine does not support the type."""
    if raw_type in _KINDS:
        return _KINDS[raw_type]
    if raw_type in _PERSONAL_TEXT_TYPES:
        return "text"
    definition = _type_definition(raw_type)
    control = definition.get("control") or {}
    bind = definition.get("bind") or {}
    tag, bind_type = control.get("tag"), bind.get("type")
    if tag == "select1":
        return "select_one"
    if tag == "select":
        return "select_multiple"
    if tag == "trigger" and bind_type == "string":
        return "acknowledge"
    if tag == "input" and bind_type == "string" and bind.get("readonly") == "true()":
        return "note"
    if tag is None and bind_type == "string" and not bind.get("jr:preload"):
        return "calculate"
    if tag == "input" and raw_type not in _UNSUPPORTED_REASONS:
        return _BIND_KINDS.get(str(bind_type))
    return None


def _personal_type(raw_type: str) -> str | None:
    """What a file/location type collects ("une image"…), None for other types."""
    if raw_type in _PERSONAL_TYPES:
        return _PERSONAL_TYPES[raw_type]
    definition = _type_definition(raw_type)
    bind_type = str((definition.get("bind") or {}).get("type", ""))
    if bind_type in ("geopoint", "geotrace", "geoshape", "barcode"):
        return _PERSONAL_TYPES[bind_type]
    if bind_type == "binary":
        return "un fichier"
    return None


def _expression(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


class _Builder:
    def __init__(
        self,
        survey: Mapping[str, Any],
        xform: _XFormIndex,
        locator: _Locator,
        language: str,
    ) -> None:
        self.xform = xform
        self.locator = locator
        self.language = language
        self.warnings: list[str] = []
        self.metadata: list[tuple[str, str]] = []
        self.choices: dict[str, tuple[Choice, ...]] = {}
        for list_name, options in (survey.get("choices") or {}).items():
            self.choices[str(list_name)] = tuple(self._choice(o) for o in options)

    def _choice(self, option: Mapping[str, Any]) -> Choice:
        name = str(option.get("name", ""))
        label = _text(option.get("label"), self.language)
        if name == "other" and label in ("Other", ""):
            label = "Autre"
        extra = {
            str(k): str(v)
            for k, v in option.items()
            if k not in ("name", "label", "media") and not isinstance(v, (Mapping, list))
        }
        return Choice(name=name, label=label, extra=extra)

    def row(self, name: str) -> int | None:
        return self.locator.row_of("name", name)

    def build(self, nodes: Sequence[Mapping[str, Any]], parent_path: str) -> tuple[Question, ...]:
        out: list[Question] = []
        names = {str(n.get("name", "")) for n in nodes}
        for node in nodes:
            question = self._node(node, parent_path, names)
            if question is not None:
                out.append(question)
        return tuple(out)

    def _node(
        self, node: Mapping[str, Any], parent_path: str, sibling_names: set[str]
    ) -> Question | None:
        name = str(node.get("name", ""))
        raw_type = str(node.get("type", ""))
        path = f"{parent_path}/{name}"
        if raw_type == "group" and name == "meta" and parent_path.count("/") == 1:
            for child in node.get("children", ()) or ():
                if child.get("name") == "audit":
                    self._drop("audit", "audit")
            return None
        metadata = _metadata_kind(raw_type)
        if metadata in SERVER_METADATA:
            self.metadata.append((name, metadata))
            return None
        if metadata is not None:
            self._drop(name, raw_type)
            return None
        kind = _kind_of(raw_type)
        row = self.row(name)
        if kind is None:
            personal = _personal_type(raw_type)
            if personal is not None:
                what = personal
                raise FormError(
                    f"la question « {name} » collecte {what} (type « {raw_type} ») : ce type "
                    "n'est pas pris en charge par le moteur (donnée personnelle, fichiers non "
                    "stockés). Remplacez-la par une question texte ou à choix.",
                    sheet="survey",
                    row=row,
                    column="type",
                )
            reason = _UNSUPPORTED_REASONS.get(
                raw_type,
                f"le type de question « {raw_type} » n'est pas pris en charge "
                "(types acceptés : text, integer, decimal, select_one, select_multiple, date, "
                "time, datetime, note, acknowledge, range, calculate, hidden, groupes et "
                "répétitions).",
            )
            raise FormError(reason, sheet="survey", row=row, column="type")
        itemset = str(node.get("itemset", "") or "")
        if kind in ("select_one", "select_multiple") and re.search(
            r"\.(csv|xml|geojson)$", itemset
        ):
            raise FormError(
                f"la liste de choix « {itemset} » provient d'un fichier externe : ce n'est pas "
                "pris en charge, recopiez les choix dans la feuille « choices ».",
                sheet="survey",
                row=row,
                column="type",
            )
        bind = self.xform.binds.get(path, {})
        extra = {
            str(k): v for k, v in node.items() if k not in _STANDARD_KEYS and not k.startswith("_")
        }
        raw_bind = node.get("bind") or {}
        list_name = str(node.get("list_name") or itemset or "") or None
        choices = self.choices.get(list_name, ()) if list_name else ()
        choice_filter: str | None = None
        nodeset = self.xform.itemsets.get(path, "")
        predicate = re.search(r"\[(.*)\]\s*$", nodeset, re.S)
        from_repeat = bool(nodeset) and not nodeset.lstrip().startswith(("instance(", "randomize("))
        if predicate and node.get("choice_filter") and not from_repeat:
            choice_filter = _expression(predicate[1])
        item_predicate = re.search(r"/item\[(.*)\]", nodeset, re.S)
        if (
            choice_filter is None
            and item_predicate
            and node.get("choice_filter")
            and not from_repeat
        ):
            choice_filter = _expression(item_predicate[1])  # randomize(…/item[filter], seed)
        default_expression = _expression(self.xform.setvalues.get(path))
        required = _expression(bind.get("required"))
        if required in ("false()",):
            required = None
        children: tuple[Question, ...] = ()
        if kind in ("group", "repeat"):
            children = self.build(node.get("children", ()) or (), path)
        label = _text(node.get("label"), self.language)
        parameters = {str(k): str(v) for k, v in (node.get("parameters") or {}).items()}
        question = Question(
            path=path,
            name=name,
            kind=kind,
            label=label,
            hint=_text(node.get("hint"), self.language),
            required=required,
            relevant=_expression(bind.get("relevant")),
            constraint=_expression(bind.get("constraint")),
            constraint_message=_text(raw_bind.get("jr:constraintMsg"), self.language),
            calculate=_expression(bind.get("calculate")),
            choice_filter=choice_filter,
            default=None
            if node.get("default") in (None, "") or default_expression is not None
            else str(node.get("default")),
            default_expression=default_expression,
            itemset=nodeset if from_repeat else None,
            itemset_value=self.xform.item_values.get(path, "") if from_repeat else "",
            readonly=bind.get("readonly", "") == "true()",
            appearance=str((node.get("control") or {}).get("appearance", "")),
            list_name=list_name if kind in ("select_one", "select_multiple") else None,
            choices=choices if kind in ("select_one", "select_multiple") else (),
            or_other=f"{name}_other" in sibling_names and any(c.name == "other" for c in choices),
            analyse=str(node.get("analyse", "") or ""),
            donnee_personnelle=str(node.get("donnee_personnelle", "") or ""),
            theme=str(node.get("theme", "") or ""),
            children=children,
            required_message=_text(raw_bind.get("jr:requiredMsg"), self.language),
            repeat_count=_expression(self.xform.counts.get(path)) if kind == "repeat" else None,
            parameters=parameters,
            extra=extra,
        )
        if name.endswith("_other") and label == "Specify other.":
            question = _replace_label(question, "Précisez :")
        self._check_personal(question, row, raw_type)
        self._compile(question, row)
        return question

    def _drop(self, name: str, raw_type: str) -> None:
        self.warnings.append(
            f"La métadonnée « {name} » (type « {raw_type} ») n'est pas collectée : donnée de "
            "l'appareil ou de l'enquêteur, elle est ignorée."
        )

    def _check_personal(self, question: Question, row: int | None, raw_type: str) -> None:
        if question.kind in ("group", "repeat", "note", "calculate"):
            return
        what = _PERSONAL_TEXT_TYPES.get(raw_type)
        if what is not None and not question.donnee_personnelle.strip():
            raise FormError(
                f"la question « {question.name} » collecte {what} (type « {raw_type} ») : "
                "indiquez sa finalité dans la colonne « donnee_personnelle » ou supprimez-la.",
                sheet="survey",
                row=row,
                column="donnee_personnelle",
            )
        if question.donnee_personnelle.strip():
            return
        why = personal_reason(question.name, question.label, question.kind)
        if why is not None:
            raise FormError(
                f"la question « {question.name} » semble collecter une donnée personnelle "
                f"({why}) : indiquez sa finalité dans la colonne « donnee_personnelle », ou "
                "renommez et reformulez la question si elle ne porte pas sur la personne "
                "interrogée.",
                sheet="survey",
                row=row,
                column="donnee_personnelle",
            )

    def _compile(self, question: Question, row: int | None) -> None:
        checks = [
            ("relevant", question.relevant),
            ("constraint", question.constraint),
            ("required", question.required),
            ("calculation", question.calculate),
            ("choice_filter", question.choice_filter),
            ("repeat_count", question.repeat_count),
            ("default", question.default_expression),
            ("choice_filter", question.itemset),
        ]
        for column, expression in checks:
            if expression is None:
                continue
            try:
                compile_expression(expression)
            except XPathCompileError as error:
                raise FormError(
                    str(error),
                    sheet="survey",
                    row=row or self.row(question.name),
                    column=self.locator.column(column),
                ) from None


def _replace_label(question: Question, label: str) -> Question:
    from dataclasses import replace

    return replace(question, label=label)


def _settings(survey: Mapping[str, Any]) -> tuple[str, str, str, str]:
    form_id = str(survey.get("id_string") or survey.get("name") or "")
    title = str(survey.get("title") or form_id)
    version = str(survey.get("version") or "")
    default_language = str(survey.get("default_language") or "")
    return form_id, title, version, default_language


def load_xlsform(data: bytes, filename: str) -> Form:
    """Convert an XLSForm (.xlsx, .xlsm, .xls, .csv, .md) into a :class:`Form`.

    Raises :class:`FormError` (French message with sheet/row/column) when the file is unreadable,
    refused by pyxform, uses an unsupported question type, has an invalid expression, or asks for
    personal data without a ``donnee_personnelle`` purpose. Device metadata (deviceid, username…)
    is dropped and reported in ``Form.warnings``.
    """
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    ext = _check_readable(data, filename)
    locator = _Locator(data, filename)
    pyxform_warnings: list[str] = []
    try:
        workbook = _read_workbook(data, ".xlsx" if ext == ".xlsm" else ext)
        result = convert(workbook, warnings=pyxform_warnings)
    except PyXFormError as error:
        raise _map_pyxform_error(str(error), locator) from None
    except Exception:  # pyxform/openpyxl/xlrd raise many kinds on broken files
        raise FormError(
            f"le fichier « {filename} » n'a pas pu être lu comme un XLSForm : vérifiez qu'il "
            "suit le modèle (feuille « survey » avec les colonnes type, name, label ; feuilles "
            "« choices » et « settings » facultatives) et qu'il n'est pas endommagé."
        ) from None
    survey: Mapping[str, Any] = result._pyxform or {}
    try:
        xform_index = _XFormIndex(result.xform)
    except ET.ParseError:
        raise _unreadable_xform(workbook) from None
    form_id, title, version, default_language = _settings(survey)
    languages: list[str] = []
    _collect_languages(survey, languages)
    language = _pick_language(languages, default_language)
    builder = _Builder(survey, xform_index, locator, language)
    root = xform_index.instance_root or str(survey.get("name") or "data")
    children = builder.build(survey.get("children", ()) or (), f"/{root}")
    return Form(
        form_id=xform_index.instance_id or form_id,
        title=xform_index.title or title,
        version=xform_index.version or version,
        root=root,
        children=children,
        choices=builder.choices,
        xform=result.xform,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=tuple(builder.warnings),
        default_language=language,
        metadata=tuple(builder.metadata),
    )


_CACHE: OrderedDict[str, Form] = OrderedDict()
_CACHE_LOCK = Lock()
_CACHE_SIZE = 32


def form_cache(data: bytes, filename: str = "formulaire.xlsx") -> Form:
    """:func:`load_xlsform` with a process-wide LRU cache (32 forms) keyed by the file's sha256."""
    key = hashlib.sha256(data).hexdigest() + _extension(filename)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    form = load_xlsform(data, filename)
    with _CACHE_LOCK:
        _CACHE[key] = form
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return form
